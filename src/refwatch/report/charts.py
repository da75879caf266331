"""Vega-Lite chart specifications, built with Altair, for reports, exports and the web dashboard.

Charts are returned as plain dicts (the Vega-Lite JSON) so that the same spec can
be written to a file, embedded in a page and drawn by vega-embed, or turned into
SVG/PNG for a PDF, without this module knowing where it ends up. Specs carry
their data inline: nothing is fetched from the internet when they are drawn.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt


@dataclass(frozen=True, slots=True)
class StratumEstimate:
    """One bar of the estimation chart: what was observed and what is estimated in a stratum."""

    stratum: str
    observed: int
    estimate: float
    ci_low: float
    ci_high: float


def estimation_chart(
    rows: Sequence[StratumEstimate], *, title: str, ci_level: float = 0.95
) -> dict[str, Any]:
    """Observed count (bar) against the estimate (point) and its interval (rule), one row per stratum.

    The interval is drawn as prominently as the point on purpose: a reader should
    never see an estimate without the uncertainty around it.
    """
    data = alt.Data(  # type: ignore[no-untyped-call]
        values=[
            {
                "stratum": r.stratum,
                "observed": r.observed,
                "estimate": round(r.estimate, 1),
                "ci_low": round(r.ci_low, 1),
                "ci_high": round(r.ci_high, 1),
            }
            for r in rows
        ]
    )
    level = f"{ci_level:.0%}"
    base = alt.Chart(data).encode(y=alt.Y("stratum:N", title=None, sort=None))
    observed = base.mark_bar(color="#9ecae1").encode(
        x=alt.X("observed:Q", title="people"),
        tooltip=[alt.Tooltip("stratum:N"), alt.Tooltip("observed:Q", title="documented")],
    )
    interval = base.mark_rule(color="#08306b", strokeWidth=2).encode(
        x="ci_low:Q",
        x2="ci_high:Q",
        tooltip=[
            alt.Tooltip("ci_low:Q", title=f"{level} interval, low"),
            alt.Tooltip("ci_high:Q", title=f"{level} interval, high"),
        ],
    )
    point = base.mark_point(filled=True, color="#08306b", size=60).encode(
        x="estimate:Q",
        tooltip=[alt.Tooltip("stratum:N"), alt.Tooltip("estimate:Q", title="estimated total")],
    )
    chart = (observed + interval + point).properties(
        title=alt.TitleParams(
            title, subtitle=f"bar: documented; point and line: estimate with {level} interval"
        ),
        width=480,
    )
    spec: dict[str, Any] = chart.to_dict()
    return spec


def timeline_chart(
    per_month: Sequence[dict[str, Any]], *, title: str, labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """People reported (bars) per month, with the number of incidents in the tooltip.

    ``per_month`` rows are ``{"month": "YYYY-MM" or "unknown", "incidents", "people"}``;
    undated incidents are left out of the time axis (the page lists their number).
    ``labels`` gives the axis and tooltip titles in the reader's language (keys: month,
    people, incidents); month names on the axis follow the page's Vega locale.
    """
    words = {"month": "month", "people": "people", "incidents": "incidents"} | dict(labels or {})
    rows = [r for r in per_month if r["month"] != "unknown"]
    data = alt.Data(values=[dict(r) for r in rows])  # type: ignore[no-untyped-call]
    chart = (
        alt.Chart(data)
        .mark_bar(color="#4a6fa5")
        .encode(
            x=alt.X("month:T", timeUnit="yearmonth", title=None),
            y=alt.Y("people:Q", title=words["people"]),
            tooltip=[
                alt.Tooltip("month:T", timeUnit="yearmonth", title=words["month"]),
                alt.Tooltip("people:Q", title=words["people"]),
                alt.Tooltip("incidents:Q", title=words["incidents"]),
            ],
        )
        .properties(title=title, width="container", height=220)
    )
    spec: dict[str, Any] = chart.to_dict()
    return spec


def incidents_chart(
    rows: Sequence[dict[str, Any]], *, unit: str, labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Incidents (bars) per month or year, published people in the tooltip: the public site's chart.

    ``rows`` are ``{"period": "YYYY-MM" or "YYYY", "incidents", "people"}``. Incidents, not
    people, make the bars: a public count below the redaction threshold is not published, so a
    sum of people would read low without saying why. ``labels`` gives the titles in the reader's
    language (keys: period, incidents, people).
    """
    words = {"period": unit, "incidents": "incidents", "people": "people"} | dict(labels or {})
    data = alt.Data(values=[dict(r) for r in rows])  # type: ignore[no-untyped-call]
    if unit == "month":  # months as bands (a lone month drawn on a time axis filled the whole width)
        x = alt.X("period:O", timeUnit="yearmonth", title=None, axis=alt.Axis(labelAngle=0))
        period = alt.Tooltip("period:O", timeUnit="yearmonth", title=words["period"])
    else:
        x = alt.X("period:O", title=None, axis=alt.Axis(labelAngle=0))
        period = alt.Tooltip("period:O", title=words["period"])
    chart = (
        alt.Chart(data)
        .mark_bar(color="#4a6fa5")
        .encode(
            x=x,
            y=alt.Y("incidents:Q", title=words["incidents"], axis=alt.Axis(tickMinStep=1)),
            tooltip=[
                period,
                alt.Tooltip("incidents:Q", title=words["incidents"]),
                alt.Tooltip("people:Q", title=words["people"]),
            ],
        )
        .properties(width="container", height=220)
    )
    spec: dict[str, Any] = chart.to_dict()
    return spec


