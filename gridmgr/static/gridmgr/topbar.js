/* The top bar's menu on a narrow screen: the ☰ button opens and closes the page list, the
   language, the user and logging out; Escape, or a tap outside the bar, closes it. Without this
   script the bar wraps instead (app.css styles the folded menu only under .js-menu). */
(function () {
  "use strict";
  var bar = document.getElementById("top");
  var button = bar && bar.querySelector(".menu-toggle");
  if (!button) return;
  bar.classList.add("js-menu");
  function set(open) {
    bar.classList.toggle("open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  button.addEventListener("click", function () { set(!bar.classList.contains("open")); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") set(false);
  });
  document.addEventListener("pointerdown", function (event) {
    if (!bar.contains(event.target)) set(false);
  });
})();
