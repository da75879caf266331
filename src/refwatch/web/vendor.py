"""Front-end libraries installed from npm by the set-up (``make web-assets``), served from our own origin.

Only the files named here are served, never the whole ``node_modules``. When
they are missing (the set-up was not run) pages still work: charts show as
tables, and the page says how to install them.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from refwatch.errors import NotFound

FRONTEND = Path(__file__).parent / "frontend"
FILES = {
    "vega.min.js": FRONTEND / "node_modules/vega/build/vega.min.js",
    "vega-lite.min.js": FRONTEND / "node_modules/vega-lite/build/vega-lite.min.js",
    "vega-embed.min.js": FRONTEND / "node_modules/vega-embed/build/vega-embed.min.js",
    "vega-interpreter.min.js": FRONTEND / "dist/vega-interpreter.min.js",
    "countries-50m.json": FRONTEND / "node_modules/world-atlas/countries-50m.json",
    "swagger-ui-bundle.js": FRONTEND / "node_modules/swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": FRONTEND / "node_modules/swagger-ui-dist/swagger-ui.css",
}
SCRIPTS = ("vega.min.js", "vega-lite.min.js", "vega-interpreter.min.js", "vega-embed.min.js")

router = APIRouter(include_in_schema=False)


def ready() -> bool:
    """True when every library file is installed."""
    return all(path.is_file() for path in FILES.values())


@router.get("/static/vendor/{name}")
def vendor_file(name: str) -> FileResponse:
    """One of the named library files."""
    path = FILES.get(name)
    if path is None or not path.is_file():
        raise NotFound(f"{name} is not installed; run `make web-assets`")
    media = {".json": "application/json", ".css": "text/css"}.get(path.suffix, "text/javascript")
    return FileResponse(path, media_type=media, headers={"Cache-Control": "public, max-age=86400"})


#: The API's interactive documentation: Swagger UI from our own origin, started by a static script
#: (``static/api-docs.js``), so the Content-Security-Policy needs no CDN and no inline script.
API_DOCS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Refoulement Watch API</title>
<link rel="icon" href="/static/favicon.svg">
<link rel="stylesheet" href="/static/vendor/swagger-ui.css"></head>
<body><div id="swagger-ui" data-spec="/api/v1/openapi.json"></div>
<script src="/static/vendor/swagger-ui-bundle.js"></script><script src="/static/api-docs.js"></script>
</body></html>
"""


@router.get("/api/v1/docs", response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    """Swagger UI for ``/api/v1`` (the libraries come from ``make web-assets``)."""
    return HTMLResponse(API_DOCS)
