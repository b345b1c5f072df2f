// The phone page of checks (/risks/checks/) on a weak connection (docs/user-guide.md, “日常排查”).
//
// A check form is sent with fetch. When the request cannot get through (the phone is offline), the check — its
// task, result, note, hazard and the time it was made — is kept in this browser (localStorage, per user) and the
// page offers 补传: the kept checks are sent together to POST /api/v1/check-records (the session's cookie and its
// CSRF token, as the page's own requests send them), each with its form token as client_id, so a check that did
// reach the server before the network dropped is answered once, not recorded twice. A photo is not kept offline.
// Without this script every form is a plain POST.
(function () {
  "use strict";
  var owner = document.body.getAttribute("data-draft-owner") || "anon";
  var KEY = "zhiben-checks-" + owner;
  var box = document.querySelector("[data-offline-checks]");
  if (!box || !window.fetch || !window.FormData || !window.localStorage) return;

  function kept() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function keep(items) {
    if (items.length) localStorage.setItem(KEY, JSON.stringify(items)); else localStorage.removeItem(KEY);
    show("");
  }
  function show(error) {
    var items = kept();
    box.hidden = !items.length && !error;
    box.querySelector("[data-offline-count]").textContent = String(items.length);
    var out = box.querySelector("[data-offline-error]");
    out.textContent = error || "";
    out.hidden = !error;
  }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function nowLocal() {
    // Beijing wall time as the phone shows it (the server reads a time without an offset as Beijing time)
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }
  function itemOf(form, result) {
    var value = function (name) { var f = form.querySelector("[name=" + name + "]"); return f ? f.value : ""; };
    var doneAt = value("done_at");
    var item = {
      task: Number(value("task")),
      done_at: doneAt ? (doneAt.length === 16 ? doneAt + ":00" : doneAt) : nowLocal(),
      result: result,
      note: value("note"),
      client_id: value("form_token")
    };
    if (result === "fail") item.hazard = { title: value("hazard_title"), level: value("hazard_level") || "general" };
    return item;
  }
  function resubmit(form, submitter) {
    // the server answered (a page of errors): the form goes as without script, so its page shows as it is
    if (submitter && submitter.name) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = submitter.name;
      hidden.value = submitter.value;
      form.appendChild(hidden);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-check-form")) return;
    event.preventDefault();
    event.stopPropagation();
    var submitter = event.submitter || null;
    var result = submitter && submitter.name === "result" ? submitter.value : "pass";
    var body = new FormData(form);
    if (submitter && submitter.name) body.append(submitter.name, submitter.value); // older phones: no FormData(form, submitter)
    var buttons = form.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    var offline = function () {
      var items = kept();
      items.push(itemOf(form, result));
      keep(items);
      var card = form.closest("article");
      if (card) card.hidden = true;
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
    };
    if (!navigator.onLine) return offline();
    var action = form.getAttribute("action") || location.href;
    // the redirect is not followed here: the page it leads to shows the "recorded" message once, to the reader
    fetch(action, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" }).then(
      function (response) {
        if (response.type === "opaqueredirect") {
          location.assign(action);
          return;
        }
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
        resubmit(form, submitter);
      },
      offline
    );
  }, true);

  box.querySelector("[data-offline-send]").addEventListener("click", function () {
    var items = kept();
    if (!items.length) return show("");
    fetch("/api/v1/check-records", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(items)
    }).then(function (r) {
      return r.json().then(function (answer) { return { ok: r.ok, answer: answer }; }, function () { return { ok: r.ok, answer: {} }; });
    }).then(function (got) {
      if (got.ok) {
        keep([]);
        location.reload();
        return;
      }
      var errors = got.answer && got.answer.errors ? Object.keys(got.answer.errors).map(function (k) { return got.answer.errors[k]; }) : [];
      show("补传未成功：" + (errors.join("；") || (typeof got.answer.detail === "string" ? got.answer.detail : "请稍后再试")));
    }, function () {
      show("网络仍未连通，请稍后再点“补传”");
    });
  });
  box.querySelector("[data-offline-drop]").addEventListener("click", function () {
    if (window.confirm("放弃后，本机暂存的排查记录将不再补传。确定吗？")) keep([]);
  });
  show("");
})();
