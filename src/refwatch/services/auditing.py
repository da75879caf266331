"""Checking the audit log's hash chain."""

from __future__ import annotations

from refwatch.storage import audit
from refwatch.storage.database import Database


def verify_audit(db: Database) -> list[audit.ChainProblem]:
    """Every entry that does not follow from the one before it (empty when the log is intact)."""
    with db.session() as session:
        return audit.verify_chain(session)


def audit_head(db: Database) -> str | None:
    """The newest entry's hash: keep a copy elsewhere to detect a truncated log."""
    with db.session() as session:
        return audit.chain_head(session)


def audit_holds(db: Database, head: str) -> bool:
    """Whether the log still holds the entry whose hash is ``head`` (one kept elsewhere earlier).

    A false answer means entries were removed from the end: the chain alone cannot show that.
    """
    with db.session() as session:
        return audit.holds_hash(session, head)
