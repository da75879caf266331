"""The dashboard (figures, timeline, map, latest incidents); the public pages are in :mod:`.public`."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from refwatch.report.charts import MapPoint, places_map, timeline_chart
from refwatch.report.vega import to_vega
from refwatch.services import browse
from refwatch.services.browse import IncidentFilter
from refwatch.services.placenames import place_name
from refwatch.web import i18n, vendor
from refwatch.web.deps import Db, User
from refwatch.web.rendering import language, render, script_json
from refwatch.web.uploads import SealedFormRoute

router = APIRouter(include_in_schema=False, route_class=SealedFormRoute)  # forms parsed as everywhere


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, db: Db, caller: User) -> HTMLResponse:
    """Figures, the timeline, the review queue's size and the latest incidents."""
    groups = caller.visible_groups()
    figures = browse.summary(db, visible_groups=groups)
    latest = browse.incident_page(
        db, IncidentFilter(visible_groups=groups, newest_first=True), limit=10, offset=0
    )
    overview = browse.places_overview(db, visible_groups=groups)
    located = overview["places"]
    lang = language(request)
    gettext = i18n.translations(lang).gettext
    points = [
        MapPoint(
            place_name(p["name"], lang),
            p["lat"],
            p["lon"],
            p["people"],
            p["incidents"],
            ", ".join(gettext(r) for r in p["roles"]),
        )
        for p in located
    ]
    words = {
        k: gettext(v)
        for k, v in {
            "place": "Place",
            "role": "What happened there",
            "people": "People",
            "incidents": "Incidents",
            "month": "Month",
        }.items()
    }
    months = tuple((row["month"], row["incidents"], row["people"]) for row in figures["per_month"])
    labels = tuple(sorted(words.items()))
    outlines = vendor.url("countries-region.svg")
    return render(
        request,
        "dashboard.html",
        caller,
        figures=figures,
        latest=latest.items,
        places=located,
        country_only=overview["country_only"],
        no_coordinates=overview["no_coordinates"],
        dated=any(month != "unknown" for month, _, _ in months),  # an empty time axis read "0.000000"
        timeline=_timeline_vega(months, labels),
        atlas=_map_vega(tuple(points), labels, outlines),
        outlines_url=outlines,
    )


# The charts as compiled Vega (``report.vega``), built once per content: building a spec with Altair
# (its schema check) cost 10 ms for the timeline and 40 ms for the map on every page view (#19 speed).
@lru_cache(maxsize=64)
def _timeline_vega(months: tuple[tuple[str, int, int], ...], labels: tuple[tuple[str, str], ...]) -> str:
    rows = [{"month": m, "incidents": i, "people": p} for m, i, p in months]
    return script_json(to_vega(timeline_chart(rows, title="", labels=dict(labels))))


@lru_cache(maxsize=64)
def _map_vega(points: tuple[MapPoint, ...], labels: tuple[tuple[str, str], ...], outlines: str) -> str:
    spec = places_map(list(points), title="", countries_url=outlines, labels=dict(labels), projected=True)
    return script_json(to_vega(spec))


def warm_charts() -> None:
    """Start vl-convert and draw the map's outlines picture, before the first dashboard asks for them.

    Both are paid once per process (about half a second and a third of a second): left to the
    first dashboard, they made its charts come a second later than before they were compiled on
    the server. Run in a thread at start-up (``web.app``), so the server need not wait for it.
    """
    to_vega({"mark": "point", "data": {"values": []}})
    vendor.url("countries-region.svg")
