// List pages: the filters sit behind one button (a <details>); on a wide screen they are unfolded at once,
// on a phone the results come first. Without this script the button still unfolds them.
(function () {
  "use strict";
  if (!window.matchMedia("(min-width: 721px)").matches) return;
  document.querySelectorAll("details[data-filters]").forEach(function (box) { box.open = true; });
})();
