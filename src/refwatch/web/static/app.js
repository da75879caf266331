// Progressive enhancement only: every page works without this file.
"use strict";

// Charts: Vega-Lite specs are embedded as JSON next to their container; drawn when vega-embed is loaded.
function drawCharts() {
  if (typeof window.vegaEmbed !== "function") return;
  document.querySelectorAll("[data-spec]").forEach(function (el) {
    var source = document.getElementById(el.dataset.spec);
    if (!source) return;
    // No injected <style> elements: the page's CSP allows only its own stylesheet.
    var options = { actions: false, renderer: "svg", defaultStyle: false, tooltip: { disableDefaultStyle: true } };
    if (window.vegaInterpreter) {
      // Evaluate chart expressions without eval(), so the page's CSP needs no 'unsafe-eval'.
      options.ast = true;
      options.expr = window.vegaInterpreter.expressionInterpreter;
    }
    window.vegaEmbed(el, JSON.parse(source.textContent), options)
      .then(function () { el.dataset.rendered = "true"; })
      .catch(function (err) { el.textContent = String(err); });
  });
}

// Review queue shortcuts: c confirm, r reject, o open. Ignored while typing in a field.
function shortcuts(event) {
  if (!document.getElementById("current")) return;
  var tag = (event.target.tagName || "").toLowerCase();
  if (tag === "input" || tag === "textarea" || tag === "select" || event.ctrlKey || event.metaKey || event.altKey) return;
  var target = { c: "confirm", r: "reject", o: "open" }[event.key];
  if (!target) return;
  var el = document.getElementById(target);
  if (el) { event.preventDefault(); el.click(); }
}

document.addEventListener("DOMContentLoaded", drawCharts);
document.addEventListener("keydown", shortcuts);
