// The inspection pages on a weak connection (docs/user-guide.md, “监督检查”): on site the network comes and goes.
//
// - What is typed and chosen is kept in the browser as it is typed (forms.js: localStorage, files in IndexedDB,
//   keyed by the page and the form), so a reload or a lost network loses nothing.
// - A form marked data-offline is sent with fetch. While the phone is offline (navigator.onLine false), or when
//   the request fails, the submission — its fields, its photos and its form token — is queued in IndexedDB and
//   a banner says so; when the `online` event fires (or the next page opens online) the queue is sent, oldest
//   first. The form token is the inspection's client_key and every form's idempotency key: a submission sent
//   twice (queued, then sent again by hand) is recorded once.
// - A service worker (/inspections/offline.js) keeps the inspection pages and their scripts and styles that
//   this phone has opened, so that a reload without network shows the form again; a page shown from it is
//   marked data-offline-copy, and its forms get fresh tokens unless a draft brings its own.
// Without this script (or without IndexedDB) every form is a plain POST, as before.
(function () {
  "use strict";
  var OFFLINE_TEXT = "网络已断开，已保存在本机，恢复后自动提交";
  var CACHE = "zhiben-inspections-v1";
  var owner = document.body.getAttribute("data-draft-owner") || "anon";
  var flushing = false;

  // ------------------------------------------------------------------------------------- the queue
  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) return reject(new Error("no IndexedDB"));
      var req = indexedDB.open("zhiben-queue", 1);
      req.onupgradeneeded = function () { req.result.createObjectStore("posts", { keyPath: "id", autoIncrement: true }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function store(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("posts", mode);
        var req = fn(tx.objectStore("posts"));
        tx.oncomplete = function () { db.close(); resolve(req && req.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }
  function queued() {
    return store("readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).filter(function (r) { return r.owner === owner; }).sort(function (a, b) { return a.id - b.id; });
    });
  }
  function enqueue(entry) { return store("readwrite", function (s) { return s.add(entry); }); }
  function dequeue(id) { return store("readwrite", function (s) { return s.delete(id); }); }

  // ------------------------------------------------------------------------------------ the banner
  function banner(text, sent) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-offline-banner]"), function (el) {
      el.textContent = text;
      el.hidden = !text;
      el.classList.toggle("sent", !!sent);
    });
  }

  // ------------------------------------------------------------------------------------ the fields
  function token() {
    var bytes = new Uint8Array(18);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function entriesOf(form, submitter) {
    var keyField = form.querySelector("[data-client-key]");
    var formToken = form.querySelector("input[name=form_token]");
    // the inspection's client_key is the form's own token: one key for the page and the service
    if (keyField && formToken) keyField.value = formToken.value;
    var data = submitter && submitter.name ? new FormData(form, submitter) : new FormData(form);
    var out = [];
    data.forEach(function (value, name) {
      if (value instanceof File && !value.name && !value.size) return; // a file input left empty
      out.push([name, value]);
    });
    if (form._zbKey) out.push(["_draft", form._zbKey]); // the server's success tells forms.js to forget it
    return out;
  }
  function post(url, entries) {
    var body = new FormData();
    entries.forEach(function (pair) { body.append(pair[0], pair[1]); });
    return fetch(url, { method: "POST", body: body, credentials: "same-origin", redirect: "follow" });
  }
  function signIn(response) {
    return new URL(response.url, location.href).pathname.indexOf("/accounts/login") === 0;
  }
  function buttons(form, on) {
    Array.prototype.forEach.call(form.querySelectorAll("button:not([type=button])"), function (b) {
      b.disabled = on;
      if (on) b.setAttribute("aria-busy", "true"); else b.removeAttribute("aria-busy");
    });
  }
  function resubmit(form, submitter) {
    // the answer is a page of errors (or a refusal): the form is sent as without script, so that the page
    // the server gives is shown as it is (a refused submission is not remembered: nothing was recorded)
    if (submitter && submitter.name) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = submitter.name;
      hidden.value = submitter.value;
      form.appendChild(hidden);
    }
    HTMLFormElement.prototype.submit.call(form);
  }
  function keep(form, entries) {
    var entry = {
      owner: owner,
      url: new URL(form.getAttribute("action") || location.href, location.href).pathname,
      page: location.pathname,
      entries: entries,
      at: Date.now()
    };
    return enqueue(entry).then(function () {
      buttons(form, false);
      banner(OFFLINE_TEXT, false);
    }, function () {
      buttons(form, false);
      resubmit(form, null); // no queue in this browser: sent as a plain form
    });
  }
  function onSubmit(event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-offline") || !window.fetch || !window.FormData) return;
    event.preventDefault();
    event.stopPropagation(); // forms.js's own sending is replaced by this one
    if (form.dataset.zbSending === "1") return;
    var submitter = event.submitter || null;
    form.dataset.zbSending = "1";
    buttons(form, true);
    (form._zbPending || Promise.resolve()).then(function () {
      var entries = entriesOf(form, submitter);
      if (!navigator.onLine) return keep(form, entries);
      return post(form.getAttribute("action") || location.href, entries).then(function (response) {
        if (response.redirected && !signIn(response)) {
          location.assign(response.url);
          return;
        }
        resubmit(form, submitter);
      }, function () {
        return keep(form, entries); // the request did not get through: kept for when the network is back
      });
    }).then(function () { delete form.dataset.zbSending; });
  }

  // ------------------------------------------------------------------------------- sending the queue
  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    flushing = true;
    var sent = 0;
    var here = null;
    var refused = [];
    return queued().then(function (rows) {
      return rows.reduce(function (chain, row) {
        return chain.then(function (stop) {
          if (stop) return true;
          return post(row.url, row.entries).then(function (response) {
            if (signIn(response)) {
              banner("登录已过期：请重新登录，登录后本机保存的内容自动提交", false);
              return true;
            }
            return dequeue(row.id).then(function () {
              if (response.redirected) {
                sent += 1;
                if (row.page === location.pathname) here = response.url;
              } else {
                refused.push(row.page);
              }
              return false;
            });
          }, function () { return true; }); // offline again: the rest waits
        });
      }, Promise.resolve(false));
    }).then(function () {
      flushing = false;
      if (refused.length) {
        banner("本机保存的内容已提交，但未被接受（请打开页面按提示修改后重新提交）：" + refused.join("、"), false);
      } else if (sent) {
        banner("网络已恢复，本机保存的 " + sent + " 项内容已自动提交", true);
      }
      if (here) location.assign(here);
    }, function () { flushing = false; });
  }

  // ---------------------------------------------------------------------------- a page from the phone
  function draftToken(form) {
    try {
      var draft = JSON.parse(localStorage.getItem("zb-draft:" + form._zbKey) || "null");
      return draft && draft.fields && draft.fields.form_token;
    } catch (e) { return null; }
  }
  function freshTokens() {
    // a page kept on the phone carries the tokens it was drawn with, which may have been used since: each
    // of its forms gets a new one, unless a draft put its own back (that submission is still the same one)
    if (!document.body.hasAttribute("data-offline-copy")) return;
    Array.prototype.forEach.call(document.querySelectorAll("form[data-offline] input[name=form_token]"), function (input) {
      if (!draftToken(input.form)) input.value = token();
    });
  }
  function keepPage() {
    // the page and what it loads, kept for a reload without network (the worker keeps them from now on; this
    // first page was loaded before it)
    if (!window.caches || !navigator.onLine || document.body.hasAttribute("data-offline-copy")) return;
    var urls = [location.pathname + location.search];
    Array.prototype.forEach.call(document.querySelectorAll("script[src], link[rel=stylesheet][href]"), function (el) {
      urls.push(el.getAttribute("src") || el.getAttribute("href"));
    });
    caches.open(CACHE).then(function (cache) {
      urls.forEach(function (url) {
        cache.match(url, { ignoreVary: true }).then(function (hit) { if (!hit) cache.add(url).catch(function () {}); });
      });
    }).catch(function () {});
  }
  function start() {
    freshTokens();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/inspections/offline.js", { scope: "/inspections/" }).then(keepPage, function () {});
    }
    queued().then(function (rows) {
      if (!rows.length) return;
      if (navigator.onLine) flush(); else banner(OFFLINE_TEXT, false);
    }, function () {});
  }

  document.addEventListener("submit", onSubmit, true);
  window.addEventListener("online", flush);
  window.addEventListener("offline", function () {
    queued().then(function (rows) {
      banner(rows.length ? OFFLINE_TEXT : "网络已断开：填写的内容保存在本机，提交时先存在本机，恢复后自动提交", false);
    }, function () {});
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
