"""Confirming or rejecting several incidents at once, from the incident list (#19: bulk review).

Each incident gets its own audit entry, exactly as if reviewed alone (same
action, actor, origin and reason), so history, undo and figures need no
special case. Everything is checked before anything changes: every incident
must exist, be visible to the reviewer and not be merged away, and a
rejection needs a reason; otherwise nothing is changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from refwatch.errors import Conflict, InvalidInput
from refwatch.services import browse, review
from refwatch.storage.database import Database
from refwatch.storage.visibility import Groups

#: The most incidents one bulk action may change (a page of the list holds 25).
MAX_BULK = 100


def set_states(
    db: Database,
    incident_ids: Sequence[int],
    state: str,
    *,
    actor: str,
    reason: str | None = None,
    origin: str | None = None,
    visible_groups: Groups,
) -> list[int]:
    """Confirm or reject every incident in ``incident_ids``; returns their audit entries' ids, in order.

    Raises:
        InvalidInput: no incident, too many, an unknown state, or a rejection without a reason.
        NotFound: an incident does not exist or is hidden from the reviewer (nothing is changed).
        Conflict: an incident was merged into another (nothing is changed).
    """
    ids = list(dict.fromkeys(incident_ids))
    if not ids:
        raise InvalidInput("choose at least one incident")
    if len(ids) > MAX_BULK:
        raise InvalidInput(f"at most {MAX_BULK} incidents at once")
    if state not in ("confirmed", "rejected"):
        raise InvalidInput(f"review state must be confirmed or rejected, not {state!r}")
    if state == "rejected" and not (reason or "").strip():
        raise InvalidInput("a rejection needs a reason")
    for incident_id in ids:
        record = browse.incident_detail(db, incident_id, visible_groups=visible_groups)
        if record["review_state"] == "merged":
            raise Conflict(f"incident {incident_id} was merged into another; review that one")
    return [
        review.set_state(db, incident_id, state, actor=actor, reason=reason, origin=origin)
        for incident_id in ids
    ]
