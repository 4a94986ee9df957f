/* On a narrow screen (a grid worker's phone) the layer sidebar is a drawer over the map:
   the header's "layers" button opens and closes it; Escape or a tap on the map closes it. */
(function () {
  "use strict";
  var button = document.getElementById("drawer-toggle");
  var side = document.getElementById("side");
  if (!button || !side) return;
  function set(open) {
    document.body.classList.toggle("drawer-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  button.addEventListener("click", function () {
    set(!document.body.classList.contains("drawer-open"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") set(false);
  });
  var map = document.getElementById("map");
  if (map) map.addEventListener("pointerdown", function () { set(false); });
})();
