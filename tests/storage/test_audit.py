"""The hash-chained audit log detects edits, deletions and reordering."""

from __future__ import annotations

from sqlalchemy import delete, update

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
