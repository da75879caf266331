"""The incident list's bulk confirm and reject (#19), for editors and admins.

One form on the list posts the ticked incidents; ``services.bulk_review``
checks them all (visibility, merged, reason) before changing any, and audits
each as a review of its own.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from refwatch.services import bulk_review
from refwatch.web.auth import client_address
from refwatch.web.deps import Db, Editor
from refwatch.web.rendering import back
from refwatch.web.sessions import check_csrf, safe_next
from refwatch.web.uploads import SealedFormRoute

router = APIRouter(include_in_schema=False, route_class=SealedFormRoute)


@router.post("/incidents/bulk")
def bulk_review_incidents(
    request: Request,
    db: Db,
    caller: Editor,
    ids: Annotated[list[int], Form(max_length=bulk_review.MAX_BULK)],
    action: Annotated[str, Form(max_length=10)],
    csrf: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    next: Annotated[str, Form()] = "/incidents",  # noqa: A002
) -> Response:
    """Confirm or reject the ticked incidents, then back to the list saying how many."""
    check_csrf(request, csrf)
    state = {"confirm": "confirmed", "reject": "rejected"}.get(action, action)
    events = bulk_review.set_states(
        db,
        ids,
        state,
        actor=caller.username,
        reason=reason or None,
        origin=client_address(request),
        visible_groups=caller.visible_groups(),
    )
    request.session["bulk_done"] = {"count": len(events), "label": state}
    return back(safe_next(next))
