"""Interventions: log what was asked of whom about an incident, follow it up, record what came of it.

Campaigners write to UN mechanisms, embassies and ministries and must know
which letters are waiting for an answer. Every change is audited (who, when,
which fields, never the texts); an intervention is seen by whoever may see its
incident (restricted incidents keep their interventions to their groups).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from refwatch.domain.interventions import InterventionRecord
from refwatch.domain.text import has_control_characters
from refwatch.domain.vocabulary import INTERVENTION_KINDS, INTERVENTION_STATUSES
from refwatch.errors import InvalidInput
from refwatch.services.browse import require_visible
from refwatch.storage import audit, visibility
from refwatch.storage import interventions as repo
from refwatch.storage.database import Database

#: Longest accepted value of each text field (characters).
LIMITS = {
    "addressee": 300,
    "author": 300,
    "channel": 100,
    "reference": 200,
    "response": 5000,
    "outcome": 5000,
}
#: What a change may touch after the intervention is recorded.
CHANGEABLE = ("status", "sent_on", "follow_up_on", "reference", "response", "outcome", "channel")


def add_intervention(
    db: Database,
    incident_id: int,
    *,
    kind: str,
    addressee: str,
    actor: str,
    visible_groups: visibility.Groups,
    origin: str | None = None,
    **optional: Any,
) -> InterventionRecord:
    """Record an intervention on an incident the actor may see; returns it.

    ``optional`` may hold ``author``, ``channel``, ``reference``, ``sent_on``,
    ``follow_up_on`` and ``status`` (default: ``sent`` when a date sent is
    given, else ``draft``).
    """
    unknown = set(optional) - {"author", "channel", "reference", "sent_on", "follow_up_on", "status"}
    if unknown:
        raise InvalidInput(f"unknown intervention field(s): {', '.join(sorted(unknown))}")
    values = _checked({"kind": kind, "addressee": addressee, **optional})
    values.setdefault("status", "sent" if values.get("sent_on") else "draft")
    require_visible(db, incident_id, visible_groups)
    with db.transaction() as session:
        row = repo.add(session, incident_id, created_by=actor, values=values)
        audit.record(
            session,
            actor=actor,
            action="intervention.add",
            entity="intervention",
            entity_id=row.id,
            detail={
                "incident": incident_id,
                "kind": row.kind,
                "status": row.status,
                "fields": sorted(values),
            },
            origin=origin,
        )
        return repo.to_record(row)


def update_intervention(
    db: Database,
    intervention_id: int,
    *,
    actor: str,
    visible_groups: visibility.Groups,
    origin: str | None = None,
    **changes: Any,
) -> InterventionRecord:
    """Change what may change after sending (status, dates, reference, response, outcome, channel)."""
    wrong = set(changes) - set(CHANGEABLE)
    if wrong:
        raise InvalidInput(f"cannot change {', '.join(sorted(wrong))}; changeable: {', '.join(CHANGEABLE)}")
    values = _checked(changes)
    if not values:
        raise InvalidInput("nothing to change: give at least one of " + ", ".join(CHANGEABLE))
    with db.transaction() as session:
        row = repo.get(session, intervention_id, visible_groups)
        before = {k: _plain(getattr(row, k)) for k in values if k in ("status", "sent_on", "follow_up_on")}
        for key, value in values.items():
            setattr(row, key, value)
        audit.record(
            session,
            actor=actor,
            action="intervention.update",
            entity="intervention",
            entity_id=row.id,
            detail={
                "incident": row.incident_id,
                "fields": sorted(values),
                "before": before,
                "after": {k: _plain(values[k]) for k in before},
            },
            origin=origin,
        )
        return repo.to_record(row)


def incident_interventions(
    db: Database, incident_id: int, *, visible_groups: visibility.Groups
) -> list[InterventionRecord]:
    """The interventions on one incident, oldest first (the incident page's timeline)."""
    require_visible(db, incident_id, visible_groups)
    with db.session() as session:
        return repo.of_incident(session, incident_id)


def list_interventions(
    db: Database, *, visible_groups: visibility.Groups, overdue_on: dt.date | None = None
) -> list[InterventionRecord]:
    """Recent interventions, or (with ``overdue_on``) those whose follow-up date has passed unanswered."""
    with db.session() as session:
        return repo.listed(session, visible_groups, due_before=overdue_on)


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    """Validated, stored form of the given fields (``response`` is stored as ``answer``)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        required = key in ("kind", "addressee")
        if not required and (value is None or (isinstance(value, str) and not value.strip())):
            continue
        if key == "kind":
            if value not in INTERVENTION_KINDS:
                raise InvalidInput(f"kind must be one of {', '.join(INTERVENTION_KINDS)}, not {value!r}")
            out[key] = value
        elif key == "status":
            if value not in INTERVENTION_STATUSES:
                raise InvalidInput(f"status must be one of {', '.join(INTERVENTION_STATUSES)}, not {value!r}")
            out[key] = value
        elif key in ("sent_on", "follow_up_on"):
            out[key] = _date(key, value)
        else:
            text = str(value).strip()
            if not 1 <= len(text) <= LIMITS[key]:
                raise InvalidInput(f"{key} must be 1 to {LIMITS[key]} characters")
            if has_control_characters(text):
                raise InvalidInput(f"{key} contains a control character (such as NUL); remove it")
            out["answer" if key == "response" else key] = text
    return out


def _date(name: str, value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(f"{name} must be a date as YYYY-MM-DD, not {value!r}") from None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
