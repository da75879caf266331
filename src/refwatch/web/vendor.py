"""Front-end libraries installed from npm by the set-up (``make web-assets``), served from our own origin.

Only the files named here are served, never the whole ``node_modules``. When
they are missing (the set-up was not run) pages still work: charts show as
tables, and the page says how to install them.

The dashboard needed about 1.6 MB of them (Vega, Vega-Lite, vega-embed and the
world's outlines); it now gets its charts compiled to Vega on the server
(``report.vega``), so it loads Vega alone (:data:`VEGA_SCRIPTS`), and the
outlines cut to the region its map shows and drawn as one SVG picture in the
map's pixels (``atlas``: 125 kB instead of 756), 0.65 MB in all. Pages link each file under
a fingerprint of its content, ``/static/vendor/<digest>/<name>``, so a browser
may keep it for a year without asking again (``immutable``): a new version of
a library has a new digest, hence a new address. Each file is sent
gzip-compressed to browsers that accept it (the 0.65 MB travel as 230 kB),
compressed once per process and kept in memory. Pages themselves are never compressed here: they
carry CSRF tokens, and compressing secrets beside text an attacker can inject
is what BREACH exploits; these files hold no secret.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from refwatch.errors import NotFound
from refwatch.web import atlas

FRONTEND = Path(__file__).parent / "frontend"
FILES = {
    "vega.min.js": FRONTEND / "node_modules/vega/build/vega.min.js",
    "vega-interpreter.min.js": FRONTEND / "dist/vega-interpreter.min.js",
    "countries-50m.json": FRONTEND / "node_modules/world-atlas/countries-50m.json",
    "swagger-ui-bundle.js": FRONTEND / "node_modules/swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": FRONTEND / "node_modules/swagger-ui-dist/swagger-ui.css",
}
#: What pages with charts load: their specs come compiled to Vega (``report.vega``), so Vega alone and
#: its expression interpreter, not Vega-Lite and vega-embed (#19 speed).
VEGA_SCRIPTS = ("vega.min.js", "vega-interpreter.min.js")
#: Files made here from a library file: the map's outlines cut to the region it shows (see ``atlas``).
DERIVED: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "countries-region.svg": ("countries-50m.json", atlas.svg_bytes),
}

#: For a fingerprinted address: its content never changes, so a year without asking again.
IMMUTABLE = "public, max-age=31536000, immutable"
#: For an address without (or with an outdated) fingerprint: ask again each time (a 304 when unchanged).
REVALIDATE = "public, no-cache"
MEDIA_TYPES = {".json": "application/json", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Asset:
    """One library file as served: its bytes, their gzip form and the digest that names them."""

    body: bytes
    gzipped: bytes
    digest: str
    media_type: str


@cache
def _load(name: str, path: Path, mtime_ns: int, size: int) -> Asset:
    """Read (or derive), fingerprint and compress a file once per version of it (its mtime and size)."""
    body = path.read_bytes()
    if name in DERIVED:
        body = DERIVED[name][1](body)
    digest = hashlib.sha256(body).hexdigest()[:16]
    gzipped = gzip.compress(body, compresslevel=9, mtime=0)  # mtime 0: the same bytes in every worker
    media = MEDIA_TYPES.get(Path(name).suffix, "text/javascript; charset=utf-8")
    return Asset(body, gzipped, digest, media)


def asset(name: str) -> Asset:
    """The library file called ``name``.

    Raises:
        NotFound: no such name, or it is not installed.
    """
    path = FILES.get(DERIVED[name][0] if name in DERIVED else name)
    if path is None or not path.is_file():
        raise NotFound(f"{name} is not installed; run `make web-assets`")
    stat = path.stat()
    return _load(name, path, stat.st_mtime_ns, stat.st_size)


def url(name: str) -> str:
    """The address pages use for ``name``: fingerprinted when the file is installed."""
    try:
        return f"/static/vendor/{asset(name).digest}/{name}"
    except NotFound:
        return f"/static/vendor/{name}"


def ready() -> bool:
    """True when every library file is installed."""
    return all(path.is_file() for path in FILES.values())


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header allows gzip (``gzip;q=0`` refuses it)."""
    for part in (accept_encoding or "").split(","):
        coding, *params = (piece.strip() for piece in part.split(";"))
        if coding.lower() not in ("gzip", "*"):
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        return quality > 0
    return False


def _response(request: Request, found: Asset, cache_control: str) -> Response:
    etag = f'"{found.digest}"'
    headers = {"Cache-Control": cache_control, "Vary": "Accept-Encoding", "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if accepts_gzip(request.headers.get("accept-encoding")):
        headers["Content-Encoding"] = "gzip"
        return Response(found.gzipped, media_type=found.media_type, headers=headers)
    return Response(found.body, media_type=found.media_type, headers=headers)


@router.get("/static/vendor/{version}/{name}")
def versioned_file(request: Request, version: str, name: str) -> Response:
    """A library file at its fingerprinted address: cached for a year when the fingerprint is current.

    An outdated fingerprint (a page from before an upgrade) still gets the file, but one
    the browser must not keep: the address does not name these bytes.
    """
    found = asset(name)
    return _response(request, found, IMMUTABLE if version == found.digest else REVALIDATE)


@router.get("/static/vendor/{name}")
def vendor_file(request: Request, name: str) -> Response:
    """One of the named library files, at its plain address (kept for links made by hand)."""
    return _response(request, asset(name), REVALIDATE)


def api_docs_page() -> str:
    """The API's interactive documentation: Swagger UI from our own origin, started by a static script
    (``static/api-docs.js``), so the Content-Security-Policy needs no CDN and no inline script."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Refoulement Watch API</title>
<link rel="icon" href="/static/favicon.svg">
<link rel="stylesheet" href="{url("swagger-ui.css")}">
<link rel="stylesheet" href="/static/api-docs.css"></head>
<body><main><div id="swagger-ui" data-spec="/api/v1/openapi.json"></div></main>
<script src="{url("swagger-ui-bundle.js")}"></script><script src="/static/api-docs.js"></script>
</body></html>
"""


@router.get("/api/v1/docs", response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    """Swagger UI for ``/api/v1`` (the libraries come from ``make web-assets``)."""
    return HTMLResponse(api_docs_page())
