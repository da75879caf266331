"""The review queue: the next candidate, its actions first, what each source claims, what was just done."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from refwatch.services import browse, review
from refwatch.services.browse import IncidentFilter
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


def source_claims(record: dict[str, Any]) -> dict[str, dict[int, Any]]:
    """Field -> source -> what that source claims, one column per source (not per document).

    Two sources can come from one document (a report telling of two arrests, merged later):
    keyed by document, one column showed twice and the other's figure was lost (#19).
    """
    claims: dict[str, dict[int, Any]] = {}
    for claim in record["claims"]:
        claims.setdefault(claim["field"], {})[claim["source_id"]] = claim["value"]
    return claims


def differing_fields(record: dict[str, Any]) -> set[str]:
    """Fields on which two sources' claims differ (a source silent on a field does not count).

    Linking reconciles some of them (3 and 6 people become the range 3–6) and lists
    only the rest in ``disagreements``; the reviewer sees every one marked.
    """
    found: set[str] = set(record.get("disagreements") or ())
    for field, values in source_claims(record).items():
        said = {
            json.dumps(v, sort_keys=True, default=str) for v in values.values() if v not in (None, [], {})
        }
        if len(said) > 1:
            found.add(field)
    return found
