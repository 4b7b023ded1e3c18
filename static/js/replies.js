/* Kefu reply templates: keyboard search, preview, insertion for editing, macros, live check.
   Works with templates/replies/_composer_widget.html; needs htmx. */
(function () {
  "use strict";

  function widget() { return document.getElementById("replies-widget"); }
  function search() { return document.getElementById("replies-search"); }
  function results() { return document.getElementById("replies-results"); }
  function target() {
    const w = widget();
    return w ? document.querySelector(w.dataset.target) : null;
  }
  function options() { return Array.from(results().querySelectorAll(".replies-option")); }
  function active() { return results().querySelector('.replies-option[aria-selected="true"]'); }
  function values() {
    const coupon = document.getElementById("replies-coupon");
    return {coupon_code: coupon ? coupon.value : ""};
  }
  function request(method, url) {
    return htmx.ajax(method, url, {
      target: "#replies-preview", swap: "innerHTML", values: values(),
      headers: {"X-CSRFToken": widget().dataset.csrf}, source: widget(),
    });
  }

  function mark(option) {
    options().forEach(function (o) { o.setAttribute("aria-selected", o === option ? "true" : "false"); });
    search().setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({block: "nearest"});
  }

  function select(option) {
    mark(option);
    request("GET", option.dataset.previewUrl);
  }

  function move(step) {
    const list = options();
    if (!list.length) return;
    const index = list.indexOf(active());
    select(list[(index + step + list.length) % list.length]);
  }

  function closeResults() {
    results().innerHTML = "";
    search().setAttribute("aria-expanded", "false");
  }

  function choose(option) {
    if (!option) return;
    if (option.dataset.kind === "template") {
      request("POST", option.dataset.insertUrl);
    } else {
      request("GET", option.dataset.previewUrl).then(function () {
        const apply = document.querySelector("#replies-preview .replies-apply");
        if (apply) apply.focus();
      });
    }
    closeResults();
  }

  /* The next [fill-in] or {{placeholder}} after the cursor, wrapping around. */
  const HOLE = /\[[^\[\]\n]{1,80}\]|\{\{[^{}\n]{0,100}\}\}/g;
  function selectNextHole(textarea, from) {
    const text = textarea.value;
    HOLE.lastIndex = 0;
    let first = null, match;
    while ((match = HOLE.exec(text)) !== null) {
      if (first === null) first = match;
      if (match.index >= from) { first = match; break; }
    }
    if (first === null) return false;
    textarea.focus();
    textarea.setSelectionRange(first.index, first.index + first[0].length);
    return true;
  }

  function insertText(text) {
    const textarea = target();
    if (!textarea) return;
    const start = textarea.selectionStart || 0;
    const end = textarea.selectionEnd || 0;
    const before = textarea.value.slice(0, start);
    const glue = before && !before.endsWith("\n") ? "\n" : "";
    textarea.value = before + glue + text + textarea.value.slice(end);
    const caret = before.length + glue.length;
    textarea.focus();
    HOLE.lastIndex = 0;
    const hole = HOLE.exec(text);
    if (hole) {
      textarea.setSelectionRange(caret + hole.index, caret + hole.index + hole[0].length);
    } else {
      textarea.setSelectionRange(caret + text.length, caret + text.length);
    }
    textarea.dispatchEvent(new Event("input", {bubbles: true}));
  }

  let checkTimer = null;
  function scheduleCheck() {
    const w = widget(), textarea = target();
    if (!w || !textarea) return;
    clearTimeout(checkTimer);
    checkTimer = setTimeout(function () {
      htmx.ajax("POST", w.dataset.checkUrl, {
        target: "#replies-check", swap: "innerHTML", values: {body: textarea.value},
        headers: {"X-CSRFToken": w.dataset.csrf}, source: w,
      });
    }, 400);
  }

  document.addEventListener("keydown", function (event) {
    if (!widget()) return;
    if ((event.ctrlKey || event.metaKey) && (event.key === "k" || event.key === "K")) {
      event.preventDefault();
      search().focus();
      search().select();
      return;
    }
    if (event.altKey && (event.key === "n" || event.key === "N" || event.code === "KeyN")) {
      const textarea = target();
      if (textarea) {
        event.preventDefault();
        selectNextHole(textarea, document.activeElement === textarea ? textarea.selectionEnd : 0);
      }
      return;
    }
    if (event.target !== search()) return;
    if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (event.key === "Enter") {
      event.preventDefault();
      choose(active() || options()[0]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      closeResults();
      const textarea = target();
      if (textarea) textarea.focus();
    }
  });

  document.addEventListener("click", function (event) {
    if (!widget()) return;
    const option = event.target.closest(".replies-option");
    if (option && results().contains(option)) { mark(option); choose(option); return; }
    const apply = event.target.closest(".replies-apply");
    if (apply) { request("POST", apply.dataset.applyUrl); return; }
    if (!widget().contains(event.target)) closeResults();
  });

  document.addEventListener("input", function (event) {
    if (event.target === target()) scheduleCheck();
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (!widget()) return;
    if (event.detail.target === results()) {
      search().setAttribute("aria-expanded", options().length ? "true" : "false");
    }
    if (event.detail.target.id === "replies-preview") {
      const data = document.getElementById("replies-insert-text");
      if (data) {
        insertText(JSON.parse(data.textContent));
        /* The text is in the reply now; the live check below it says what is left. */
        event.detail.target.innerHTML = "";
      }
    }
  });
})();
