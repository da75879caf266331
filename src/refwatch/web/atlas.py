"""The dashboard map's outlines cut down to the region it shows (#19 speed).

world-atlas's ``countries-50m.json`` (756 kB) has every country of the world,
and the browser projected and drew them all although the map shows only East
and South-East Asia: on a warm cache that was most of the dashboard's drawing
time. :func:`region` keeps the countries with any outline inside a window
around the view (whole, so no coastline is cut) and only the arcs they use;
the result is still TopoJSON with the same ``countries`` object, quantisation
and ids, so the chart spec reads it unchanged. Pure functions, no I/O.

That still left 25,500 points for the browser to project on every drawing:
what Vega spent its time on was d3-geo's projection stream (antimeridian
clipping's point-in-polygon test, adaptive resampling, Mercator) over every
point, then the browser parsing SVG paths as long. :func:`project` does that
work once, here: it projects every arc into the map's pixels (the chart then
uses an identity projection, see ``report.charts.places_map(projected=True)``)
and thins it (Douglas–Peucker, keeping its two ends, so neighbours still
share the border they share): by less than half a pixel where an arc can be
seen, and by 12 pixels well outside the part the map can show (:data:`VIEW`),
where no part of the thinned arc can come into view (each thinned segment
lies within the tolerance of the arc it stands for). Shared arcs are thinned
once, so the outlines still meet. The source stays world-atlas's
``countries-50m.json`` (Natural Earth's 1:50m countries), derived when the
server first serves it.
"""

from __future__ import annotations

import json
from typing import Any

from refwatch.report.charts import OUTLINES_VIEW, mercator

#: West, south, east and north (degrees) of the window around the map's view
#: (``report.charts.places_map``: Mercator centred on 118°E 33°N), with a margin for wide screens.
WINDOW = (60.0, -15.0, 170.0, 65.0)
#: The part of the map that can be seen, in its pixels from the centre of the view (left, top,
#: right, bottom): the height is fixed (420), the width follows the page; with a margin.
VIEW = OUTLINES_VIEW
#: Tolerance (pixels) of the arcs that reach into the view: less than half a pixel.
FINE = 0.4
#: Tolerance (pixels) of the arcs wholly at least this far outside the view: never seen.
COARSE = 12.0
#: Quantisation step of the projected outlines (pixels).
STEP = 0.1


def _arc_boxes(topology: dict[str, Any]) -> list[tuple[float, float, float, float]]:
    """Each arc's bounding box in degrees (arcs are delta-encoded, quantised positions)."""
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    boxes = []
    for arc in topology["arcs"]:
        x = y = 0
        xs, ys = [], []
        for dx, dy in arc:
            x += dx
            y += dy
            xs.append(x)
            ys.append(y)
        boxes.append(
            (
                min(xs) * scale_x + shift_x,
                min(ys) * scale_y + shift_y,
                max(xs) * scale_x + shift_x,
                max(ys) * scale_y + shift_y,
            )
        )
    return boxes


def _arc_refs(arcs: Any) -> list[int]:
    """Every arc index a geometry's nested ``arcs`` lists (``~i`` is arc ``i`` reversed)."""
    if isinstance(arcs, int):
        return [arcs if arcs >= 0 else ~arcs]
    return [index for part in arcs for index in _arc_refs(part)]


def _renumber(arcs: Any, new: dict[int, int]) -> Any:
    if isinstance(arcs, int):
        return new[arcs] if arcs >= 0 else ~new[~arcs]
    return [_renumber(part, new) for part in arcs]