@dataclass(frozen=True, slots=True)
class MapPoint:
    """A place on the map with the number of people reported there."""

    name: str
    lat: float
    lon: float
    people: int
    incidents: int
    #: What happened there (arrest, detention, crossing, handover), as the reader should see it.
    roles: str = ""


#: The map's view: Mercator centred here (longitude, latitude), at this scale (pixels a radian).
MAP_CENTER = (118.0, 33.0)
MAP_SCALE = 700.0
#: The part of the map the outlines picture covers, in pixels from the centre (left, top, right,
#: bottom): wider than any screen, a little taller than the map (420).
OUTLINES_VIEW = (-1000.0, -260.0, 1000.0, 260.0)


def mercator(lon: float, lat: float) -> tuple[float, float]:
    """A place in the map's pixels from the centre of the view (x east, y down), as Vega would put it.

    For outlines and places projected before they reach the browser (``projected`` below).

    Examples:
        >>> mercator(118.0, 33.0)
        (0.0, 0.0)
    """
    center_lon, center_lat = MAP_CENTER
    lat = max(-85.0, min(85.0, lat))
    # The meridian opposite the centre is the map's edge: longitudes are taken within 180° of the
    # centre, so an outline crossing 180° (Russia's, at Chukotka) stays in one piece.
    lon = (lon - center_lon + 180.0) % 360.0 - 180.0 + center_lon

    def north(degrees: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(degrees) / 2))

    x = MAP_SCALE * math.radians(lon - center_lon)
    y = -MAP_SCALE * (north(lat) - north(center_lat))
    return (x + 0.0, y + 0.0)  # + 0.0: no negative zero


def _spoken(point: MapPoint, words: Mapping[str, str]) -> str:
    """A circle as a screen reader reads it: the tooltip's facts, titled in the reader's language.

    Examples:
        >>> _spoken(MapPoint("Yanji", 42.9, 129.5, 7, 1, "arrest"), {"people": "people",
        ...     "incidents": "incidents", "role": "role"})
        'Yanji; people: 7; incidents: 1; role: arrest'
    """
    parts = [point.name, f"{words['people']}: {point.people}", f"{words['incidents']}: {point.incidents}"]
    if point.roles:
        parts.append(f"{words['role']}: {point.roles}")
    return "; ".join(parts)


