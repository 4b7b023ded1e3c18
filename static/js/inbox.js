/* Kefu inbox: selection that survives live refreshes, bulk actions, keyboard.
   Keys: j/k move, x select, enter open, a assign to me, / search. */
(function () {
  "use strict";
  const selected = new Set();
  const known = new Set();
  let focusedId = null;
  let firstLoad = true;

  function rows() { return Array.from(document.querySelectorAll("#inbox-list .inbox-row")); }
  function bulkForm() { return document.getElementById("bulk-form"); }

  function applyState() {
    const list = rows();
    list.forEach(function (row) {
      const id = row.dataset.id;
      const box = row.querySelector(".row-select");
      if (box) box.checked = selected.has(id);
      row.classList.toggle("table-active", id === focusedId);
      row.classList.toggle("row-selected", selected.has(id));
      if (!firstLoad && !known.has(id)) row.classList.add("row-new");
      known.add(id);
    });
    firstLoad = false;
    const count = document.getElementById("selection-count");
    if (count) count.textContent = count.dataset.template.replace("%(n)s", selected.size);
    document.querySelectorAll(".bulk-needs-selection").forEach(function (b) {
      b.disabled = selected.size === 0;
    });
    const all = document.getElementById("select-all");
    if (all) all.checked = list.length > 0 && list.every(function (r) { return selected.has(r.dataset.id); });
  }

  function focusRow(delta) {
    const list = rows();
    if (!list.length) return;
    let index = list.findIndex(function (r) { return r.dataset.id === focusedId; });
    index = index < 0 ? 0 : Math.min(list.length - 1, Math.max(0, index + delta));
    focusedId = list[index].dataset.id;
    list[index].scrollIntoView({block: "nearest"});
    applyState();
  }

  function submitBulk(action, field, value) {
    const form = bulkForm();
    if (!form) return;
    form.elements.action.value = action;
    if (field) form.elements[field].value = value;
    // Selected ids are checkboxes bound to the form; an id selected on a row that the live
    // refresh removed is still sent.
    form.querySelectorAll("input[data-extra-id]").forEach(function (i) { i.remove(); });
    selected.forEach(function (id) {
      if (!document.querySelector('.row-select[value="' + id + '"]')) {
        const input = document.createElement("input");
        input.type = "hidden"; input.name = "ids"; input.value = id; input.dataset.extraId = "1";
        form.appendChild(input);
      }
    });
    form.submit();
  }

  document.addEventListener("change", function (event) {
    const target = event.target;
    if (target.classList.contains("row-select")) {
      if (target.checked) selected.add(target.value); else selected.delete(target.value);
      applyState();
    } else if (target.id === "select-all") {
      rows().forEach(function (r) {
        if (target.checked) selected.add(r.dataset.id); else selected.delete(r.dataset.id);
      });
      applyState();
    }
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-bulk]");
    if (button) {
      if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
      submitBulk(button.dataset.bulk, button.dataset.field, button.dataset.value);
      return;
    }
    const row = event.target.closest(".inbox-row");
    if (row && !event.target.closest("a, input, button")) {
      focusedId = row.dataset.id;
      applyState();
    }
  });

  document.addEventListener("keydown", function (event) {
    const tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    switch (event.key) {
      case "j": focusRow(1); break;
      case "k": focusRow(-1); break;
      case "x":
        if (focusedId) {
          if (selected.has(focusedId)) selected.delete(focusedId); else selected.add(focusedId);
          applyState();
        }
        break;
      case "Enter": {
        const row = rows().find(function (r) { return r.dataset.id === focusedId; });
        if (row) window.location.href = row.dataset.url;
        break;
      }
      case "a":
        if (!selected.size && focusedId) selected.add(focusedId);
        if (selected.size) submitBulk("assign", "assignee", "me");
        break;
      case "/": {
        const search = document.getElementById("inbox-search");
        if (search) { search.focus(); search.select(); }
        break;
      }
      default: return;
    }
    event.preventDefault();
  });

  document.addEventListener("htmx:afterSwap", applyState);
  document.addEventListener("DOMContentLoaded", applyState);
})();
