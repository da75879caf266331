"""The dashboard map's outlines cut down to the region it shows (#19 speed).

world-atlas's ``countries-50m.json`` (756 kB) has every country of the world,
and the browser projected and drew them all although the map shows only East
and South-East Asia: on a warm cache that was most of the dashboard's drawing
time. :func:`region` keeps the countries with any outline inside a window
around the view (whole, so no coastline is cut) and only the arcs they use;
the result is still TopoJSON with the same ``countries`` object, quantisation
and ids, so the chart spec reads it unchanged. Pure functions, no I/O.
"""

from __future__ import annotations

import json
from typing import Any

#: West, south, east and north (degrees) of the window around the map's view
#: (``report.charts.places_map``: Mercator centred on 118°E 33°N), with a margin for wide screens.
WINDOW = (60.0, -15.0, 170.0, 65.0)


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


def region_bytes(world: bytes) -> bytes:
    """:func:`region` of a world-atlas file, as compact JSON bytes."""
    return json.dumps(region(json.loads(world)), separators=(",", ":")).encode()
