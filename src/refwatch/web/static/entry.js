// Entry by hand: assign the text selected in a testimony or a document to a field, and search the gazetteer.
// Offsets are counted in Unicode code points, as the server's Python strings count them (a JavaScript
// string counts UTF-16 units: a character outside the BMP would shift every later offset by one).
"use strict";

(function () {
  function codePoints(text) {
    return Array.from(text).length;
  }

  // The selection inside `source` as {start, end, quote}, or null when nothing there is selected.
  function selectionIn(source) {
    if (source.tagName === "TEXTAREA") {
      var s = source.selectionStart, e = source.selectionEnd;
      if (s === e) return null;
      var value = source.value;
      return { start: codePoints(value.slice(0, s)), end: codePoints(value.slice(0, e)), quote: value.slice(s, e) };
    }
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    var range = selection.getRangeAt(0);
    if (!source.contains(range.startContainer) || !source.contains(range.endContainer)) return null;
    var before = document.createRange();
    before.setStart(source, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var start = codePoints(before.toString());
    var quote = range.toString();
    return { start: start, end: start + codePoints(quote), quote: quote };
  }

  function useSelection(button) {
    var source = document.getElementById("entry-text");
    var slot = button.dataset.slot;
    var form = button.form;
    if (!source || !form) return;
    var found = selectionIn(source);
    var shown = document.getElementById("quote-" + slot);
    if (!found) {
      if (shown) shown.textContent = "";
      button.setAttribute("aria-invalid", "true");
      return;
    }
    button.removeAttribute("aria-invalid");
    form.elements[slot + ".start_at"].value = String(found.start);
    form.elements[slot + ".end_at"].value = String(found.end);
    form.elements[slot + ".quote"].value = found.quote;
    if (shown) shown.textContent = found.quote;
  }

  var timers = {};
  function searchPlaces(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    clearTimeout(timers[input.id]);
    timers[input.id] = setTimeout(function () {
      var q = input.value.trim();
      if (!q) return;
      fetch("/places?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) {
          list.replaceChildren();
          data.items.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.id;
            option.label = item.label;
            option.textContent = item.label;
            list.appendChild(option);
          });
          list.dataset.ready = "true";
        });
    }, 150);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.use-selection");
    if (button) {
      event.preventDefault();
      useSelection(button);
    }
  });
  // Pressing the button moves focus away from a textarea; keep its selection to read on click.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest("button.use-selection")) event.preventDefault();
  });
  document.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("place-search")) searchPlaces(event.target);
  });
})();
