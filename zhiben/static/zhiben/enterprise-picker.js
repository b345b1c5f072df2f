// Find an enterprise by name wherever a credit code is asked (an input with data-enterprise-picker): a
// search box under the code asks the scoped enterprise list (GET /api/v1/enterprises?q=, the signed-in
// session) as one types, lists name, credit code and region, and on a choice fills the code and says which
// company was matched. Without this script the plain credit-code input works as before.
(function () {
  "use strict";
  var LIMIT = 8;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function describe(item) {
    return item.name + "（" + item.credit_code + "，" + item.region_name + "）";
  }

  function setup(code) {
    if (code.readOnly || code.disabled || code.dataset.pickerReady) return;
    code.dataset.pickerReady = "1";
    var id = code.id || code.name;
    var box = el("div", { "class": "enterprise-picker" });
    var search = el("input", {
      type: "search", id: id + "-search", "class": "picker-search", autocomplete: "off",
      placeholder: "输入企业名称的一部分查找", role: "combobox", "aria-expanded": "false",
      "aria-controls": id + "-options", "aria-autocomplete": "list"
    });
    var list = el("ul", { id: id + "-options", "class": "picker-options", role: "listbox", hidden: "" });
    var picked = el("p", { "class": "picker-picked", "aria-live": "polite" });
    box.appendChild(el("label", { "for": id + "-search", "class": "picker-label" }, "或输入企业名称查找，从列表中选择"));
    box.appendChild(search);
    box.appendChild(list);
    code.parentNode.insertBefore(picked, code.nextSibling);
    code.parentNode.insertBefore(box, picked.nextSibling);

    var items = [], active = -1, timer = null, pending = null;

    function close() { list.hidden = true; search.setAttribute("aria-expanded", "false"); active = -1; }

    function show(found, total) {
      items = found;
      list.textContent = "";
      if (!found.length) {
        list.appendChild(el("li", { "class": "picker-empty" }, "没有找到名称相符的企业（仅限您管辖范围内已登记的企业）"));
      }
      found.forEach(function (item, i) {
        var li = el("li", { role: "option", id: id + "-option-" + i, "data-index": String(i) });
        li.appendChild(el("b", {}, item.name));
        li.appendChild(el("span", { "class": "mono" }, item.credit_code));
        li.appendChild(el("span", { "class": "muted" }, item.region_name + " · " + item.sector_name));
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      if (total > found.length) list.appendChild(el("li", { "class": "picker-empty" }, "共 " + total + " 家，请输入更多字缩小范围"));
      list.hidden = false;
      search.setAttribute("aria-expanded", "true");
    }

    function mark(i) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (o, j) { o.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (options[i]) search.setAttribute("aria-activedescendant", options[i].id);
    }

    function choose(i) {
      var item = items[i];
      if (!item) return;
      code.value = item.credit_code;
      code.dispatchEvent(new Event("change", { bubbles: true }));
      picked.textContent = "已选择：" + describe(item);
      search.value = item.name;
      close();
    }

    function ask(q) {
      if (pending) pending.abort();
      pending = new AbortController();
      var url = "/api/v1/enterprises?limit=" + LIMIT + "&q=" + encodeURIComponent(q);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, signal: pending.signal })
        .then(function (r) { return r.ok ? r.json() : { items: [], count: 0 }; })
        .then(function (body) { if (search.value.trim() === q) show(body.items || [], body.count || 0); })
        .catch(function () { /* aborted by a newer query, or offline: the code input still works */ });
    }

    search.addEventListener("input", function () {
      var q = search.value.trim();
      clearTimeout(timer);
      if (!q) { close(); return; }
      timer = setTimeout(function () { ask(q); }, 250);
    });
    search.addEventListener("keydown", function (ev) {
      if (list.hidden) return;
      var n = items.length;
      if (ev.key === "ArrowDown" && n) { ev.preventDefault(); mark((active + 1) % n); }
      else if (ev.key === "ArrowUp" && n) { ev.preventDefault(); mark((active - 1 + n) % n); }
      else if (ev.key === "Enter") { ev.preventDefault(); choose(active >= 0 ? active : 0); }
      else if (ev.key === "Escape") { close(); }
    });
    search.addEventListener("blur", function () { setTimeout(close, 150); });
    // a code typed (or kept after a form error) by hand: say which company it is, when it is one in scope
    function lookUp() {
      var value = code.value.trim().toUpperCase();
      if (value.length !== 18) { picked.textContent = ""; picked.classList.remove("picker-miss"); return; }
      fetch("/api/v1/enterprises?limit=1&q=" + encodeURIComponent(value), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (body) {
          var hit = (body.items || []).filter(function (it) { return it.credit_code === value; })[0];
          picked.textContent = hit ? "已选择：" + describe(hit) : "未找到该统一社会信用代码对应的企业（仅限您管辖范围内）";
          picked.classList.toggle("picker-miss", !hit);
        })
        .catch(function () {});
    }
    code.addEventListener("change", lookUp);
    if (code.value.trim()) lookUp();
  }

  function init(root) { (root || document).querySelectorAll("input[data-enterprise-picker]").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(); });
  else init();
})();
