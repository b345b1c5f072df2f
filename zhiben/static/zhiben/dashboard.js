// The dashboard's charts (Apache ECharts, served locally). Data comes from a json_script block.
(function () {
  "use strict";
  var RED = "#b3261e", AMBER = "#f79009", GREEN = "#067647", BLUE = "#1570ef", GREY = "#98a2b3";
  function chart(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    var c = window.echarts.init(el, null, { renderer: "svg" });
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }
  function list(params) { return "/hazards/?" + new URLSearchParams(params).toString(); }
  function draw() {
    var node = document.getElementById("dashboard-data");
    if (!node || !window.echarts) return;
    var d = JSON.parse(node.textContent);
    var region = d.region;
    var regions = d.regions.slice().sort(function (a, b) { return a.open - b.open; });
    var c1 = chart("chart-regions");
    if (c1) {
      c1.setOption({
        tooltip: { trigger: "axis" }, legend: { top: 0 },
        grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: regions.map(function (g) { return g.name; }) },
        series: [
          { name: "逾期", type: "bar", stack: "open", color: RED, data: regions.map(function (g) { return g.overdue; }) },
          { name: "未逾期在办", type: "bar", stack: "open", color: AMBER, data: regions.map(function (g) { return g.open - g.overdue; }) },
        ],
      });
      c1.on("click", function (p) {
        var g = regions[p.dataIndex];
        if (g && g.key !== region) window.location.href = "?region=" + encodeURIComponent(g.key);
      });
    }
    var c2 = chart("chart-months");
    if (c2) {
      c2.setOption({
        tooltip: { trigger: "axis" }, legend: { top: 0 },
        grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: d.months.map(function (m) { return m.key; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: "发现", type: "line", color: BLUE, data: d.months.map(function (m) { return m.total; }) },
          { name: "已销号", type: "line", color: GREEN, data: d.months.map(function (m) { return m.closed; }) },
          { name: "未销号", type: "line", color: RED, data: d.months.map(function (m) { return m.open; }) },
        ],
      });
    }
    function bars(id, rows, param) {
      var c = chart(id);
      if (!c) return;
      rows = rows.slice().sort(function (a, b) { return a.total - b.total; });
      c.setOption({
        tooltip: { trigger: "axis" }, legend: { top: 0 },
        grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: rows.map(function (g) { return g.name; }) },
        series: [
          { name: "已销号", type: "bar", stack: "t", color: GREEN, data: rows.map(function (g) { return g.closed; }) },
          { name: "未销号", type: "bar", stack: "t", color: RED, data: rows.map(function (g) { return g.open; }) },
        ],
      });
      c.on("click", function (p) {
        var g = rows[p.dataIndex];
        if (!g) return;
        // the segment's own list: 已销号 the closed ones, 未销号 the open ones (cancelled hazards count in neither)
        var q = {}; q[param] = g.key; q.status = p.seriesIndex === 0 ? "closed" : "active";
        if (region) q.region = region;
        window.location.href = list(q);
      });
    }
    bars("chart-sectors", d.sectors, "sector");
    bars("chart-sources", d.sources, "source");
    var acc = d.accidents, c3 = acc && chart("chart-accidents");
    if (c3) {
      c3.setOption({
        tooltip: { trigger: "axis" }, legend: { top: 0 },
        grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: acc.months.map(function (m) { return parseInt(m.key.slice(5), 10) + "月"; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: "事故（起）", type: "bar", color: AMBER, data: acc.months.map(function (m) { return m.count; }) },
          { name: "死亡（人）", type: "bar", color: RED, data: acc.months.map(function (m) { return m.deaths; }) },
        ],
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
