// Vega's CSP-safe expression interpreter, bundled as a browser global (window.vegaInterpreter),
// so that charts run under a Content-Security-Policy without 'unsafe-eval'.
export { expressionInterpreter } from "vega-interpreter";
