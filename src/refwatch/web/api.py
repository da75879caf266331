"""REST API ``/api/v1``: documents, incidents, review actions and dashboard figures.

Every route needs a bearer token; reading needs any scope, changing needs a
write-scoped token of an editor or admin (see ``services.accounts``). Lists
are paged with ``limit`` and ``offset`` and answer ``{"items", "total",
"limit", "offset"}``.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from refwatch.domain.tallies import TALLY_KINDS
from refwatch.domain.vocabulary import EVENT_TYPES, REVIEW_STATES, STATUSES
from refwatch.errors import InvalidInput
from refwatch.report.redaction import redact
from refwatch.services import browse, review
from refwatch.services import tallies as tally_service
from refwatch.services.accounts import Principal
from refwatch.services.browse import IncidentFilter
from refwatch.services.documents import document_id, original_bytes, show_document
from refwatch.services.ingest import ingest_uploads
from refwatch.services.setup import Database
from refwatch.web.auth import client_address
from refwatch.web.deps import Db, IncidentId, Reader, Writer
from refwatch.web.models import (
    ERRORS,
    WRITE_ERRORS,
    DocumentOut,
    DocumentSummaryOut,
    HistoryEntryOut,
    IncidentOut,
    IncidentSummary,
    Page,
    PublicIncident,
    StatsOut,
    TalliesOut,
    UndoOut,
    UploadOut,
)
from refwatch.web.params import DocumentKey, DocumentRef, Limit, Offset, Text
from refwatch.web.uploads import SealedFormRoute

router = APIRouter(prefix="/api/v1", route_class=SealedFormRoute)  # uploads never touch disk in plaintext

MAX_UPLOAD_FILES = 50


class ReasonIn(BaseModel):
    """Why a reviewer did what they did (kept in the incident's history)."""

    reason: Text | None = Field(default=None, max_length=2000)


class EditIn(BaseModel):
    """A corrected field value, with the reason for it."""

    field: Text = Field(max_length=50)
    value: Text = Field(max_length=2000)
    reason: Text = Field(min_length=1, max_length=2000)


class MergeIn(BaseModel):
    """Fold ``other`` into this incident."""

    other: int = Field(ge=1, le=2**31 - 1)
    reason: Text | None = Field(default=None, max_length=2000)


class SplitIn(BaseModel):
    """Move these sources of the incident into a new one."""

    sources: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(min_length=1, max_length=1000)
    reason: Text | None = Field(default=None, max_length=2000)


def _page(page: browse.Page) -> Response:
    """A page as JSON, shaped as :class:`refwatch.web.models.Page` (its records spliced in as cached)."""
    return Response(page.to_json(), media_type="application/json")


def json_response(value: Any, status_code: int = 200) -> Response:
    """``value`` as a JSON answer, written by orjson.

    The read routes that carry the load (lists and details) answer with this
    instead of returning the value: FastAPI would otherwise validate the whole
    value against the declared model (in a worker thread, for a plain ``def``
    route) and serialise it again, about as much work as reading it. The
    models stay declared on the routes for the OpenAPI document
    (``response_model``); ``tests/web/test_api_models.py`` checks that the
    answers match them field for field. The write routes answer the same way,
    so that their bodies stay exactly what they were before the models.
    """
    return Response(orjson.dumps(value), status_code=status_code, media_type="application/json")


@router.get("/documents", response_model=Page[DocumentSummaryOut], responses=ERRORS, tags=["documents"])
async def list_documents(
    db: Db,
    caller: Reader,
    q: Annotated[Text | None, Query(max_length=200, description="Text to find (any language).")] = None,
    language: Annotated[Literal["en", "ko", "zh", "other"] | None, Query()] = None,
    outlet: Annotated[Text | None, Query(max_length=300)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """Stored documents, newest publication first; ``q`` searches their text and titles.

    Search results come most recently stored first, and their total is counted
    up to 1,000 (``total_exact`` false beyond that).
    """
    groups = caller.visible_groups()
    page = functools.partial(
        browse.document_page,
        db,
        query=q,
        language=language,
        outlet=outlet,
        limit=limit,
        offset=offset,
        visible_groups=groups,
    )
    # A page in list order is a walk down an index, and a search whose page is kept a lookup: cheaper
    # on the event loop than a hop to a thread. A search to be made can take long: a thread.
    if q and browse.search_not_kept(
        db, q, language=language, outlet=outlet, limit=limit, offset=offset, visible_groups=groups
    ):
        return _page(await run_in_threadpool(page))
    return _page(page())


# The by-key routes come first: /documents/by-key/original is the key "original", not the original
# of a document keyed "by-key" (that one is /documents/by-key/by-key/original). Each finds the id
# and answers exactly as the route by id does, so both keep one set of checks.
@router.get("/documents/by-key/{key}", tags=["documents"], response_model=DocumentOut, responses=ERRORS)
async def get_document_by_key(db: Db, caller: Reader, key: DocumentKey) -> Response:
    """One document by its key, even a key made of digits alone (``/documents/{ref}`` reads those as ids)."""
    return await get_document(db, caller, str(document_id(db, key, visible_groups=caller.visible_groups())))


@router.get(
    "/documents/by-key/{key}/original",
    tags=["documents"],
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}, **ERRORS},
)
def get_document_original_by_key(db: Db, caller: Reader, key: DocumentKey) -> Response:
    """The original bytes of the document with this key."""
    return get_document_original(
        db, caller, str(document_id(db, key, visible_groups=caller.visible_groups()))
    )


@router.get("/documents/{ref}", tags=["documents"], response_model=DocumentOut, responses=ERRORS)
async def get_document(db: Db, caller: Reader, ref: DocumentRef) -> Response:
    """One document by id (ASCII digits) or else key, with its text and the incidents the caller may see."""
    # Async (run on the event loop) like the incident detail: a lookup by key, cheaper than a thread hop.
    return json_response(show_document(db, ref, visible_groups=caller.visible_groups()).to_dict())


@router.get(
    "/documents/{ref}/original",
    tags=["documents"],
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}, **ERRORS},
)
def get_document_original(db: Db, caller: Reader, ref: DocumentRef) -> Response:
    """The original bytes as ingested (the evidentiary copy)."""
    return original_response(db, ref, caller)


