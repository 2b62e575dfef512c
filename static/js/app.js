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
      field.scrollIntoView({ block: "center" });
      field.focus({ preventScroll: true });
    });
  });
  // Open the details of a party row that contains an error.
  document.querySelectorAll("details").forEach(function (details) {
    if (details.querySelector(".form-group--error")) { details.open = true; }
  });
})();
