"""How much is stored, counted in SQL (``refwatch status``): nothing is read but the counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from refwatch.storage.tables import AuditEvent, Document, Incident, Person


@dataclass(frozen=True, slots=True)
class Counts:
    """Rows of each kind a status report names."""

    documents: int
    incidents_by_review_state: dict[str, int]
    persons: int
    audit_events: int


def stored(session: Session) -> Counts:
    """Documents, incidents per review state, persons and audit entries."""
    by_state = session.execute(select(Incident.review_state, func.count()).group_by(Incident.review_state))
    return Counts(
        documents=int(session.scalar(select(func.count()).select_from(Document)) or 0),
        incidents_by_review_state={str(state): int(n) for state, n in by_state},
        persons=int(session.scalar(select(func.count()).select_from(Person)) or 0),
        audit_events=int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0),
    )
