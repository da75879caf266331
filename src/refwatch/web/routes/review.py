"""The review queue: the next candidate, its actions first, what each source claims, what was just done."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from refwatch.services import browse, review
from refwatch.services.browse import IncidentFilter
from refwatch.web.claims import differing_fields, source_claims
from refwatch.web.deps import Db, User
from refwatch.web.editing import edit_context
from refwatch.web.rendering import PAGE, render
from refwatch.web.uploads import SealedFormRoute

router = APIRouter(include_in_schema=False, route_class=SealedFormRoute)  # forms parsed as everywhere


@router.get("/review", response_class=HTMLResponse)
def review_queue(request: Request, db: Db, caller: User) -> HTMLResponse:
    """The next candidate to review, with its evidence, the queue's length, and what was just done."""
    groups = caller.visible_groups()
    queue = review.review_queue(db, limit=PAGE, visible_groups=groups)
    waiting = browse.incident_page(
        db, IncidentFilter(review_states=("candidate",), visible_groups=groups), limit=1
    )
    first = queue[0] if queue else None
    return render(
        request,
        "review.html",
        caller,
        queue=queue,
        incident=first,
        waiting=waiting.total,
        hand={},
        edit=edit_context(first) if first else None,
        claims=source_claims(first) if first else {},
        differing=differing_fields(first) if first else set(),
        done=request.session.pop("review_done", None),
    )
