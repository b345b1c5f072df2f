// Bar chart of enterprises by sector on the home page (data from a json_script block).
(function () {
  function draw() {
    var el = document.getElementById("sector-chart");
    var data = document.getElementById("sector-data");
    if (!el || !data || !window.echarts) return;
    var rows = JSON.parse(data.textContent).slice(0, 12).reverse();
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }) },
      tooltip: { trigger: "axis" },
      series: [{ type: "bar", data: rows.map(function (r) { return r.count; }), itemStyle: { color: "#b3261e" } }],
    });
    chart.on("click", function (p) {
      var row = rows[p.dataIndex];
      if (row) window.location.href = "/enterprises/?sector=" + encodeURIComponent(row.key);
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
