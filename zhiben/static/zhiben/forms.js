// Forms on a weak phone connection (docs/users.md, "填写表单"): nothing typed or chosen is lost, a form
// is sent once, irreversible steps ask first, photos are shrunk before they are sent.
//
// - Drafts: every POST form's fields are kept in localStorage while typing, its chosen files in IndexedDB,
//   and put back when the form is next shown (after a network failure, an expired page, a lapsed login or a
//   page of errors). A draft is forgotten when the server answers the form with success: it then sets the
//   cookie zb_draft_saved to the draft's key (common/middleware.py). Password fields, one-time codes and
//   anything marked data-draft="off" (or inside such a form) are never kept.
// - The submit button is disabled once pressed (the form token makes a second copy harmless anyway).
// - data-confirm="…" on a form (or data-confirm-by="field" with data-confirm-<value>="…") asks in a dialog.
// - JPEG/PNG/WebP photos over 1.5 MB or 2560 px are redrawn (long side ≤ 2560 px, JPEG quality 0.85, EXIF
//   orientation applied) and forms with files are sent with a progress bar.
(function () {
  "use strict";
  var PREFIX = "zb-draft:";
  var MAX_AGE_MS = 3 * 24 * 3600 * 1000;
  var LONG_SIDE = 2560;
  var SHRINK_OVER = 1.5 * 1024 * 1024;
  var QUALITY = 0.85;
  var SHRINKABLE = ["image/jpeg", "image/png", "image/webp"];
  var answerShown = false; // the page shown is a form's answer put in place by sendWithProgress

  // ----------------------------------------------------------------------------------- storage
  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) return reject(new Error("no IndexedDB"));
      var req = indexedDB.open("zhiben-drafts", 1);
      req.onupgradeneeded = function () { req.result.createObjectStore("files"); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function dbDo(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("files", mode);
        var out = fn(tx.objectStore("files"));
        tx.oncomplete = function () { db.close(); resolve(out && out.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }
  function putFiles(key, files) {
    var items = files.map(function (f) { return { name: f.name, type: f.type, lastModified: f.lastModified, blob: f }; });
    return dbDo("readwrite", function (s) { return items.length ? s.put(items, key) : s.delete(key); }).catch(function () {});
  }
  function getFiles(key) {
    return dbDo("readonly", function (s) { return s.get(key); }).catch(function () { return undefined; });
  }
  function forgetDraft(key) {
    try { localStorage.removeItem(PREFIX + key); } catch (e) { /* storage refused: nothing kept */ }
    return dbDo("readwrite", function (s) {
      return s.delete(IDBKeyRange.bound(key + "|", key + "|\uffff"));
    }).catch(function () {});
  }
  function readDraft(key) {
    try {
      var draft = JSON.parse(localStorage.getItem(PREFIX + key) || "null");
      if (draft && Date.now() - draft.at < MAX_AGE_MS) return draft;
    } catch (e) { /* a broken draft is no draft */ }
    return null;
  }

  // ------------------------------------------------------------------------------------- drafts
  // A draft belongs to whoever typed it (the signed-in user, or "anon" on the public pages): another
  // user on the same browser never sees it, and signing out forgets every draft (data-draft-clear).
  function draftKey(form) {
    var owner = document.body.getAttribute("data-draft-owner") || "anon";
    return owner + "|" + location.pathname + "|" + (form.getAttribute("action") || "") + "|" + (form.id || "");
  }
  function forgetAllDrafts() {
    try {
      Object.keys(localStorage).forEach(function (k) { if (k.indexOf(PREFIX) === 0) localStorage.removeItem(k); });
    } catch (e) { /* storage refused: nothing kept */ }
    try { if (window.indexedDB) indexedDB.deleteDatabase("zhiben-drafts"); } catch (e) { /* nothing kept */ }
  }
  function kept(el) {
    if (!el.name || el.disabled || el.closest("[data-draft=off]")) return false;
    var type = (el.type || "").toLowerCase();
    if (type === "password" || type === "submit" || type === "button" || type === "file") return false;
    if (type === "hidden") return el.name === "form_token";
    if (/one-time-code|password/.test(el.getAttribute("autocomplete") || "")) return false;
    return el.name !== "csrfmiddlewaretoken" && el.name !== "_draft";
  }
  function edited(el) {
    // changed by the user from what the page came with (the value attributes, the server's own answer)
    var type = (el.type || "").toLowerCase();
    if (type === "checkbox" || type === "radio") return el.checked !== el.defaultChecked;
    if (el.tagName === "SELECT") return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
    return type !== "hidden" && el.value !== el.defaultValue;
  }
  function snapshot(form, before) {
    // only what the user changed is a draft (and the form token, so that a second copy is still harmless):
    // a page's own defaults put back another day would be "restored" although nobody typed them. What the
    // draft held already stays in it (a page of errors shows the typed values as its own defaults).
    var fields = {};
    var dirty = {};
    Object.keys(before || {}).forEach(function (name) { dirty[name] = true; });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (kept(el) && edited(el)) dirty[el.name] = true;
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!kept(el) || !(dirty[el.name] || (el.type || "").toLowerCase() === "hidden")) return;
      var type = (el.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        fields[el.name] = fields[el.name] || [];
        if (el.checked) fields[el.name].push(el.value);
      } else if (el.tagName === "SELECT" && el.multiple) {
        fields[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
      } else {
        fields[el.name] = el.value;
      }
    });
    var any = Object.keys(dirty).some(function (name) { return name !== "form_token"; });
    return { fields: fields, edited: any };
  }
  function chosenNames(form) {
    // the names only: the files themselves go to IndexedDB, which a browser may refuse (private mode)
    var names = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file][name]"), function (input) {
      var list = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
      if (list.length) names[input.name] = list;
    });
    return names;
  }
  function save(form) {
    try {
      var held = readDraft(form._zbKey);
      var shot = snapshot(form, held && held.fields);
      var files = chosenNames(form);
      if (!shot.edited && !Object.keys(files).length) return localStorage.removeItem(PREFIX + form._zbKey);
      localStorage.setItem(PREFIX + form._zbKey, JSON.stringify({ at: Date.now(), fields: shot.fields, files: files }));
    } catch (e) { /* private mode or full: the form still works */ }
  }
  function unset(el) {
    if (el.tagName === "SELECT") Array.prototype.forEach.call(el.options, function (o) { o.selected = o.defaultSelected; });
    else el.value = el.defaultValue;
  }
  function restoreFields(form, fields) {
    // true only when a visible field now shows what the draft held and did not show it before: a value
    // the field cannot take (an option no longer offered) or a hidden token is not something put back
    var changed = false;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!kept(el) || !(el.name in fields)) return;
      var value = fields[el.name];
      var type = (el.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        var on = Array.isArray(value) && value.indexOf(el.value) >= 0;
        // a radio is only ever chosen (choosing one lets the others go): a value no longer offered clears nothing
        if (el.checked !== on && (on || type === "checkbox")) { el.checked = on; changed = true; }
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) {
          var want = Array.isArray(value) && value.indexOf(o.value) >= 0;
          if (o.selected !== want) { o.selected = want; changed = true; }
        });
      } else if (typeof value === "string" && el.value !== value) {
        el.value = value;
        if (el.value !== value) unset(el); // refused by the field: left as the page had it
        else if (type !== "hidden") changed = true;
      }
    });
    return changed;
  }
  function restoreFiles(form) {
    var inputs = form.querySelectorAll("input[type=file][name]");
    return Promise.all(Array.prototype.map.call(inputs, function (input) {
      if (input.files && input.files.length) return false;
      return getFiles(form._zbKey + "|" + input.name).then(function (items) {
        if (!items || !items.length || !window.DataTransfer) return false;
        var dt = new DataTransfer();
        items.forEach(function (it) { dt.items.add(new File([it.blob], it.name, { type: it.type, lastModified: it.lastModified })); });
        input.files = dt.files;
        showChosen(input);
        return true;
      });
    }));
  }
  function notice(form, text, withClear) {
    var p = form.querySelector(".draft-note") || document.createElement("p");
    p.className = "draft-note muted";
    p.textContent = text + " ";
    if (withClear) {
      var clear = document.createElement("button");
      clear.type = "button";
      clear.className = "link";
      clear.textContent = "清空";
      clear.addEventListener("click", function () {
        forgetDraft(form._zbKey);
        form.reset();
        Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), showChosen);
        p.remove();
      });
      p.appendChild(clear);
    }
    form.insertBefore(p, form.firstChild);
  }
  function showChosen(input) {
    var box = input.nextElementSibling && input.nextElementSibling.classList.contains("chosen-files") ? input.nextElementSibling : null;
    if (!box) {
      box = document.createElement("p");
      box.className = "chosen-files muted";
      input.insertAdjacentElement("afterend", box);
    }
    var files = Array.prototype.slice.call(input.files || []);
    box.textContent = files.length ? "已选择：" + files.map(function (f) { return f.name + "（" + size(f.size) + "）"; }).join("、") : "";
  }
  function size(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  // --------------------------------------------------------------------------------- shrinking
  function loadSize(file) {
    return new Promise(function (resolve) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () { URL.revokeObjectURL(url); resolve([img.naturalWidth, img.naturalHeight]); };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(null); };
      img.src = url;
    });
  }
  function shrink(file) {
    if (SHRINKABLE.indexOf(file.type) < 0 || !window.createImageBitmap) return Promise.resolve(file);
    return loadSize(file).then(function (dims) {
      if (!dims) return file;
      var scale = Math.min(1, LONG_SIDE / Math.max(dims[0], dims[1]));
      if (scale === 1 && file.size <= SHRINK_OVER) return file;
      var options = { imageOrientation: "from-image" };
      // a 200-megapixel photo is decoded at a reduced size: the full one would not fit a phone's memory
      if (dims[0] * dims[1] > 40e6) { options.resizeWidth = Math.round(dims[0] * scale * 2); options.resizeQuality = "high"; }
      return createImageBitmap(file, options).then(function (bitmap) {
        var s = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * s);
        canvas.height = Math.round(bitmap.height * s);
        var ctx = canvas.getContext("2d");
        ctx.fillStyle = "#fff"; // a transparent PNG becomes a JPEG on white, not on black
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        if (bitmap.close) bitmap.close();
        return new Promise(function (resolve) {
          canvas.toBlob(function (blob) {
            if (!blob || blob.size >= file.size) return resolve(file);
            var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
            resolve(new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified }));
          }, "image/jpeg", QUALITY);
        });
      });
    }).catch(function () { return file; }); // the server checks and thumbnails what the browser could not
  }
  function onFilesChosen(form, input) {
    var files = Array.prototype.slice.call(input.files || []);
    var work = Promise.all(files.map(shrink)).then(function (out) {
      var before = files.reduce(function (a, f) { return a + f.size; }, 0);
      var after = out.reduce(function (a, f) { return a + f.size; }, 0);
      if (after < before && window.DataTransfer) {
        var dt = new DataTransfer();
        out.forEach(function (f) { dt.items.add(f); });
        input.files = dt.files;
      }
      showChosen(input);
      if (after < before) {
        var box = input.nextElementSibling;
        if (box) box.textContent += "；照片已缩小：" + size(before) + " → " + size(after);
      }
      if (form.getAttribute("data-draft") === "off") return null;
      save(form); // a draft of chosen files alone is a draft too
      return putFiles(form._zbKey + "|" + input.name, Array.prototype.slice.call(input.files || []));
    });
    form._zbPending = work;
    work.then(function () { if (form._zbPending === work) form._zbPending = null; });
    return work;
  }

  // ----------------------------------------------------------------------------------- confirm
  function confirmText(form) {
    var by = form.getAttribute("data-confirm-by");
    if (by && form.elements[by]) {
      var value = form.elements[by].value;
      var text = value && form.getAttribute("data-confirm-" + value);
      if (text) return text;
      if (form.hasAttribute("data-confirm-by") && !form.getAttribute("data-confirm")) return "";
    }
    return form.getAttribute("data-confirm") || "";
  }
  function ask(text) {
    return new Promise(function (resolve) {
      var dialog = document.createElement("dialog");
      dialog.className = "confirm";
      var p = document.createElement("p");
      p.textContent = text;
      var row = document.createElement("div");
      row.className = "confirm-buttons";
      var no = document.createElement("button");
      no.type = "button"; no.textContent = "取消"; no.value = "no";
      var yes = document.createElement("button");
      yes.type = "button"; yes.className = "primary"; yes.textContent = "确定"; yes.value = "yes";
      row.appendChild(no); row.appendChild(yes);
      dialog.appendChild(p); dialog.appendChild(row);
      document.body.appendChild(dialog);
      function done(answer) { dialog.close(); dialog.remove(); resolve(answer); }
      no.addEventListener("click", function () { done(false); });
      yes.addEventListener("click", function () { done(true); });
      dialog.addEventListener("cancel", function (e) { e.preventDefault(); done(false); });
      if (dialog.showModal) dialog.showModal(); else resolve(window.confirm(text));
      no.focus();
    });
  }

  // ------------------------------------------------------------------------------------ submit
  function buttons(form) {
    return form.querySelectorAll("button:not([type=button]), input[type=submit]");
  }
  function busy(form, on) {
    Array.prototype.forEach.call(buttons(form), function (b) {
      if (on) {
        b.disabled = true;
        b.setAttribute("aria-busy", "true");
        if (b.tagName === "BUTTON" && !b.dataset.label) { b.dataset.label = b.textContent; b.textContent = "正在提交…"; }
      } else {
        b.disabled = false;
        b.removeAttribute("aria-busy");
        if (b.dataset.label) { b.textContent = b.dataset.label; delete b.dataset.label; }
      }
    });
  }
  function markDraft(form) {
    var hidden = form.querySelector("input[name=_draft]");
    if (!hidden) {
      hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "_draft";
      form.appendChild(hidden);
    }
    hidden.value = form._zbKey;
  }
  function hasFiles(form) {
    return Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (i) { return i.files && i.files.length; });
  }
  function progressFor(form) {
    var bar = form.querySelector("progress.upload");
    if (!bar) {
      bar = document.createElement("progress");
      bar.className = "upload";
      bar.max = 100;
      bar.value = 0;
      var last = buttons(form);
      (last.length ? last[last.length - 1] : form.lastChild).insertAdjacentElement("afterend", bar);
    }
    return bar;
  }
  function failed(form, text) {
    delete form.dataset.submitted;
    busy(form, false);
    var bar = form.querySelector("progress.upload");
    if (bar) bar.remove();
    notice(form, text, false);
  }
  function sendWithProgress(form, submitter) {
    var data = submitter ? new FormData(form, submitter) : new FormData(form);
    var bar = progressFor(form);
    var xhr = new XMLHttpRequest();
    // the attribute, not form.action: a control named "action" (the pages' <input name="action">) shadows
    // the property, which then is that element, and the upload would go to ".../[object HTMLInputElement]"
    var action = form.getAttribute("action") || location.href;
    xhr.open("POST", action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100); };
    xhr.onload = function () {
      // the answer is shown as it came (a redirect's page included: its one-time messages are in it), and
      // the address becomes the page's own, so that a reload is a GET of it, never the form sent again
      var landed = xhr.responseURL && xhr.responseURL.split("#")[0] !== new URL(action, location.href).href.split("#")[0];
      if (landed) history.replaceState(null, "", xhr.responseURL);
      // an answer shown at the form's own address (its errors, an expired page) is a step of its own, as
      // a form sent without script would be: the browser's Back then leads to the form, not the page before
      else { history.pushState({ zbAnswer: true }, "", location.href); answerShown = true; }
      showPage(xhr.responseText);
    };
    var lost = "网络不稳定，未能确认提交结果。您填写的内容和选择的文件已保存在本机，请稍后再点一次提交（重复提交不会产生两条记录）。";
    xhr.onerror = function () { failed(form, lost); };
    xhr.ontimeout = xhr.onerror;
    busy(form, true);
    xhr.send(data);
  }
  function showPage(html) {
    // the answer is a page (errors, an expired form): shown in place, the address kept, its forms wired again
    var doc = new DOMParser().parseFromString(html, "text/html");
    document.title = doc.title;
    document.body.replaceWith(document.adoptNode(doc.body));
    if (window.htmx) window.htmx.process(document.body);
    init(document);
    window.scrollTo(0, 0);
  }
  function onSubmit(event) {
    var form = event.target;
    if (form.dataset && !form._zbKey) wire(form); // a form brought in by htmx after the page loaded
    if (!form.dataset || !form._zbKey) return;
    var submitter = event.submitter || null;
    if (form._zbPending) {
      event.preventDefault();
      busy(form, true);
      form._zbPending.then(function () { busy(form, false); form.requestSubmit(submitter); });
      return;
    }
    var text = form._zbConfirmed ? "" : confirmText(form);
    if (text) {
      event.preventDefault();
      ask(text).then(function (yes) {
        if (!yes) return;
        form._zbConfirmed = true;
        form.requestSubmit(submitter && !submitter.disabled ? submitter : null);
      });
      return;
    }
    form._zbConfirmed = false;
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    if (form.getAttribute("data-draft") !== "off") save(form);
    markDraft(form);
    form.dataset.submitted = "1";
    if (hasFiles(form) && window.FormData && window.XMLHttpRequest) {
      event.preventDefault();
      sendWithProgress(form, submitter);
      return;
    }
    // a named submitter is sent with the form only if still enabled: that one is disabled after this turn
    if (submitter && submitter.name) setTimeout(function () { busy(form, true); }, 0);
    else busy(form, true);
  }

  // -------------------------------------------------------------------------------------- wire up
  function savedKeys() {
    var m = document.cookie.match(/(?:^|;\s*)zb_draft_saved=([^;]*)/);
    if (!m) return [];
    document.cookie = "zb_draft_saved=; Max-Age=0; path=/; SameSite=Lax";
    return decodeURIComponent(m[1]).split(",").filter(Boolean);
  }
  function wire(form) {
    if (form.hasAttribute("data-draft-clear") && !form._zbClear) {
      form._zbClear = true;
      form.addEventListener("submit", forgetAllDrafts);
    }
    if (form._zbKey || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    if (form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) return; // htmx sends these itself
    var key = draftKey(form);
    form._zbKey = key;
    var timer = null;
    var off = form.getAttribute("data-draft") === "off";
    if (!off) {
      form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { save(form); }, 300); });
      form.addEventListener("change", function (e) {
        if (e.target.type === "file") onFilesChosen(form, e.target);
        else save(form);
      });
      var draft = readDraft(key);
      if (draft) {
        var changed = restoreFields(form, draft.fields || {});
        restoreFiles(form).then(function () {
          // what was put back is said; files the browser could not keep are named, to be chosen again
          var put = 0;
          var missing = [];
          var wanted = draft.files || {};
          Array.prototype.forEach.call(form.querySelectorAll("input[type=file][name]"), function (input) {
            var n = (input.files || []).length;
            if (n && (wanted[input.name] || []).length) put += n;
            else if (!n) missing = missing.concat(wanted[input.name] || []);
          });
          var text = changed || put ? "已恢复您上次在本机填写但未提交成功的内容" + (put ? "（含 " + put + " 个文件）" : "") + "。" : "";
          if (missing.length) text += "上次选择的文件未能保留，请重新选择：" + missing.join("、") + "。";
          if (text) notice(form, text, true);
        });
      }
    } else {
      form.addEventListener("change", function (e) { if (e.target.type === "file") onFilesChosen(form, e.target); });
    }
  }
  function init(root) {
    savedKeys().forEach(forgetDraft);
    Array.prototype.forEach.call(root.querySelectorAll("form"), wire);
  }
  document.addEventListener("submit", onSubmit);
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
  window.addEventListener("popstate", function () {
    // Back from an answer shown in place: the form's page is loaded again (a GET), and its draft put back
    if (answerShown && !(history.state && history.state.zbAnswer)) location.reload();
  });
  window.addEventListener("pageshow", function (e) {
    // back to a page kept in memory: its buttons pressed before are usable again
    if (e.persisted) Array.prototype.forEach.call(document.querySelectorAll("form[data-submitted]"), function (f) { delete f.dataset.submitted; busy(f, false); });
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(document); });
  else init(document);
})();