def places_map(
    points: Sequence[MapPoint],
    *,
    title: str,
    countries_url: str,
    labels: Mapping[str, str] | None = None,
    projected: bool = False,
) -> dict[str, Any]:
    """Country outlines (world-atlas TopoJSON, served locally) and a circle per place sized by people.

    The view is fitted to the border region and escape routes (north-east China,
    North Korea, down to South-East Asia) rather than the whole world. The size
    legend sits inside the map's upper left corner, over inland China, away
    from the border and the escape routes (#19: beside a map as wide as its
    container it could be drawn past the edge and cut). Tooltips name the place,
    what happened there (the locations' roles), people and incidents; ``labels``
    gives their titles in the reader's language (keys: place, role, people, incidents).
    Screen readers get the same facts as each circle's label, and "place" as its role.

    ``projected``: ``countries_url`` is a picture (SVG) of the outlines already in the map's
    pixels (:func:`mercator`, as ``web.atlas.svg`` draws them: :data:`OUTLINES_VIEW` around
    the centre), and the places are projected too (fields ``x`` and ``y``, beside their
    ``lat`` and ``lon``); the browser then only moves them to the middle of the view (an
    identity projection) instead of projecting every point of every outline through d3-geo's
    spherical clipping and resampling and building paths from TopoJSON on each drawing (#19 speed).
    """
    words = {"place": "place", "role": "role", "people": "people", "incidents": "incidents"} | dict(
        labels or {}
    )
    if projected:
        # The outlines as one picture of the map's pixels (``web.atlas.svg``), its centre at the view's
        # centre: the browser draws it natively, where Vega would turn TopoJSON into paths (#19 speed).
        left, top, right, bottom = OUTLINES_VIEW
        land = (
            alt.Chart(alt.Data(values=[{"x": 0, "y": 0, "url": countries_url}]))  # type: ignore[no-untyped-call]
            .mark_image(width=right - left, height=bottom - top, aspect=False, clip=True, aria=False)
            .encode(longitude="x:Q", latitude="y:Q", url="url:N")
            .properties(width="container", height=420)
        )
    else:
        land = (
            alt.Chart(alt.topo_feature(countries_url, "countries"))
            .mark_geoshape(fill="#eef1f5", stroke="#9aa5b1", strokeWidth=0.5, aria=False)  # decoration
            .properties(width="container", height=420)
        )
    data = alt.Data(  # type: ignore[no-untyped-call]
        values=[
            {
                "name": p.name,
                "lat": p.lat,
                "lon": p.lon,
                "people": p.people,
                "incidents": p.incidents,
                "roles": p.roles,
                "description": _spoken(p, words),
            }
            | (dict(zip(("x", "y"), mercator(p.lon, p.lat), strict=True)) if projected else {})
            for p in points
        ]
    )
    legend = alt.Legend(orient="top-left", fillColor="#ffffff", padding=6, strokeColor="#9aa5b1")
    circles = (
        alt.Chart(data)
        # What a screen reader announces: Vega-Lite's default label lists the encodings ("x: 78.17;
        # y: -108.13", the projected pixels); a circle is a place with its people (#19 accessibility).
        .mark_circle(color="#b03a2e", opacity=0.7, stroke="#fff", ariaRoleDescription=words["place"])
        .encode(
            longitude="x:Q" if projected else "lon:Q",
            latitude="y:Q" if projected else "lat:Q",
            description="description:N",
            size=alt.Size(
                "people:Q", title=words["people"], scale=alt.Scale(range=[30, 1500]), legend=legend
            ),
            tooltip=[
                alt.Tooltip("name:N", title=words["place"]),
                alt.Tooltip("roles:N", title=words["role"]),
                alt.Tooltip("people:Q", title=words["people"]),
                alt.Tooltip("incidents:Q", title=words["incidents"]),
            ],
        )
    )
    if projected:
        view = alt.Projection(type="identity", scale=1)
    else:
        view = alt.Projection(type="mercator", center=list(MAP_CENTER), scale=MAP_SCALE)
    chart = (
        (land + circles)
        .project(**view.to_dict())
        .properties(title=title, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
        .configure_view(stroke=None)
    )
    spec: dict[str, Any] = chart.to_dict()
    return spec
