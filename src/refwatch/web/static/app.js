// Progressive enhancement only: every page works without this file.
"use strict";

// Korean number and date formats for the charts (d3-format and d3-time-format locale objects), so
// that month names on the axes and in the tooltips read "3월 2031", not "March 2031" (#19).
var CHART_LOCALES = {
  ko: {
    format: { decimal: ".", thousands: ",", grouping: [3], currency: ["", "원"] },
    time: {
      dateTime: "%Y년 %-m월 %-d일 %A %X", date: "%Y. %-m. %-d.", time: "%H:%M:%S", periods: ["오전", "오후"],
      days: ["일요일", "월요일", "화요일", "수요일", "목요일", "금요일", "토요일"],
      shortDays: ["일", "월", "화", "수", "목", "금", "토"],
      months: ["1월", "2월", "3월", "4월", "5월", "6월", "7월", "8월", "9월", "10월", "11월", "12월"],
      shortMonths: ["1월", "2월", "3월", "4월", "5월", "6월", "7월", "8월", "9월", "10월", "11월", "12월"]
    }
  }
};

// Review queue shortcuts: c confirm, r reject (moves to the reason field: a rejection needs one),
// u undo what was just done, o open. Ignored while typing in a field. The key pressed is shown.
function shortcuts(event) {
  if (!document.getElementById("current") && !document.getElementById("undo-done")) return;
  var tag = (event.target.tagName || "").toLowerCase();
  if (tag === "input" || tag === "textarea" || tag === "select" || event.ctrlKey || event.metaKey || event.altKey) return;
  var target = { c: "confirm", r: "reject-reason", u: "undo-done", o: "open" }[event.key];
  var el = target && document.getElementById(target);
  if (!el) return;
  event.preventDefault();
  el.classList.add("pressed");
  // Say in words what the key did (the queue's status line, read out by screen readers too).
  var said = document.getElementById("key-feedback");
  if (said && said.dataset[event.key]) said.textContent = said.dataset[event.key];
  if (target === "reject-reason") {
    el.focus();  // the reason is typed, then Enter rejects; Escape leaves the field
  } else {
    el.click();
  }
}

// Escape in the reject reason field gives the keys back to the queue.
function leaveReason(event) {
  if (event.key === "Escape" && event.target.id === "reject-reason") event.target.blur();
}

// Tooltips for charts drawn by Vega alone (no vega-embed, hence no vega-tooltip): a key/value table in
// the element the stylesheet already styles for vega-tooltip. Text only (textContent): place names come
// from documents and must never become markup.
function showTooltip(handler, event, item, value) {
  var box = document.getElementById("vg-tooltip-element");
  if (value === null || value === undefined || value === "") {
    if (box) box.classList.remove("visible");
    return;
  }
  if (!box) {
    box = document.createElement("div");
    box.id = "vg-tooltip-element";
    box.setAttribute("role", "tooltip");
    document.body.appendChild(box);
  }
  box.textContent = "";
  if (typeof value === "object") {
    var table = document.createElement("table");
    Object.keys(value).forEach(function (key) {
      var row = table.insertRow();
      var name = row.insertCell();
      name.className = "key";
      name.textContent = key;
      var shown = row.insertCell();
      shown.className = "value";
      shown.textContent = String(value[key]);
    });
    box.appendChild(table);
  } else {
    box.textContent = String(value);
  }
  box.classList.add("visible");
  var x = event.clientX + 12, y = event.clientY + 12;
  if (x + box.offsetWidth > window.innerWidth) x = Math.max(0, event.clientX - 12 - box.offsetWidth);
  if (y + box.offsetHeight > window.innerHeight) y = Math.max(0, event.clientY - 12 - box.offsetHeight);
  box.style.left = x + "px";  // CSSOM, not a style attribute in markup: allowed by the page's CSP
  box.style.top = y + "px";
}

// Charts: Vega specs, compiled from Vega-Lite on the server (report.vega), embedded as JSON next to their
// container (data-vega names the element), drawn by Vega alone once it is loaded: the pages need not load
// Vega-Lite and vega-embed (#19 speed). SVG, the reader's number and date locale, no injected <style>
// (the page's CSP allows only its own stylesheet), and expressions interpreted without eval(), so the
// CSP needs no 'unsafe-eval'.
function drawVega() {
  if (!window.vega || !window.vegaInterpreter) return;
  var locale = CHART_LOCALES[document.documentElement.lang];
  document.querySelectorAll("[data-vega]").forEach(function (el) {
    var source = document.getElementById(el.dataset.vega);
    if (!source) return;
    var view;
    try {
      view = new window.vega.View(window.vega.parse(JSON.parse(source.textContent), null, { ast: true }), {
        renderer: "svg",
        container: el,
        hover: true,
        tooltip: showTooltip,
        expr: window.vegaInterpreter.expressionInterpreter,
        locale: locale ? { number: locale.format, time: locale.time } : undefined
      });
    } catch (err) {
      el.textContent = String(err);
      return;
    }
    view.runAsync()
      .then(function () {
        el.dataset.rendered = "true";
        // When the charts were drawn, for the dashboard's speed check (benchmarks/dashboard_charts.py).
        if (window.performance && performance.mark) performance.mark("chart-drawn:" + el.id);
      })
      .catch(function (err) { el.textContent = String(err); });
  });
}

document.addEventListener("DOMContentLoaded", drawVega);
document.addEventListener("keydown", shortcuts);
document.addEventListener("keydown", leaveReason);
