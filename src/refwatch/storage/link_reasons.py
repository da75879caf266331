"""Why linking joined a report to its incident, sealed for a report of a sealed document.

``incident_sources.link_reason`` is the line a reviewer reads ("match weight +3.6 …:
place same city or county (Tumen) +0.9, …"). It holds no quote, title or name, but it
names the gazetteer place both reports state, and a place can identify a small village.
So a report whose document is sealed (its names are: :mod:`refwatch.storage.document_names`)
keeps its reason in ``sealed_link_reason`` (migration 0022; AES-256-GCM under the data
key), bound like its quotes (:mod:`refwatch.storage.quotes`) to its document's hash and
its position there, not to the incident (a source moves between incidents on every merge,
split and relink); ``link_reason`` is then NULL. Readers open it (:func:`reason_of`,
:func:`open_reason`); ``refwatch keys rotate`` re-seals it and seals the reasons of sealed
documents stored before (:func:`reseal_page`).

Every relink sets every source's reason again. A reason that did not change is not
written again (a fresh nonce would make every sealed source an UPDATE on every relink):
the stored one is opened and compared first.
"""

from __future__ import annotations

from typing import Any, Final, cast

from sqlalchemy import Connection, Table, bindparam, select, update

from refwatch.storage import sealing
from refwatch.storage.quotes import source_uid
from refwatch.storage.tables import Document, IncidentSource

TABLE: Final = "incident_sources"
COLUMN: Final = "sealed_link_reason"


def open_reason(raw: bytes | memoryview, *, sha256: str, ordinal: int) -> str:
    """A sealed reason, for the source at ``ordinal`` in the document with this hash."""
    plain = sealing.open_bytes(bytes(raw), table=TABLE, uid=source_uid(sha256, ordinal), column=COLUMN)
    return plain.decode("utf-8")


def _seal(reason: str, *, sha256: str, ordinal: int) -> bytes:
    return sealing.seal_bytes(
        reason.encode("utf-8"), table=TABLE, uid=source_uid(sha256, ordinal), column=COLUMN
    )


def reason_of(source: IncidentSource) -> str | None:
    """A stored source's reason, opened when it is sealed."""
    raw = source._sealed_link_reason
    if raw is None:
        return source.link_reason
    return open_reason(raw, sha256=source.document.sha256, ordinal=source.ordinal)


def set_reason(source: IncidentSource, reason: str | None) -> None:
    """Store ``reason`` on ``source``: sealed when its document's names are sealed, else in plaintext.

    Nothing is written when the reason has not changed.
    """
    document = source.document
    if document._sealed_meta is None:
        source.link_reason = reason  # an equal value is no change for the session: no UPDATE
        if source._sealed_link_reason is not None:
            source._sealed_link_reason = None
        return
    if source.link_reason is None and reason_of(source) == reason:
        return
    source.link_reason = None
    source._sealed_link_reason = (
        None if reason is None else _seal(reason, sha256=document.sha256, ordinal=source.ordinal)
    )


_TABLE = cast(Table, IncidentSource.__table__)
_SOURCES = _TABLE.c
_DOCUMENTS = Document.__table__.c
_PAGE = (
    select(
        _SOURCES.id,
        _SOURCES.ordinal,
        _SOURCES.link_reason,
        _SOURCES.sealed_link_reason,
        _DOCUMENTS.sha256,
        _DOCUMENTS.sealed_meta.is_not(None).label("sealed"),
    )
    .join_from(IncidentSource.__table__, Document.__table__, _DOCUMENTS.id == _SOURCES.document_id)
    .where(_SOURCES.id > bindparam("after"))
    .order_by(_SOURCES.id)
    .limit(bindparam("limit"))
)


def reseal_page(conn: Connection, *, after: int, key_id: int, limit: int) -> tuple[int, int | None]:
    """Re-seal one page of reasons (sources with ids after ``after``) under data key ``key_id``, and seal
    the plaintext reasons of sealed documents. Returns how many rows changed and the last id read (None:
    no more rows); running it again changes nothing, so an interrupted rotation resumes."""
    rows = conn.execute(_PAGE, {"after": after, "limit": limit}).all()
    changed = 0
    for row in rows:
        values: dict[str, Any] = {}
        raw = row.sealed_link_reason
        if raw is not None and sealing.key_id_of(bytes(raw)) != key_id:
            plain = open_reason(raw, sha256=row.sha256, ordinal=row.ordinal)
            values = {COLUMN: _seal(plain, sha256=row.sha256, ordinal=row.ordinal)}
        elif raw is None and row.sealed and row.link_reason is not None:
            values = {
                COLUMN: _seal(row.link_reason, sha256=row.sha256, ordinal=row.ordinal),
                "link_reason": None,
            }
        if values:
            conn.execute(update(_TABLE).where(_TABLE.c.id == row.id).values(values))
            changed += 1
    return changed, (rows[-1].id if rows else None)
