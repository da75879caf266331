"""The public site (no login): published incidents with filters, a chart, a map and the data package.

Only what :mod:`refwatch.services.public_site` builds from the redacted public form
reaches these pages; a filter value outside the vocabulary is refused (422), and an
unknown year or province simply matches nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from refwatch.report.charts import MapPoint, incidents_chart, places_map
from refwatch.report.vega import to_vega
from refwatch.services.export import public_datapackage_zip
from refwatch.services.placenames import place_name
from refwatch.services.public_site import PublicFilter, public_view
from refwatch.web import i18n, vendor
from refwatch.web.deps import Db, optional_user
from refwatch.web.params import PageNumber, Text
from refwatch.web.rendering import PAGE, language, render, script_json
from refwatch.web.uploads import SealedFormRoute

router = APIRouter(include_in_schema=False, route_class=SealedFormRoute)  # forms parsed as everywhere

Choice = Annotated[Text, Query(max_length=100)]

#: The redacted count's English text (``report.redaction``) -> the words a page shows, translated.
PEOPLE_TEXTS = (
    (re.compile(r"fewer than (?P<k>\d+) to (?P<high>\d+)"), "fewer than %(k)s to %(high)s"),
    (re.compile(r"fewer than (?P<k>\d+)"), "fewer than %(k)s"),
    (re.compile(r"at least (?P<k>\d+)"), "at least %(k)s"),
    (re.compile(r"about (?P<k>\d+)"), "about %(k)s"),
    (re.compile(r"at most (?P<k>\d+)"), "at most %(k)s"),
    (re.compile(r"(?P<low>\d+) to (?P<high>\d+)"), "%(low)s–%(high)s"),
    (re.compile(r"unknown"), "unknown"),
)


def people_text(victims: Mapping[str, Any], gettext: Callable[[str], str]) -> str:
    """A published count as the page shows it: "fewer than 5", "about 40", "12–20", in the reader's language.

    Examples:
        >>> people_text({"count": None, "text": "fewer than 5"}, str)
        'fewer than 5'
        >>> people_text({"count": 12, "text": "12 to 20"}, str)
        '12–20'
    """
    text = str(victims.get("text") or "")
    for pattern, words in PEOPLE_TEXTS:
        found = pattern.fullmatch(text)
        if found:
            return gettext(words) % found.groupdict()
    return text


@router.get("/public", response_class=HTMLResponse)
def public(
    request: Request,
    db: Db,
    page: PageNumber = 1,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    province: Choice = "",
    status: Choice = "",
    event_type: Choice = "",
    per: Annotated[Text, Query(max_length=5)] = "month",
) -> HTMLResponse:
    """What anyone may see without an account: confirmed incidents, redacted (see ``report.redaction``)."""
    filters = PublicFilter(
        year=year, province=province or None, status=status or None, event_type=event_type or None
    )
    view = public_view(db, filters, unit=per, limit=PAGE, offset=(page - 1) * PAGE)  # type: ignore[arg-type]
    lang = language(request)
    gettext = i18n.translations(lang).gettext
    words = {
        "period": gettext("Month" if per == "month" else "Year"),
        "incidents": gettext("Incidents"),
        "people": gettext("People (published counts)"),
        "place": gettext("Place"),
        "role": gettext("What happened there"),
    }
    points = [MapPoint(place_name(p.name, lang), p.lat, p.lon, p.people, p.incidents) for p in view.places]
    chosen = {
        k: v
        for k, v in {"year": year, "province": province, "status": status, "event_type": event_type}.items()
        if v
    }
    return render(
        request,
        "public.html",
        optional_user(request, db),
        records=view.records,
        total=view.total,
        page=page,
        pages=max(1, -(-view.total // PAGE)),
        query=urlencode(chosen | ({"per": per} if per != "month" else {})),
        chosen=chosen,
        per=per,
        choices=view.choices,
        timeline_rows=view.timeline,
        places=view.places,
        off_map=view.off_map,
        # Compiled to Vega here, like the dashboard's: the page loads Vega alone (#19 speed).
        timeline=script_json(to_vega(incidents_chart(view.timeline, unit=per, labels=words))),
        people=lambda victims: people_text(victims, gettext),
        atlas=script_json(
            to_vega(
                places_map(
                    points,
                    title="",
                    countries_url=vendor.url("countries-region.svg"),
                    labels=words,
                    projected=True,
                )
            )
        ),
        outlines_url=vendor.url("countries-region.svg"),
    )


@router.get("/public/refwatch-public.zip")
def public_package(db: Db) -> Response:
    """The public data package (the same redacted form as the page), for anyone to download."""
    return Response(
        public_datapackage_zip(db),
        media_type="application/zip",
        headers={
            "Content-Disposition": 'attachment; filename="refwatch-public.zip"',
            "Cache-Control": "no-store",  # a package of today's data, not to be served stale
        },
    )
