// Starts Swagger UI on the API docs page (a file of its own: the Content-Security-Policy allows no inline script).
(function () {
  var node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle !== "function") {
    if (node) node.textContent = "The API documentation needs the web assets: run `make web-assets`.";
    return;
  }
  window.SwaggerUIBundle({ url: node.getAttribute("data-spec"), domNode: node, deepLinking: false });
})();
