"""Entry by hand in the API: an incident from spans of a stored document, as the page's form makes it.

Other programs (an annotation tool, a partner's import) send each field with the
span of the document's stored text it was read from; ``services.entry`` checks
every span (``text[start:end] == quote``) and value before anything is stored,
exactly as for the page, and answers a refusal with the error envelope naming
the field (``field-1`` is the first item of ``fields``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from refwatch.domain.documents import MAX_ID
from refwatch.services import browse, entry
from refwatch.services.documents import show_document
from refwatch.web.api import json_response
from refwatch.web.auth import client_address
from refwatch.web.deps import Db, Writer
from refwatch.web.models import WRITE_ERRORS, IncidentOut
from refwatch.web.params import DocumentRef

api_router = APIRouter(prefix="/api/v1", tags=["review"])

Short = Annotated[str, Field(max_length=200)]


class FieldIn(BaseModel):
    """One field of the incident and the span of the stored text it was read from (code points)."""

    field: Literal["event_types", "status", "date", "victims", "location", "perpetrator"]
    value: dict[str, Short] = Field(
        max_length=8,
        description=(
            "event_types: {event_types: 'arrest,detention'}; status: {status}; "
            "date: {start, end, precision}; victims: {count, qualifier, count_min, count_max}; "
            "location: {place (gazetteer id or name), role}; perpetrator: {state, agency}."
        ),
    )
    start: int = Field(ge=0, le=MAX_ID)
    end: int = Field(ge=0, le=MAX_ID)
    quote: str = Field(min_length=1, max_length=entry.MAX_QUOTE)


class HandIncidentIn(BaseModel):
    """The fields of an incident entered by hand; event types are required."""

    fields: list[FieldIn] = Field(min_length=1, max_length=20)


@api_router.post(
    "/documents/{ref}/incidents", status_code=201, response_model=IncidentOut, responses=WRITE_ERRORS
)
def create_hand_incident(
    request: Request, db: Db, caller: Writer, ref: DocumentRef, body: HandIncidentIn
) -> Response:
    """Create a candidate incident from spans of this document (entered by hand; audited)."""
    groups = caller.visible_groups()
    document_id = show_document(db, ref, visible_groups=groups).summary.id
    assignments = [
        entry.Assignment(f"field-{n}", f.field, dict(f.value), entry.Span(f.start, f.end, f.quote))
        for n, f in enumerate(body.fields, start=1)
    ]
    incident_id = entry.create_from_document(
        db,
        document_id,
        assignments,
        actor=caller.username,
        origin=client_address(request),
        visible_groups=groups,
        settings=request.app.state.settings,
    )
    return json_response(browse.incident_detail(db, incident_id, visible_groups=groups), status_code=201)
