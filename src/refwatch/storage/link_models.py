"""The linking models relinks used, kept once per digest (table ``link_models``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from refwatch.storage.tables import LinkModelRecord


def remember_model(
    session: Session, *, digest: str, name: str, settings: dict[str, Any], companion: dict[str, Any]
) -> bool:
    """Store the model under ``digest`` unless it is stored already; True when it was new."""
    if session.get(LinkModelRecord, digest) is not None:
        return False
    session.add(LinkModelRecord(digest=digest, name=name, settings=settings, companion=companion))
    session.flush()
    return True
