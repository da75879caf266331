"""The audit log: append-only, each entry hashed together with the one before it.

Editing, deleting or reordering a row breaks the chain at that row, which
:func:`verify_chain` reports. Entries carry ids and field names, never names of
people or narrative text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect, func, select, text
from sqlalchemy.orm import Session

from refwatch.storage.tables import AuditEvent, utcnow

#: Key of the PostgreSQL advisory lock that queues writers of the chain (any fixed number).
_CHAIN_LOCK = 0x7265667761746368


def _utc_text(at: dt.datetime) -> str:
    """One spelling of a timestamp on every backend (SQLite hands back naive UTC values)."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _digest(prev_hash: str | None, event: AuditEvent) -> str:
    body = json.dumps(
        {
            "prev": prev_hash,
            "id": event.id,
            "at": _utc_text(event.at),
            "actor": event.actor,
            "action": event.action,
            "entity": event.entity,
            "entity_id": event.entity_id,
            "detail": event.detail,
            "origin": event.origin,
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int | None,
    detail: dict[str, Any] | None = None,
    origin: str | None = None,
) -> AuditEvent:
    """Append one entry in the caller's transaction (it commits or rolls back with the change).

    Two writers must never both chain onto the same entry (the log would fork
    and ``verify`` would blame an innocent entry), so the new row is written
    *before* the previous entry is read: on SQLite that insert takes the
    database's single write lock, which the transaction then holds to its end;
    on PostgreSQL a transaction-scoped advisory lock queues the writers.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    event = AuditEvent(
        at=utcnow().replace(microsecond=0),
        actor=actor,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        detail=detail or {},
        origin=origin,
    )
    session.add(event)
    session.flush()  # assigns the id, which is part of the hash, and takes the lock on SQLite
    event.prev_hash = session.scalar(  # only the hash: loading the whole entry cost a third of this call
        select(AuditEvent.hash).where(AuditEvent.id < event.id).order_by(AuditEvent.id.desc()).limit(1)
    )
    event.hash = _digest(event.prev_hash, event)
    session.flush()
    return event


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry for :func:`record_many`: what :func:`record` takes, as data."""

    actor: str
    action: str
    entity: str
    entity_id: str | int | None
    detail: dict[str, Any] | None = None
    origin: str | None = None


def record_many(session: Session, entries: list[Entry]) -> list[AuditEvent]:
    """Append several entries in the caller's transaction, chained in order, as :func:`record` would.

    All rows are written in one flush (which takes SQLite's write lock, as :func:`record`'s insert
    does; PostgreSQL's advisory lock first), then the hash before the first is read once and each
    hash follows from the one before: two flushes and one read for the lot, not for each entry.
    """
    if not entries:
        return []
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    at = utcnow().replace(microsecond=0)
    events = [
        AuditEvent(
            at=at,
            actor=e.actor,
            action=e.action,
            entity=e.entity,
            entity_id=None if e.entity_id is None else str(e.entity_id),
            detail=e.detail or {},
            origin=e.origin,
        )
        for e in entries
    ]
    session.add_all(events)
    session.flush()
    events.sort(key=lambda event: event.id)
    prev = session.scalar(
        select(AuditEvent.hash).where(AuditEvent.id < events[0].id).order_by(AuditEvent.id.desc()).limit(1)
    )
    for event in events:
        event.prev_hash = prev
        event.hash = prev = _digest(prev, event)
    session.flush()
    return events


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """Where the chain breaks and why."""

    event_id: int
    reason: str


def verify_chain(session: Session) -> list[ChainProblem]:
    """Recompute every hash; list each entry that does not follow from the one before."""
    problems: list[ChainProblem] = []
    prev_hash: str | None = None
    prev_id = 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        if event.prev_hash != prev_hash:
            problems.append(ChainProblem(event.id, f"does not follow entry {prev_id} (deleted or reordered)"))
        elif _digest(event.prev_hash, event) != event.hash:
            problems.append(ChainProblem(event.id, "content does not match its hash (edited)"))
        prev_hash = event.hash
        prev_id = event.id
    return problems


def chain_head(session: Session) -> str | None:
    """The newest hash: keep it elsewhere to detect truncation of the log."""
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    return last.hash if last else None


def holds_hash(session: Session, entry_hash: str) -> bool:
    """Whether some entry carries ``entry_hash``: a head kept elsewhere must still be in the log."""
    return session.scalar(select(AuditEvent.id).where(AuditEvent.hash == entry_hash)) is not None


def incident_events(session: Session, incident_id: int) -> list[AuditEvent]:
    """Every entry about one incident, oldest first (its history)."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == "incident", AuditEvent.entity_id == str(incident_id))
            .order_by(AuditEvent.id)
        )
    )


def last_undoable(session: Session, incident_id: int, actions: tuple[str, ...]) -> AuditEvent | None:
    """The incident's latest entry among ``actions`` that no ``incident.undo`` entry has reversed yet."""
    undone = {
        int(e.detail.get("undoes", 0))
        for e in session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "incident.undo", AuditEvent.entity_id == str(incident_id)
            )
        )
    }
    found: AuditEvent | None = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "incident", AuditEvent.entity_id == str(incident_id))
        .where(AuditEvent.action.in_(actions), AuditEvent.id.not_in(undone or {0}))
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    return found


def newest_id(dbapi_connection: Any, dialect: Dialect) -> int:
    """The newest entry's id (0 for an empty log), asked straight on a DBAPI connection's cursor.

    The version stamp of every cached read (``services.caching``): it is asked
    on every request, and SQLAlchemy's statement and result handling cost
    about four times the query, so the statement is compiled once per dialect
    and run on the cursor, in whatever transaction the connection has open.
    """
    sql = _NEWEST_SQL.get(dialect.name)
    if sql is None:
        sql = _NEWEST_SQL.setdefault(dialect.name, str(_NEWEST_ID.compile(dialect=dialect)))
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(sql)
        row = cursor.fetchone()
    finally:
        cursor.close()
    return int(row[0] or 0) if row else 0


_NEWEST_ID = select(func.max(AuditEvent.__table__.c.id))
_NEWEST_SQL: dict[str, str] = {}  # the statement's SQL per dialect (it has no parameters)
