"""Exports in the browser (`refwatch export`, `persons list`, `persons clusters`): what editors may see.

A full export carries the evidence quotes, which may name people, so it is for editors and
admins and each download is audited (``services.export.download_incidents``); the public
form is the redacted one every public output uses. The public data package has its own
address on the public page. Tallies come as the CLI writes them beside an export. Persons
leave only in the no-names forms the CLI prints or writes (``persons list``: pseudonyms and
flags; ``persons clusters``: list, record and person numbers), each download audited; a
viewer asking for them is refused and the refusal audited, as on the persons pages.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from refwatch.services.export import download_incidents, download_tallies
from refwatch.services.person_linkage import clusters_csv
from refwatch.services.persons import export_person_summaries
from refwatch.web.api import one_of
from refwatch.web.auth import client_address
from refwatch.web.deps import Db, Editor
from refwatch.web.persons import PersonPageReader
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
    return attachment(body, f"incidents{'-public' if public else ''}.{extension}", media_type)


def attachment(body: str, name: str, media_type: str) -> Response:
    """A download that no cache keeps (it holds what only its reader may see)."""
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.get("/exports/tallies")
def export_tallies(
    request: Request,
    db: Db,
    caller: Editor,
    format: Annotated[str, Query(max_length=10)] = "csv",  # noqa: A002 - the parameter users write
    public: Annotated[bool, Query()] = False,
) -> Response:
    """Tallies as CSV or JSON lines (the file ``refwatch export`` writes beside the incidents); audited."""
    one_of("format", [format], ("csv", "jsonl"))
    body, _n = download_tallies(
        db,
        fmt=format,  # type: ignore[arg-type]
        public=public,
        visible_groups=caller.visible_groups(),
        actor=caller.username,
        origin=client_address(request),
    )
    media_type, extension = FORMATS[format]
    return attachment(body, f"tallies{'-public' if public else ''}.{extension}", media_type)


@router.get("/exports/persons")
def export_persons(request: Request, db: Db, caller: PersonPageReader) -> Response:
    """Persons as ``refwatch persons list`` shows them (pseudonym, incidents, lists, flags): no names."""
    body, _n = export_person_summaries(
        db, actor=caller.username, origin=client_address(request), visible_groups=caller.visible_groups()
    )
    return attachment(body, "persons.csv", FORMATS["csv"][0])


@router.get("/exports/person-clusters")
def export_person_clusters(request: Request, db: Db, caller: PersonPageReader) -> Response:
    """The latest person linkage run as ``refwatch persons clusters`` writes it (no names); audited."""
    body, _n = clusters_csv(
        db, actor=caller.username, origin=client_address(request), visible_groups=caller.visible_groups()
    )
    return attachment(body, "person-clusters.csv", FORMATS["csv"][0])
