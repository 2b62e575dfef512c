// Checklist toggles without a page reload, and the print button. Progressive enhancement:
// without this file every form posts normally and the server redirects back.
(function () {
  "use strict";
  var COLOURS = { open: "grey", done: "green", not_applicable: "purple" };
  var live = document.querySelector("[data-live]");
  // Texts in the page's language, from the template (texts.js); keys as a last resort.
  var t = typeof window.pageTexts === "function"
    ? window.pageTexts("lifecycle-texts") : function (key) { return key; };

  function announce(text) {
    if (!live) { return; }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function updateProgress(progress) {
    var block = document.querySelector("[data-progress-phase='" + progress.phase + "']");
    if (!block) { return; }
    var text = block.querySelector("[data-progress-text]");
    if (text) { text.textContent = progress.text; }
    var bar = block.querySelector("[data-progress-bar]");
    if (bar) {
      bar.max = progress.total || 1;
      bar.value = progress.resolved;
      bar.setAttribute("aria-label", progress.label);
      bar.textContent = progress.percent + " %";
    }
  }

  function update(form, body) {
    var item = document.getElementById("item-" + body.id);
    form.querySelector("[data-version]").value = body.version;
    var label = form.querySelector("[data-toggle-label]");
    label.textContent = body.is_resolved ? form.dataset.labelResolved : form.dataset.labelOpen;
    if (item) {
      var tag = item.querySelector("[data-status-tag]");
      if (tag) {
        tag.className = "tag tag--" + (COLOURS[body.status] || "grey");
        tag.textContent = body.status_label;
      }
      var doneBy = item.querySelector("[data-done-by]");
      if (doneBy) { doneBy.textContent = body.done_by_text || ""; }
    }
    updateProgress(body.progress);
    announce(body.announcement);
  }

  document.querySelectorAll("form[data-checklist-toggle]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) { return; }
      event.preventDefault();
      var button = form.querySelector("button[type='submit']");
      var token = form.querySelector("input[name='csrf_token']");
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" }
      }).then(function (response) {
        return response.json().then(function (body) {
          button.disabled = false;
          if (response.ok) {
            update(form, body);
          } else {
            announce(body.message || t("saveFailed"));
            var item = form.closest("li");
            var note = item && item.querySelector("[data-toggle-error]");
            if (!note && item) {
              note = document.createElement("p");
              note.className = "error-message";
              note.setAttribute("data-toggle-error", "");
              form.parentNode.insertBefore(note, form);
            }
            if (note) {
              note.textContent = (body.message || t("saveFailed")) +
                (response.status === 409 ? " " + t("reload") : "");
            }
          }
        });
      }).catch(function () {
        button.disabled = false;
        form.submit(); // the network or the JSON failed: fall back to a normal post
      });
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
