// The public draw pages' verify button (双随机抽查公告): POST /api/v1/draws/verify {"id": N} and show the answer in
// place. Without scripts the button is a link to the same page with ?verify=1, which the server answers itself.
(function () {
  "use strict";
  function show(out, ok, lines) {
    out.textContent = "";
    var box = document.createElement("div");
    box.className = ok ? "msg" : "msg error";
    box.setAttribute("role", ok ? "status" : "alert");
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      box.appendChild(p);
    });
    out.appendChild(box);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-verify-draw]");
    if (!button) return;
    var out = document.getElementById(button.getAttribute("data-verify-out"));
    if (!out || !window.fetch) return; // the link's own page answers
    event.preventDefault();
    show(out, true, ["正在按公布的名录库和随机种子重新计算…"]);
    fetch("/api/v1/draws/verify", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      credentials: "omit",
      body: JSON.stringify({ id: Number(button.getAttribute("data-verify-draw")) }),
    })
      .then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, body: body }; });
      })
      .then(function (answer) {
        var body = answer.body;
        if (!answer.ok) {
          show(out, false, ["无法核验：" + (typeof body.detail === "string" ? body.detail : "请求被拒绝")]);
        } else if (body.verified) {
          show(out, true, [
            "核验一致：重新计算的 " + body.picks.length + " 家企业及其执法人员与公告完全一致。",
            "抽取结果摘要 " + body.picks_digest,
          ]);
        } else {
          show(out, false, ["核验不一致："].concat(body.differences.map(function (d) {
            return d.field + "：" + d.message;
          })));
        }
      })
      .catch(function () {
        show(out, false, ["网络异常，未能核验，请稍后再试。"]);
      });
  });
})();
