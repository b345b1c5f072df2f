// 四色图: choose a unit, tap the image — the place (fractions of the image from its top-left corner) goes into the
// x/y fields of the form, which is then sent; without this script the same form is filled in by hand.
(function () {
  "use strict";
  var map = document.getElementById("risk-map");
  var form = document.getElementById("place-form");
  if (!map || !form || map.getAttribute("data-editable") !== "1") return;
  var img = map.querySelector("img");
  var x = document.getElementById("place-x");
  var y = document.getElementById("place-y");
  if (!img || !x || !y) return;
  img.addEventListener("click", function (event) {
    var box = img.getBoundingClientRect();
    if (!box.width || !box.height) return;
    var fx = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    var fy = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
    x.value = fx.toFixed(4);
    y.value = fy.toFixed(4);
    var mark = document.createElement("span");
    mark.className = "risk-marker pending";
    mark.style.left = (fx * 100).toFixed(2) + "%";
    mark.style.top = (fy * 100).toFixed(2) + "%";
    map.appendChild(mark);
    form.requestSubmit ? form.requestSubmit() : form.submit();
  });
})();
