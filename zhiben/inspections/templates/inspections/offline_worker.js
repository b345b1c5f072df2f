// The service worker of the inspection pages (scope /inspections/; zhiben/inspections/views/inspections.py).
// Network first, always: what the network answers is shown and kept. When the network fails, the pages of
// /inspections/ this phone has opened, and the scripts and styles they load, are shown from the phone (a page
// so shown is marked data-offline-copy for inspections.js). Nothing is sent from here: the queue of
// submissions is inspections.js's. Pages are kept for one signed-in user: another user's page clears them,
// and so does signing out from an inspection page.
"use strict";
var CACHE = "zhiben-inspections-v1";
var OWNER = "/inspections/__owner__";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("zhiben-inspections-") === 0 && n !== CACHE; }).map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function ownerOf(html) {
  var m = /data-draft-owner="([^"]*)"/.exec(html);
  return m ? m[1] : "";
}

function keepPage(request, response) {
  // a page is kept only for the user it was drawn for: a page of another user first clears the kept ones
  return response.text().then(function (html) {
    var who = ownerOf(html);
    return caches.open(CACHE).then(function (cache) {
      return cache.match(OWNER).then(function (held) {
        return (held ? held.text() : Promise.resolve("")).then(function (before) {
          var clear = before && before !== who ? caches.delete(CACHE).then(function () { return caches.open(CACHE); }) : Promise.resolve(cache);
          return clear.then(function (c) {
            return Promise.all([
              c.put(OWNER, new Response(who)),
              c.put(request, new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } }))
            ]);
          });
        });
      });
    });
  });
}

function fromPhone(request, page) {
  return caches.open(CACHE).then(function (cache) { return cache.match(request, { ignoreVary: true }); }).then(function (hit) {
    if (!hit) {
      if (!page) return Response.error();
      var text = "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width, initial-scale=1'>" +
        "<title>网络已断开</title><p style='font:16px system-ui;padding:1rem'>网络已断开，本页尚未在这部手机上打开过，恢复网络后再打开。" +
        "已填写的内容仍保存在本机。</p>";
      return new Response(text, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    }
    if (!page) return hit;
    return hit.text().then(function (html) {
      return new Response(html.replace("<body ", "<body data-offline-copy=\"1\" "), {
        headers: { "Content-Type": "text/html; charset=utf-8" }
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    if (url.pathname === "/accounts/logout/") event.waitUntil(caches.delete(CACHE)); // signing out forgets the pages
    return;
  }
  var page = request.mode === "navigate" && url.pathname.indexOf("/inspections/") === 0;
  var asset = url.pathname.indexOf("/static/") === 0;
  if (!page && !asset) return; // photos, the API, other pages: the network only
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && response.type === "basic" && !response.redirected) {
        var copy = response.clone();
        event.waitUntil(
          page ? keepPage(request, copy) : caches.open(CACHE).then(function (c) { return c.put(request, copy); })
        );
      }
      return response;
    }, function () {
      return fromPhone(request, page);
    })
  );
});
