"""Looking accounts up by name (the one query the account services share)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from refwatch.storage.tables import User


def find(session: Session, username: str, *, active_only: bool = False) -> User | None:
    """The account called ``username`` (only if still active, with ``active_only``), or None."""
    statement = select(User).where(User.username == username)
    if active_only:
        statement = statement.where(User.is_active.is_(True))
    return session.scalar(statement)
