"""The dashboard (figures, timeline, map, latest incidents); the public pages are in :mod:`.public`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from refwatch.report.charts import MapPoint, places_map, timeline_chart
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
    timeline = timeline_chart(figures["per_month"], title="", labels=words)
    atlas = places_map(
        points, title="", countries_url=vendor.url("countries-region.json"), labels=words, projected=True
    )
    return render(
        request,
        "dashboard.html",
        caller,
        figures=figures,
        latest=latest.items,
        places=located,
        country_only=overview["country_only"],
        no_coordinates=overview["no_coordinates"],
        timeline=script_json(timeline),
        atlas=script_json(atlas),
    )
