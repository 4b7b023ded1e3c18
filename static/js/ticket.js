/* Kefu ticket workspace: reply/note mode, Ctrl+Enter to send, the stale-reply warning.
   Reply templates and macros: js/replies.js. */
(function () {
  "use strict";

  function composer() { return document.getElementById("composer"); }

  function setMode() {
    const form = composer();
    if (!form) return;
    const note = form.querySelector("#mode-note");
    form.dataset.mode = note && note.checked ? "note" : "reply";
  }

  document.addEventListener("change", function (event) {
    if (event.target.name === "mode") setMode();
  });

  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && event.target.id === "composer-body") {
      const form = composer();
      const button = form.querySelector(form.dataset.mode === "note" ? "button[value=note]" : "button[value=reply]");
      if (button) button.click();
      event.preventDefault();
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    setMode();
    if (event.target.id === "conversation" || event.detail.target.id === "conversation") {
      const stale = document.getElementById("stale-warning");
      if (stale) stale.scrollIntoView({block: "center"});
    }
  });
  document.addEventListener("DOMContentLoaded", setMode);
})();
