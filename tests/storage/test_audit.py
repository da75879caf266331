"""The hash-chained audit log detects edits, deletions and reordering."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import delete, func, select, update

from refwatch.storage import audit
from refwatch.storage.database import Database
from refwatch.storage.tables import AuditEvent


def _three(db: Database) -> None:
    with db.transaction() as session:
        for n in range(3):
            audit.record(session, actor="tester", action="test.write", entity="thing", entity_id=n)


def test_clean_chain_verifies(db: Database) -> None:
    _three(db)
    with db.session() as session:
        assert audit.verify_chain(session) == []
        assert audit.chain_head(session) is not None


def test_edited_entry_is_named(db: Database) -> None:
    _three(db)
    with db.transaction() as session:
        session.execute(update(AuditEvent).where(AuditEvent.id == 2).values(actor="someone else"))
    with db.session() as session:
        problems = audit.verify_chain(session)
    assert [p.event_id for p in problems] == [2]
    assert "edited" in problems[0].reason


def test_deleted_entry_is_detected(db: Database) -> None:
    _three(db)
    with db.transaction() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.id == 2))
    with db.session() as session:
        problems = audit.verify_chain(session)
    assert [p.event_id for p in problems] == [3]
    assert "deleted or reordered" in problems[0].reason


def test_concurrent_writers_never_fork_the_chain(db: Database) -> None:
    """Writers in several threads (each its own connection, as in the web server) keep one chain."""
    writers, each = 6, 15
    barrier = threading.Barrier(writers)

    def write(n: int) -> None:
        barrier.wait()
        for i in range(each):
            with db.transaction() as session:
                audit.record(session, actor=f"writer-{n}", action="test.write", entity="thing", entity_id=i)

    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(write, range(writers)))
    with db.session() as session:
        assert audit.verify_chain(session) == []
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == writers * each


def test_entries_appended_together_chain_like_one_by_one(db: Database) -> None:
    """``record_many`` (ingest's batches) chains its entries onto the log and each onto the one before."""
    _three(db)
    with db.transaction() as session:
        written = audit.record_many(
            session,
            [audit.Entry(actor="tester", action="test.batch", entity="thing", entity_id=n) for n in range(4)],
        )
        audit.record(session, actor="tester", action="test.write", entity="thing", entity_id=9)
    with db.session() as session:
        assert audit.verify_chain(session) == []
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [e.entity_id for e in events] == ["0", "1", "2", "0", "1", "2", "3", "9"]
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert [e.id for e in written] == [e.id for e in events[3:7]]
