(function () {
  "use strict";
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-incident-id], [data-ref]"));
  var shown = document.getElementById("shown-count");
  function apply() {
    var want = [];
    selects.forEach(function (s) {
      if (s.value !== "") {
        want.push(["data-" + s.getAttribute("data-filter"), s.value]);
      }
    });
    var n = 0;
    items.forEach(function (el) {
      var ok = want.every(function (w) { return el.getAttribute(w[0]) === w[1]; });
      if (el instanceof SVGElement) {
        el.classList.toggle("off", !ok);
      } else {
        el.hidden = !ok;
        if (ok && el.hasAttribute("data-incident-id")) {
          n++;
        }
      }
    });
    shown.textContent = String(n);
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  document.getElementById("reset").addEventListener("click", function () {
    selects.forEach(function (s) { s.value = ""; });
    apply();
  });
  apply();
})();
