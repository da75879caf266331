"""Exports in the browser (`refwatch export` for incidents): editors download what they may see.

A full export carries the evidence quotes, which may name people, so it is for editors and
admins and each download is audited (``services.export.download_incidents``); the public
form is the redacted one every public output uses. The public data package has its own
address on the public page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from refwatch.services.export import download_incidents
from refwatch.web.api import one_of
from refwatch.web.deps import Db, Editor
from refwatch.web.rendering import render
from refwatch.web.uploads import SealedFormRoute

router = APIRouter(include_in_schema=False, route_class=SealedFormRoute)

#: Format -> (media type, file extension). GeoJSON has exact coordinates: never in the public form.
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "jsonl": ("application/x-ndjson; charset=utf-8", "jsonl"),
    "geojson": ("application/geo+json", "geojson"),
}


@router.get("/exports", response_class=HTMLResponse)
def exports(request: Request, caller: Editor) -> HTMLResponse:
    """The downloads on offer."""
    return render(request, "exports.html", caller)


@router.get("/exports/incidents")
def export_incidents(
    db: Db,
    caller: Editor,
    format: Annotated[str, Query(max_length=10)] = "csv",  # noqa: A002 - the parameter users write
    public: Annotated[bool, Query()] = False,
) -> Response:
    """Incidents as CSV, JSON lines or GeoJSON; with ``public`` the redacted public form."""
    one_of("format", [format], tuple(FORMATS))
    body, _n = download_incidents(
        db,
        fmt=format,  # type: ignore[arg-type]
        public=public,
        visible_groups=caller.visible_groups(),
        actor=caller.username,
        origin="web",
    )
    media_type, extension = FORMATS[format]
    name = f"incidents{'-public' if public else ''}.{extension}"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