@router.post(
    "/documents", tags=["documents"], status_code=201, response_model=UploadOut, responses=WRITE_ERRORS
)
def upload_documents(
    request: Request,
    db: Db,
    caller: Writer,
    files: Annotated[list[UploadFile], File(description="Reports: .txt, .md, .html, .pdf")],
) -> Response:
    """Ingest uploaded reports exactly as `refwatch ingest` does (one transaction per file)."""
    if not files or len(files) > MAX_UPLOAD_FILES:
        raise InvalidInput(f"upload 1 to {MAX_UPLOAD_FILES} files at a time")
    uploads = [(f.filename or "", f.file) for f in files]
    report = ingest_uploads(db, uploads, actor=caller.username, settings=request.app.state.settings)
    return json_response(
        {
            "stored": [r.key for r in report.results if r.outcome == "stored"],
            "unchanged": [r.key for r in report.results if r.outcome == "unchanged"],
            "failed": [{"file": r.path, "reason": r.reason} for r in report.results if r.reason],
        },
        status_code=201,
    )


@router.get("/incidents", response_model=Page[IncidentSummary], responses=ERRORS, tags=["incidents"])
async def list_incidents(
    db: Db,
    caller: Reader,
    review_state: Annotated[list[str] | None, Query(description=f"One of {', '.join(REVIEW_STATES)}")] = None,
    status: Annotated[list[str] | None, Query(description=f"One of {', '.join(STATUSES)}")] = None,
    event_type: Annotated[str | None, Query(description=f"One of {', '.join(EVENT_TYPES)}")] = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    place: Annotated[Text | None, Query(max_length=200)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """Linked incidents with their sources and claims, filtered.

    Runs on the event loop: every filter is answered from an index in list
    order (migrations 0004 and 0006), so a page costs a few milliseconds.
    """
    one_of("review_state", review_state or [], REVIEW_STATES)
    one_of("status", status or [], STATUSES)
    one_of("event_type", [event_type] if event_type else [], EVENT_TYPES)
    filters = IncidentFilter(
        review_states=review_state or (),
        statuses=status or (),
        event_type=event_type,
        date_from=date_from,
        date_to=date_to,
        place=place,
        visible_groups=caller.visible_groups(),
    )
    return _page(browse.incident_page(db, filters, limit=limit, offset=offset))


@router.get("/incidents/{incident_id}", tags=["incidents"], response_model=IncidentOut, responses=ERRORS)
async def get_incident(db: Db, caller: Reader, incident_id: IncidentId) -> Response:
    """One incident: reconciled fields, each source's claims, evidence quotes."""
    # Run on the event loop: a few lookups by key cost less than handing the call to a worker thread.
    return json_response(browse.incident_detail(db, incident_id, visible_groups=caller.visible_groups()))


@router.get(
    "/incidents/{incident_id}/history",
    tags=["incidents"],
    response_model=list[HistoryEntryOut],
    responses=ERRORS,
)
def get_incident_history(db: Db, caller: Reader, incident_id: IncidentId) -> Response:
    """Every recorded change: who, when, what, before and after."""
    browse.require_visible(db, incident_id, caller.visible_groups())
    return json_response(
        [entry.to_dict() for entry in review.history(db, incident_id, visible_groups=caller.visible_groups())]
    )


@router.post(
    "/incidents/{incident_id}/confirm", tags=["review"], response_model=IncidentOut, responses=WRITE_ERRORS
)
def confirm_incident(
    request: Request, db: Db, caller: Writer, incident_id: IncidentId, body: ReasonIn | None = None
) -> Response:
    """Mark the incident as checked by a person."""
    return _set_state(request, db, caller, incident_id, "confirmed", body)


@router.post(
    "/incidents/{incident_id}/reject", tags=["review"], response_model=IncidentOut, responses=WRITE_ERRORS
)
def reject_incident(
    request: Request, db: Db, caller: Writer, incident_id: IncidentId, body: ReasonIn | None = None
) -> Response:
    """Mark the incident as not a real incident (kept, never counted); the body must give a reason."""
    return _set_state(request, db, caller, incident_id, "rejected", body)


def _set_state(
    request: Request, db: Database, caller: Principal, incident_id: int, state: str, body: ReasonIn | None
) -> Response:
    browse.require_visible(db, incident_id, caller.visible_groups())
    review.set_state(
        db,
        incident_id,
        state,
        actor=caller.username,
        reason=body.reason if body else None,
        origin=client_address(request),
    )
    return json_response(browse.incident_detail(db, incident_id, visible_groups=caller.visible_groups()))


@router.post(
    "/incidents/{incident_id}/edit", tags=["review"], response_model=IncidentOut, responses=WRITE_ERRORS
)
def edit_incident(
    request: Request, db: Db, caller: Writer, incident_id: IncidentId, body: EditIn
) -> Response:
    """Correct one field, with a reason."""
    browse.require_visible(db, incident_id, caller.visible_groups())
    review.edit_field(
        db,
        incident_id,
        body.field,
        body.value,
        actor=caller.username,
        reason=body.reason,
        origin=client_address(request),
    )
    return json_response(browse.incident_detail(db, incident_id, visible_groups=caller.visible_groups()))


@router.post(
    "/incidents/{incident_id}/merge", tags=["review"], response_model=IncidentOut, responses=WRITE_ERRORS
)
def merge_incidents(
    request: Request, db: Db, caller: Writer, incident_id: IncidentId, body: MergeIn
) -> Response:
    """Fold another incident (the same event) into this one."""
    browse.require_visible(db, incident_id, caller.visible_groups())
    browse.require_visible(db, body.other, caller.visible_groups())
    review.merge(
        db,
        incident_id,
        body.other,
        actor=caller.username,
        reason=body.reason,
        origin=client_address(request),
    )
    return json_response(browse.incident_detail(db, incident_id, visible_groups=caller.visible_groups()))


@router.post(
    "/incidents/{incident_id}/split",
    status_code=201,
    tags=["review"],
    response_model=IncidentOut,
    responses=WRITE_ERRORS,
)
def split_incident(
    request: Request, db: Db, caller: Writer, incident_id: IncidentId, body: SplitIn
) -> Response:
    """Move sources into a new incident; answers with the new incident."""
    browse.require_visible(db, incident_id, caller.visible_groups())
    new_id = review.split(
        db,
        incident_id,
        body.sources,
        actor=caller.username,
        reason=body.reason,
        origin=client_address(request),
    )
    return json_response(browse.incident_detail(db, new_id, visible_groups=caller.visible_groups()), 201)


@router.post("/incidents/{incident_id}/undo", tags=["review"], response_model=UndoOut, responses=WRITE_ERRORS)
def undo_review(request: Request, db: Db, caller: Writer, incident_id: IncidentId) -> Response:
    """Reverse the incident's last review action."""
    browse.require_visible(db, incident_id, caller.visible_groups())
    what = review.undo(db, incident_id, actor=caller.username, origin=client_address(request))
    return json_response(
        {
            "undone": what,
            "incident": browse.incident_detail(db, incident_id, visible_groups=caller.visible_groups()),
        }
    )


@router.get(
    "/public/incidents", response_model=Page[PublicIncident], responses={422: ERRORS[422]}, tags=["public"]
)
def list_public_incidents(db: Db, limit: Limit = 50, offset: Offset = 0) -> Response:
    """No token needed: confirmed, unrestricted incidents in their redacted public form only.

    Whitelisted fields, no quotes or names, small counts as "fewer than k", dates
    to the month (see ``report.redaction``); ``total`` counts what is published.
    """
    page = browse.incident_page(db, PUBLIC_FILTER, limit=limit, offset=offset)
    return json_response(
        {
            "items": redact(page.items),
            "total": page.total,
            "limit": limit,
            "offset": offset,
            "total_exact": True,
        }
    )


@router.get("/tallies", tags=["tallies"], response_model=TalliesOut, responses=ERRORS)
def list_tallies(
    db: Db,
    caller: Reader,
    kind: Annotated[list[str] | None, Query(description=f"One of {', '.join(TALLY_KINDS)}")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """Running totals, estimates and head-counts the reports the caller may see state (not incidents)."""
    one_of("kind", kind or [], TALLY_KINDS)
    items = tally_service.list_tallies(
        db, kinds=kind or (), visible_groups=caller.visible_groups(), limit=limit, offset=offset
    )
    return json_response({"items": items, "limit": limit, "offset": offset})


@router.get("/stats", tags=["stats"], response_model=StatsOut, responses=ERRORS)
def get_stats(db: Db, caller: Reader) -> Response:
    """Dashboard figures over the incidents the caller may see: per month, review states, the queue's size."""
    return json_response(browse.summary(db, visible_groups=caller.visible_groups()))


PUBLIC_FILTER = IncidentFilter(review_states=("confirmed",), unrestricted_only=True)


def original_response(db: Database, ref: str, caller: Principal) -> Response:
    """A document's original bytes as a download, with its SHA-256 in a header (API and pages)."""
    summary, data = original_bytes(db, ref, visible_groups=caller.visible_groups())
    name = summary.filename.encode("ascii", "replace").decode().replace('"', "")
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "X-SHA256": summary.sha256},
    )


def one_of(name: str, values: list[str], allowed: tuple[str, ...]) -> None:
    """Refuse filter values outside the vocabulary, naming the parameter (API and pages)."""
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise InvalidInput(f"{name}: {', '.join(unknown)} is not one of {', '.join(allowed)}")
