// List pages: the filters sit behind one button (a <details>); on a wide screen they are unfolded at once,
// on a phone the results come first — also after filtering: the filters fold away once sent, and the button
// says how many are set (common/_filter_summary.html, swapped with each page of results). Without this
// script the button still unfolds them.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 721px)");
  if (wide.matches) {
    document.querySelectorAll("details[data-filters]").forEach(function (box) { box.open = true; });
    return;
  }
  document.addEventListener("submit", function (e) {
    var box = e.target.closest ? e.target.closest("details[data-filters]") : null;
    if (!box || wide.matches) return;
    box.open = false; // a form sent by htmx keeps the page: fold the filters so the results are seen
    var top = box.getBoundingClientRect().top;
    if (top < 0) window.scrollBy(0, top);
  }, true);
})();
