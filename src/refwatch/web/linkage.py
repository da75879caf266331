"""The clerical review queue of person linkage as pages: editors and admins only, reads audited.

The queue lists pairs by list and record id (no names); a pair's page shows both
records, names included, and goes through ``services.person_linkage.show_pair``,
which writes the read to the audit log before anything is answered. A decision
is a CSRF-checked form; later runs of ``refwatch persons link`` follow it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from refwatch.domain.documents import MAX_ID
from refwatch.errors import InvalidInput
from refwatch.services import person_linkage
from refwatch.web.auth import client_address
from refwatch.web.deps import Db
from refwatch.web.persons import PersonPageReader
from refwatch.web.rendering import back, render
from refwatch.web.sessions import check_csrf

page_router = APIRouter(prefix="/linkage", include_in_schema=False)
ReviewId = Annotated[int, PathParam(ge=1, le=MAX_ID, description="Review pair number.")]
STATUSES = ("open", "confirmed", "split", "all")


@page_router.get("/review", response_class=HTMLResponse)
def review_queue(
    request: Request,
    db: Db,
    caller: PersonPageReader,
    status: Annotated[str, Query(max_length=10)] = "open",
) -> HTMLResponse:
    """Pairs waiting for a decision (or decided ones): lists, record ids, probabilities; no names."""
    if status not in STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(STATUSES)}")
    pairs = person_linkage.review_queue(
        db, status=None if status == "all" else status, visible_groups=caller.visible_groups()
    )
    return render(request, "linkage_review.html", caller, pairs=pairs, status=status, statuses=STATUSES)


@page_router.get("/review/{review_id}", response_class=HTMLResponse)
def review_pair(request: Request, db: Db, caller: PersonPageReader, review_id: ReviewId) -> HTMLResponse:
    """Both records of a pair, names included (the read is audited before the page is made)."""
    pair = person_linkage.show_pair(
        db,
        review_id,
        actor=caller.username,
        origin=client_address(request),
        visible_groups=caller.visible_groups(),
    )
    return render(request, "linkage_pair.html", caller, pair=pair)


@page_router.post("/review/{review_id}")
def decide(
    request: Request,
    db: Db,
    caller: PersonPageReader,
    review_id: ReviewId,
    decision: Annotated[str, Form(max_length=10)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Confirm (one person) or split (two persons), then back to the queue."""
    check_csrf(request, csrf)
    if decision not in ("confirmed", "split"):
        raise InvalidInput("decision must be confirmed or split")
    person_linkage.decide(
        db,
        review_id,
        "confirmed" if decision == "confirmed" else "split",
        actor=caller.username,
        origin=client_address(request),
        visible_groups=caller.visible_groups(),
    )
    return back("/linkage/review")
