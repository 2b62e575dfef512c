// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Move focus to an error summary or conflict notice so screen readers announce it.
  var target = document.querySelector("[data-autofocus]");
  if (target) {
    target.focus();
  }
  // Links in the error summary focus the field, not just scroll to it.
  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      var details = field.closest("details");
      if (details) { details.open = true; }
      // A group of radios or checkboxes is linked by its fieldset, which takes no focus:
      // focus its first control (the checked one among radios), as a keyboard user would.
      if (!field.matches("input, select, textarea, button, a[href], [tabindex]")) {
        field = field.querySelector("input:checked, input:not([type=hidden]), select, textarea") || field;
      }
      field.scrollIntoView({ block: "center" });
      field.focus({ preventScroll: true });
    });
  });
  // A link to a folded table (<details>) opens it, also when the page is opened at that
  // address; without JavaScript the link scrolls to the table's "Visa tabellen" line.
  var openDetails = function (id) {
    var details = id && document.getElementById(id);
    if (details && details.tagName === "DETAILS") { details.open = true; }
  };
  document.querySelectorAll("a[data-open-details]").forEach(function (link) {
    link.addEventListener("click", function () { openDetails(link.hash.slice(1)); });
  });
  if (window.location.hash) { openDetails(window.location.hash.slice(1)); }
  // The main menu: always open on wide screens (for browsers without ::details-content),
  // folded again when the window narrows; Escape folds it and returns to the button.
  var menu = document.querySelector("[data-site-menu]");
  if (menu && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 641px)");
    var fit = function () { menu.open = wide.matches; };
    fit();
    if (wide.addEventListener) { wide.addEventListener("change", fit); }
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open && !wide.matches) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }
  // Open the details of a party row that contains an error.
  document.querySelectorAll("details").forEach(function (details) {
    if (details.querySelector(".form-group--error")) { details.open = true; }
  });
})();
