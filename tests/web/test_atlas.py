"""#19 speed: the dashboard map's outlines are projected and thinned once, on the server.

The browser used to project 25,500 points through d3-geo's spherical clipping
and resampling on every drawing of the map; now the outlines arrive in the map's
pixels (``web.atlas.project``) and the chart moves them into place with an
identity projection. These tests check that the pixels are where the Mercator
map put them, that thinning keeps what can be seen, and that an outline across
180° stays whole. Made-up outlines.
"""

from __future__ import annotations

import math
import re
from typing import Any

from refwatch.report.charts import MAP_SCALE, MapPoint, mercator, places_map
from refwatch.web import atlas


def topology(*arcs: list[list[float]]) -> dict[str, Any]:
    """Made-up outlines in world-atlas's form, quantised to hundredths of a degree."""
    quantised = []
    for arc in arcs:
        out, px, py = [], 0, 0
        for lon, lat in arc:
            x, y = round((lon + 180) * 100), round((lat + 90) * 100)
            out.append([x - px, y - py])
            px, py = x, y
        quantised.append(out)
    return {
        "type": "Topology",
        "transform": {"scale": [0.01, 0.01], "translate": [-180, -90]},
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [{"type": "Polygon", "arcs": [[i]], "id": str(i)} for i in range(len(arcs))],
            }
        },
        "arcs": quantised,
    }


def pixels(projected: dict[str, Any]) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = projected["transform"]["scale"], projected["transform"]["translate"]
    out = []
    for arc in projected["arcs"]:
        x = y = 0
        line = []
        for dx, dy in arc:
            x += dx
            y += dy
            line.append((x * sx + tx, y * sy + ty))
        out.append(line)
    return out


def test_projected_outlines_lie_where_the_mercator_map_drew_them() -> None:
    square = [[124.0, 40.0], [125.0, 40.0], [125.0, 41.0], [124.0, 41.0], [124.0, 40.0]]
    (line,) = pixels(atlas.project(topology(square)))
    assert len(line) == 5  # corners are kept
    for (x, y), (lon, lat) in zip(line, square, strict=True):
        want = mercator(lon, lat)
        assert math.dist((x, y), want) <= atlas.STEP, (lon, lat)
    # The centre of the view is the origin; north is up (smaller y) and east is right.
    assert mercator(118.0, 33.0) == (0.0, 0.0)
    assert mercator(119.0, 33.0)[0] == MAP_SCALE * math.radians(1) and mercator(118.0, 34.0)[1] < 0


def test_thinning_drops_what_cannot_be_seen_and_keeps_what_can() -> None:
    # A coast in view with a wiggle of 0.01° (about a tenth of a pixel) and a cape of half a degree.
    coast = [[120.0 + i / 10, 35.0 + (0.01 if i % 2 else 0.0)] for i in range(20)] + [
        [122.5, 35.5],
        [123.0, 35.0],
    ]
    # A like coast far outside the view (the Arctic): there a cape of a tenth of a degree goes too.
    arctic = [[lon, lat + 40.0] for lon, lat in coast[:-2]] + [[122.5, 75.1], [123.0, 75.0]]
    near, far = pixels(atlas.project(topology(coast, arctic)))
    assert len(near) == 4  # both ends, the cape and the corner before it
    assert math.dist(near[-1], mercator(123.0, 35.0)) <= atlas.STEP
    assert len(far) == 2  # only its ends, which its neighbours share


def test_an_outline_across_180_degrees_stays_in_one_piece() -> None:
    chukotka = [[178.0, 65.0], [180.0, 66.0], [-179.0, 66.5], [-178.0, 65.0], [178.0, 65.0]]
    (line,) = pixels(atlas.project(topology(chukotka), fine=0.0))
    steps = [math.dist(a, b) for a, b in zip(line, line[1:], strict=False)]
    assert max(steps) < 200  # no stroke across the whole map to the other side of the world


def test_the_map_spec_uses_the_projected_places_with_an_identity_projection() -> None:
    point = MapPoint(name="Shenyang", lat=41.8, lon=123.43, people=12, incidents=1, roles="arrest")
    spec = places_map([point], title="", countries_url="/outlines.json", projected=True)
    assert spec["projection"] == {"type": "identity", "scale": 1}
    circles = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "circle")
    (row,) = circles["data"]["values"]
    assert (row["x"], row["y"]) == mercator(123.43, 41.8) and row["lat"] == 41.8  # lat/lon kept for reading
    assert (
        circles["encoding"]["longitude"]["field"] == "x" and circles["encoding"]["latitude"]["field"] == "y"
    )
    # The static report map (vl-convert, unprojected outlines) keeps the Mercator projection.
    plain = places_map([point], title="", countries_url="outlines.json")
    assert plain["projection"]["type"] == "mercator" and plain["projection"]["center"] == [118.0, 33.0]


def test_the_outlines_picture_draws_each_country_from_its_arcs_in_the_maps_pixels() -> None:
    """#19 speed: the outlines reach the browser as one SVG picture (``atlas.svg``), not TopoJSON it
    turns into paths on every page view. A ring made of two arcs, one reversed, is stitched whole."""
    south = [[124.0, 40.0], [126.0, 40.0], [126.0, 41.0]]
    north = [[124.0, 40.0], [124.0, 41.0], [126.0, 41.0]]
    world = topology(south, north)
    world["objects"]["countries"]["geometries"] = [{"type": "Polygon", "arcs": [[0, ~1]], "id": "1"}]
    picture = atlas.svg(atlas.project(world, fine=0.0))
    assert picture.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="-1000 -260 2000 520"')
    (path,) = re.findall(r'<path d="M([^"]*)Z"/>', picture)
    points = [tuple(map(float, pair.split())) for pair in path.split("L")]
    expected = [mercator(lon, lat) for lon, lat in [*south, north[1], north[0]]]
    assert len(points) == 5 and points[0] == points[-1]  # closed, the shared corners not doubled
    assert all(math.dist(p, e) < 0.15 for p, e in zip(points, expected, strict=True)), points