def _thin(points: list[tuple[int, int]], tolerance: tuple[float, float]) -> list[tuple[int, int]]:
    """Douglas–Peucker over quantised positions; ``tolerance`` in quantisation steps (x, y).

    Distances are measured in tolerances (each axis divided by its own), so that axes whose
    steps differ in size are weighed alike.
    """
    tx, ty = tolerance
    if len(points) <= 2 or tx <= 0 or ty <= 0:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        ax, ay = points[first][0] / tx, points[first][1] / ty
        bx, by = points[last][0] / tx, points[last][1] / ty
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        farthest, worst = -1, 1.0  # distances in tolerances: over 1 means keep the point
        for i in range(first + 1, last):
            px, py = points[i][0] / tx - ax, points[i][1] / ty - ay
            if length2 == 0:
                d2 = px * px + py * py
            else:
                t = max(0.0, min(1.0, (px * dx + py * dy) / length2))
                ex, ey = px - t * dx, py - t * dy
                d2 = ex * ex + ey * ey
            if d2 > worst:
                farthest, worst = i, d2
        if farthest > 0:
            keep[farthest] = True
            stack.extend(((first, farthest), (farthest, last)))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def project(
    topology: dict[str, Any],
    view: tuple[float, float, float, float] = VIEW,
    *,
    fine: float = FINE,
    coarse: float = COARSE,
) -> dict[str, Any]:
    """``topology`` in the map's pixels (:func:`~refwatch.report.charts.mercator`), every arc thinned.

    Positions are quantised to :data:`STEP` pixels. An arc whose box lies at least ``coarse``
    pixels outside ``view`` is thinned by ``coarse`` pixels, every other arc by ``fine``. Arc
    ends are kept, so the topology is unchanged.
    """
    left_edge, top_edge, right_edge, bottom_edge = view
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    projected: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        line, qx, qy = [], 0, 0
        for dx, dy in arc:
            qx += dx
            qy += dy
            line.append(mercator(qx * scale_x + shift_x, qy * scale_y + shift_y))
        projected.append(line)
    origin_x = min(x for line in projected for x, _ in line)
    origin_y = min(y for line in projected for _, y in line)
    arcs = []
    for line in projected:
        steps = [(round((x - origin_x) / STEP), round((y - origin_y) / STEP)) for x, y in line]
        xs, ys = [x for x, _ in line], [y for _, y in line]
        far = (
            max(xs) < left_edge - coarse
            or min(xs) > right_edge + coarse
            or max(ys) < top_edge - coarse
            or min(ys) > bottom_edge + coarse
        )
        tolerance = (coarse if far else fine) / STEP
        deltas: list[list[int]] = []
        px = py = 0
        for x, y in _thin(steps, (tolerance, tolerance)):
            if deltas and (x, y) == (px, py):
                continue  # two positions in one step: one is enough
            deltas.append([x - px, y - py])
            px, py = x, y
        if len(deltas) == 1:
            deltas.append([0, 0])  # an arc keeps two positions, even when both fall in one step
        arcs.append(deltas)
    return {
        "type": "Topology",
        "transform": {"scale": [STEP, STEP], "translate": [origin_x, origin_y]},
        "objects": topology["objects"],
        "arcs": arcs,
    }


def region(topology: dict[str, Any], window: tuple[float, float, float, float] = WINDOW) -> dict[str, Any]:
    """``topology`` with only the countries that reach into ``window`` and the arcs they use."""
    west, south, east, north = window
    boxes = _arc_boxes(topology)

    def inside(index: int) -> bool:
        left, bottom, right, top = boxes[index]
        return left <= east and right >= west and bottom <= north and top >= south

    kept = [
        geometry
        for geometry in topology["objects"]["countries"]["geometries"]
        if any(inside(i) for i in _arc_refs(geometry.get("arcs", [])))
    ]
    used = sorted({i for geometry in kept for i in _arc_refs(geometry.get("arcs", []))})
    new = {old: position for position, old in enumerate(used)}
    countries = {
        **topology["objects"]["countries"],
        "geometries": [{**g, "arcs": _renumber(g["arcs"], new)} for g in kept],
    }
    return {
        "type": "Topology",
        "transform": topology["transform"],
        "objects": {"countries": countries},
        "arcs": [topology["arcs"][i] for i in used],
    }


def _positions(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Each arc of a projected topology (:func:`project`) as absolute positions in the map's pixels."""
    step_x, step_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    lines = []
    for arc in topology["arcs"]:
        qx = qy = 0
        line = []
        for dx, dy in arc:
            qx += dx
            qy += dy
            line.append((qx * step_x + shift_x, qy * step_y + shift_y))
        lines.append(line)
    return lines


def _ring(arcs: list[int], lines: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """A ring's positions from its arcs (``~i``: arc ``i`` reversed); consecutive arcs share an end."""
    ring: list[tuple[float, float]] = []
    for index in arcs:
        line = lines[index] if index >= 0 else lines[~index][::-1]
        ring.extend(line[1:] if ring else line)
    return ring


def _number(value: float) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def svg(topology: dict[str, Any], view: tuple[float, float, float, float] = VIEW) -> str:
    """A projected topology (:func:`project`) as an SVG picture of ``view`` (the map's centre at 0, 0).

    One ``path`` a country, filled and outlined as the chart drew them. The chart shows the
    picture as an image mark at its centre (``report.charts.places_map(projected=True)``), so
    the browser draws the outlines natively instead of Vega turning TopoJSON into paths on every
    page view (#19 speed). Text only from the outline data (numbers): no markup from outside.
    """
    left, top, right, bottom = view
    lines = _positions(topology)
    paths = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        kind, arcs = geometry.get("type"), geometry.get("arcs", [])
        polygons = [arcs] if kind == "Polygon" else arcs if kind == "MultiPolygon" else []
        rings = [_ring(ring, lines) for polygon in polygons for ring in polygon]
        d = "".join(
            "M" + "L".join(f"{_number(x)} {_number(y)}" for x, y in ring) + "Z" for ring in rings if ring
        )
        if d:
            paths.append(f'<path d="{d}"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_number(left)} {_number(top)} '
        f'{_number(right - left)} {_number(bottom - top)}" width="{_number(right - left)}" '
        f'height="{_number(bottom - top)}">'
        '<g fill="#eef1f5" stroke="#9aa5b1" stroke-width="0.5" fill-rule="evenodd" '
        'stroke-linejoin="round">' + "".join(paths) + "</g></svg>"
    )


def svg_bytes(world: bytes) -> bytes:
    """:func:`svg` of a world-atlas file cut to the region (:func:`region`), projected and thinned."""
    return svg(project(region(json.loads(world)))).encode()
