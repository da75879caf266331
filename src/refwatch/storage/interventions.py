"""Intervention repository: SQL in, :class:`InterventionRecord` out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from refwatch.domain.interventions import InterventionRecord
from refwatch.errors import NotFound
from refwatch.storage import visibility
from refwatch.storage.tables import Incident, Intervention

#: Fields a caller may set (the rest are kept by the repository: ids, who and when).
FIELDS = (
    "kind",
    "status",
    "addressee",
    "author",
    "channel",
    "reference",
    "sent_on",
    "follow_up_on",
    "answer",
    "outcome",
)


def to_record(row: Intervention) -> InterventionRecord:
    """The domain form of a stored intervention."""
    return InterventionRecord(
        id=row.id,
        incident_id=row.incident_id,
        kind=row.kind,
        status=row.status,
        addressee=row.addressee,
        author=row.author,
        channel=row.channel,
        reference=row.reference,
        sent_on=row.sent_on,
        follow_up_on=row.follow_up_on,
        response=row.answer,
        outcome=row.outcome,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def add(session: Session, incident_id: int, *, created_by: str, values: dict[str, Any]) -> Intervention:
    """Store a new intervention on an incident (the caller checked the incident and the values)."""
    row = Intervention(incident_id=incident_id, created_by=created_by, **values)
    session.add(row)
    session.flush()
    return row


def get(session: Session, intervention_id: int, visible: visibility.Groups) -> Intervention:
    """One intervention whose incident a reader in ``visible`` may see, or :class:`NotFound`."""
    row = session.scalar(
        select(Intervention)
        .join(Incident, Incident.id == Intervention.incident_id)
        .where(Intervention.id == intervention_id, visibility.incident_clause(visible))
    )
    if row is None:
        raise NotFound(f"no intervention {intervention_id}; `refwatch interventions list` shows them")
    return row


def of_incident(session: Session, incident_id: int) -> list[InterventionRecord]:
    """An incident's interventions in time order (sent, else recorded)."""
    rows = session.scalars(select(Intervention).where(Intervention.incident_id == incident_id))
    return sorted(
        (to_record(r) for r in rows),
        key=lambda r: (r.sent_on or (r.created_at.date() if r.created_at else dt.date.max), r.id),
    )


def listed(
    session: Session, visible: visibility.Groups, *, due_before: dt.date | None = None, limit: int = 500
) -> list[InterventionRecord]:
    """Interventions on incidents the reader may see; with ``due_before``, only open ones due by then."""
    query = (
        select(Intervention)
        .join(Incident, Incident.id == Intervention.incident_id)
        .where(visibility.incident_clause(visible))
    )
    if due_before is not None:
        query = query.where(
            Intervention.status.in_(("draft", "sent")), Intervention.follow_up_on < due_before
        ).order_by(Intervention.follow_up_on, Intervention.id)
    else:
        query = query.order_by(Intervention.id.desc())
    return [to_record(r) for r in session.scalars(query.limit(limit))]


def seal_plain_texts(session: Session, *, limit: int) -> int:
    """Seal the answers and outcomes of up to ``limit`` interventions stored in plaintext (before
    migration 0022); how many. ``refwatch keys rotate`` calls it until none is left."""
    query = (
        select(Intervention)
        .where(or_(Intervention._plain_answer.is_not(None), Intervention._plain_outcome.is_not(None)))
        .order_by(Intervention.id)
        .limit(limit)
    )
    rows = list(session.scalars(query))
    for row in rows:
        row.answer, row.outcome = row.answer, row.outcome  # read from plaintext, written sealed
    return len(rows)
