/* Kefu ticket workspace: reply/note mode, template insertion at the cursor. */
(function () {
  "use strict";

  function composer() { return document.getElementById("composer"); }

  function setMode() {
    const form = composer();
    if (!form) return;
    const note = form.querySelector("#mode-note");
    form.dataset.mode = note && note.checked ? "note" : "reply";
  }

  function insertAtCursor(textarea, text) {
    const start = textarea.selectionStart || 0;
    const end = textarea.selectionEnd || 0;
    const before = textarea.value.slice(0, start);
    const after = textarea.value.slice(end);
    textarea.value = before + text + after;
    textarea.focus();
    textarea.selectionStart = textarea.selectionEnd = start + text.length;
    textarea.dispatchEvent(new Event("input", {bubbles: true}));
  }

  document.addEventListener("change", function (event) {
    if (event.target.name === "mode") setMode();
    if (event.target.id === "template-picker" && event.target.value) {
      const picker = event.target;
      const url = picker.dataset.url.replace(/\/0\/$/, "/" + picker.value + "/");
      fetch(url, {headers: {"X-Requested-With": "fetch"}, credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (data) {
          insertAtCursor(document.getElementById("composer-body"), data.text);
          document.getElementById("placeholder-warning").textContent = data.warning || "";
          picker.value = "";
        });
    }
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
