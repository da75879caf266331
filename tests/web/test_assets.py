"""Library files (#19 speed): fingerprinted addresses, a year's cache, gzip that decodes to the file.

The files are stand-ins written to a temporary folder, so the test runs
without ``make web-assets``; the dashboard must link them at the addresses served.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_pages import client, log_in  # noqa: F401 (the logged-in client fixture)

from refwatch.report.charts import mercator
from refwatch.web import vendor


@pytest.fixture(autouse=True)
def stand_ins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, bytes]]:
    contents: dict[str, bytes] = {}
    files: dict[str, Path] = {}
    for name in vendor.FILES:
        # Repetitive, like minified code, so that gzip visibly shrinks it; distinct per file.
        body = (f"/* {name} */ " + "function f(a){return a+1};" * 4000).encode()
        if name == "countries-50m.json":
            body = json.dumps(WORLD).encode() + b" " * 40_000
        path = tmp_path / name
        path.write_bytes(body)
        contents[name], files[name] = body, path
    monkeypatch.setattr(vendor, "FILES", files)
    yield contents


#: Two made-up countries in world-atlas's form: one square near the Yalu, one in Europe.
WORLD = {
    "type": "Topology",
    "transform": {"scale": [1, 1], "translate": [0, 0]},
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0]], "id": "001", "properties": {"name": "Near"}},
                {"type": "Polygon", "arcs": [[~1]], "id": "002", "properties": {"name": "Far"}},
            ],
        },
        "land": {"type": "GeometryCollection", "geometries": []},
    },
    "arcs": [
        [[124, 40], [1, 0], [0, 1], [-1, 0], [0, -1]],
        [[10, 50], [1, 0], [0, 1], [-1, 0], [0, -1]],
    ],
}


def raw_get(http: TestClient, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """The answer's bytes as sent (httpx would otherwise undo the gzip itself)."""
    with http.stream("GET", url, headers=headers) as answer:
        return answer.status_code, dict(answer.headers), b"".join(answer.iter_raw())


def test_dashboard_links_fingerprinted_compressed_long_cached_files(
    client: TestClient,  # noqa: F811
    stand_ins: dict[str, bytes],
) -> None:
    log_in(client)
    page = client.get("/").text
    scripts = re.findall(r'<script src="(/static/vendor/[^"]+)"', page)
    names = [s.rsplit("/", 1)[1] for s in scripts]
    # The charts come compiled to Vega (report.vega): no Vega-Lite, no vega-embed to load (#19 speed).
    assert names == list(vendor.VEGA_SCRIPTS) == ["vega.min.js", "vega-interpreter.min.js"]
    for other in ("/documents", "/incidents", "/login"):  # no charts there: no megabyte of scripts to parse
        assert "/static/vendor/" not in client.get(other).text, other
    atlas = re.search(r'"(/static/vendor/[0-9a-f]{16}/countries-region\.svg)"', page)
    assert atlas, "the map's outlines are not linked at a fingerprinted address"
    assert f'<link rel="preload" href="{atlas.group(1)}" as="image"' in page  # asked for at once
    # The map gets only the countries around its view (#19 speed), drawn as one picture in the map's
    # pixels on the server, so the browser neither projects nor builds paths on every drawing.
    picture = client.get(atlas.group(1))
    assert picture.headers["content-type"].startswith("image/svg+xml")
    (outline,) = re.findall(r'<path d="M([-0-9.]+) ([-0-9.]+)L', picture.text)  # "Far" is left out
    assert math.dist((float(outline[0]), float(outline[1])), mercator(124, 40)) < 0.1
    assert "<script" not in picture.text
    stand_ins["countries-region.svg"] = picture.content
    for url in [*scripts, atlas.group(1)]:
        name = url.rsplit("/", 1)[1]
        assert re.fullmatch(rf"/static/vendor/[0-9a-f]{{16}}/{re.escape(name)}", url)
        status, headers, body = raw_get(client, url, {"Accept-Encoding": "gzip, deflate, br"})
        assert status == 200
        assert headers["content-encoding"] == "gzip"
        assert "max-age=31536000" in headers["cache-control"] and "immutable" in headers["cache-control"]
        assert "accept-encoding" in headers["vary"].lower()
        if name != "countries-region.svg":  # too small to shrink much
            assert len(body) < len(stand_ins[name]) / 10
        assert gzip.decompress(body) == stand_ins[name]
        # Without gzip in Accept-Encoding the same file comes plain; httpx decoding gives the same text.
        status, headers, body = raw_get(client, url, {"Accept-Encoding": "identity"})
        assert status == 200 and "content-encoding" not in headers and body == stand_ins[name]
        assert client.get(url).content == stand_ins[name]


def test_a_stale_or_missing_fingerprint_is_not_cached_for_long(
    client: TestClient,  # noqa: F811
    stand_ins: dict[str, bytes],
) -> None:
    for url in ("/static/vendor/0123456789abcdef/vega.min.js", "/static/vendor/vega.min.js"):
        answer = client.get(url)
        assert answer.status_code == 200 and answer.content == stand_ins["vega.min.js"]
        assert "immutable" not in answer.headers["cache-control"]
        assert "no-cache" in answer.headers["cache-control"]
    assert client.get("/static/vendor/0123456789abcdef/other.js").status_code == 404


def test_refused_gzip_is_respected() -> None:
    assert vendor.accepts_gzip("gzip, br")
    assert vendor.accepts_gzip("br;q=1.0, gzip;q=0.5")
    assert vendor.accepts_gzip("*")
    assert not vendor.accepts_gzip("gzip;q=0")
    assert not vendor.accepts_gzip("br, deflate")
    assert not vendor.accepts_gzip(None)
