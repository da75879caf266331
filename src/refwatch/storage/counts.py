"""How much is stored, counted in SQL (``refwatch status``, list totals): nothing is read but the counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal, select
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


def rows_selected(session: Session, stmt: Select[Any], *, cap: int | None = None) -> int:
    """How many rows ``stmt`` selects, or at most ``cap + 1`` (enough to tell "more than ``cap``").

    Counted over a constant in place of its columns and without its order, so
    that the database reads no more of each row than its filters need.
    """
    rows = stmt.with_only_columns(literal(1), maintain_column_froms=True).order_by(None)
    if cap is not None:
        rows = rows.limit(cap + 1)
    return int(session.scalar(select(func.count()).select_from(rows.subquery())) or 0)
