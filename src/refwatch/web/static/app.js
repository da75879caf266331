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

// Charts: Vega-Lite specs are embedded as JSON next to their container; drawn when vega-embed is loaded.
function drawCharts() {
  if (typeof window.vegaEmbed !== "function") return;
  document.querySelectorAll("[data-spec]").forEach(function (el) {
    var source = document.getElementById(el.dataset.spec);
    if (!source) return;
    // No injected <style> elements: the page's CSP allows only its own stylesheet.
    var options = { actions: false, renderer: "svg", defaultStyle: false, tooltip: { disableDefaultStyle: true } };
    var locale = CHART_LOCALES[document.documentElement.lang];
    if (locale) {
      options.formatLocale = locale.format;
      options.timeFormatLocale = locale.time;
    }
    if (window.vegaInterpreter) {
      // Evaluate chart expressions without eval(), so the page's CSP needs no 'unsafe-eval'.
      options.ast = true;
      options.expr = window.vegaInterpreter.expressionInterpreter;
    }
    window.vegaEmbed(el, JSON.parse(source.textContent), options)
      .then(function () {
        el.dataset.rendered = "true";
        // When the charts were drawn, for the dashboard's speed check (benchmarks/dashboard_charts.py).
        if (window.performance && performance.mark) performance.mark("chart-drawn:" + el.id);
      })
      .catch(function (err) { el.textContent = String(err); });
  });
}

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

document.addEventListener("DOMContentLoaded", drawCharts);
document.addEventListener("keydown", shortcuts);
document.addEventListener("keydown", leaveReason);
