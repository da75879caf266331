"""What a key rotation reads: the data keys, and the rows holding values sealed with an older one.

``services.keys`` re-seals those rows in small transactions and retires the
old keys; this module only finds them. Which attributes are sealed is read
from the mapped models (:class:`~refwatch.storage.sealing.Sealed`), so a
model that gains one is rotated without being named here.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from refwatch.storage import sealing
from refwatch.storage.tables import Base, DataKey


def sealed_models() -> list[tuple[type[Base], list[sealing.Sealed]]]:
    """Every model with sealed attributes, and those attributes."""
    found = []
    for mapper in Base.registry.mappers:
        attrs = [a for a in vars(mapper.class_).values() if isinstance(a, sealing.Sealed)]
        if attrs:
            found.append((mapper.class_, attrs))
    return sorted(found, key=lambda item: item[0].__tablename__)


def stale_rows(
    session: Session, model: type[Base], attrs: list[sealing.Sealed], key_id: int
) -> Iterator[Base]:
    """The rows of ``model`` with a value in ``attrs`` sealed with a key other than ``key_id``.

    Read as they are asked for, so that a caller taking one batch reads no
    further than the batch (the rows are still read in full: which key sealed
    a value is inside the value).
    """
    for row in session.scalars(select(model)):
        for attr in attrs:
            raw = getattr(row, attr.storage)
            if raw is not None and sealing.key_id_of(bytes(raw)) != key_id:
                yield row
                break


def data_keys(session: Session) -> list[DataKey]:
    """Every data key, retired or not, oldest first."""
    return list(session.scalars(select(DataKey).order_by(DataKey.id)))


def unretired_keys_except(session: Session, key_id: int) -> list[DataKey]:
    """The data keys not yet retired, but the one ``key_id`` names (those a finished rotation retires)."""
    return list(session.scalars(select(DataKey).where(DataKey.id != key_id, DataKey.retired_at.is_(None))))
