"""Evidence quotes sealed like the text they were taken from.

With ``REFWATCH_SEAL_DOCUMENT_TEXT`` a document's working text is sealed, but what
extraction keeps of it is kept beside it: each evidence span's ``quote`` and the
``text`` of a date, a figure or a place "as written". Those are sentences of the
document, and one may name the person it is about. So, wherever the document's text is
sealed, every such string in a stored JSON value (``incident_sources.extracted``,
``claims.value`` and ``claims.evidence``, ``tallies.extracted``) is replaced by
``{"e1": <base64 of the sealed bytes>}`` (:mod:`refwatch.storage.sealing`, AES-256-GCM
under the data key); the offsets and every other value stay as they were, so lists,
filters, linking windows and highlighting need no key.

A sealed string is bound (the associated data ``table|uid|column``) to the row's place,
not to a random row id these tables do not have: its document's SHA-256, the row's
position in that document (``ordinal``; a claim also its field), the string's path in
the value and, for a span, its offsets. A quote copied into another row, another source
of the same document, another field or another span fails to open instead of showing the
wrong sentence; a source moved to another incident (merge, split, relink) keeps its
quotes, because none of that changes.

Readers open what they show (:func:`open_json`); the list forms read none of these
columns. ``refwatch keys rotate`` re-seals them under the new key and seals what a
sealed document still holds in plaintext (data stored before this module existed).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Final, cast

from sqlalchemy import (
    BindParameter,
    Connection,
    Select,
    Table,
    bindparam,
    exists,
    literal,
    or_,
    select,
    update,
)

from refwatch.storage import sealing
from refwatch.storage.tables import Claim, Document, DocumentSegment, IncidentSource, Tally

#: Keys whose string values are spans of the source text.
TEXT_KEYS: Final = frozenset({"quote", "text"})
#: A sealed string's stand-in: ``{MARK: base64}``; a real value is never a dict with this one key.
MARK: Final = "e1"


def source_uid(sha256: str, ordinal: int) -> str:
    """What a source's or a tally's sealed strings are bound to: its document and its position there."""
    return f"{sha256}#{ordinal}"


def claim_uid(sha256: str, ordinal: int, field: str) -> str:
    """What a claim's sealed strings are bound to: its source's place and the field it claims."""
    return f"{source_uid(sha256, ordinal)}:{field}"


def is_sealed_string(value: Any) -> bool:
    """True for the stand-in of one sealed string."""
    return isinstance(value, dict) and len(value) == 1 and isinstance(value.get(MARK), str)


def seal_json(value: Any, *, table: str, column: str, uid: str) -> Any:
    """``value`` with every source-text string sealed (a new value; ``value`` is not changed).

    Strings already sealed are kept as they are, so sealing twice is harmless.
    """

    def seal(item: Any, where: str) -> Any:
        return (
            _seal(item, table=table, column=column, uid=f"{uid}:{where}") if isinstance(item, str) else item
        )

    return _walk(value, "", seal)


def open_json(value: Any, *, table: str, column: str, uid: str) -> Any:
    """``value`` with every sealed string opened; a value with none is returned as it is (no copy).

    Raises :class:`refwatch.security.crypto.DecryptionFailed` for a string sealed for another place.
    """
    if not contains_sealed(value):
        return value

    def opened(item: Any, where: str) -> Any:
        return (
            _open(item, table=table, column=column, uid=f"{uid}:{where}") if is_sealed_string(item) else item
        )

    return _walk(value, "", opened)


def contains_sealed(value: Any) -> bool:
    """True if any string in ``value`` is sealed.

    Every read of an unsealed database asks this of every value it shows, so it is a plain
    recursion that builds nothing (a third of the time :func:`_texts` took).
    """
    if isinstance(value, dict):
        if MARK in value and len(value) == 1:
            return True
        items: Any = value.values()
    elif isinstance(value, list):
        items = value
    else:
        return False
    for item in items:
        if (type(item) is dict or type(item) is list) and contains_sealed(item):
            return True
    return False


def contains_plain(value: Any) -> bool:
    """True if any source-text string in ``value`` is still plaintext."""
    return any(isinstance(v, str) for v, _ in _texts(value, ""))


def key_ids(value: Any) -> set[int]:
    """The data keys that sealed the strings in ``value``."""
    return {sealing.key_id_of(_raw(v)) for v, _ in _texts(value, "") if is_sealed_string(v)}


def _seal(text: str, *, table: str, column: str, uid: str) -> dict[str, str]:
    sealed = sealing.seal_bytes(text.encode("utf-8"), table=table, uid=uid, column=column)
    return {MARK: base64.b64encode(sealed).decode("ascii")}


def _open(value: dict[str, str], *, table: str, column: str, uid: str) -> str:
    return sealing.open_bytes(_raw(value), table=table, uid=uid, column=column).decode("utf-8")


def _raw(value: dict[str, str]) -> bytes:
    return base64.b64decode(value[MARK])


def _where(path: str, key: str, node: dict[str, Any]) -> str:
    """A string's place in the value: its path, and a span's offsets (bound with its quote)."""
    where = f"{path}{key}"
    start, end = node.get("start"), node.get("end")
    if key == "quote" and isinstance(start, int) and isinstance(end, int):
        where += f"@{start}-{end}"
    return where


def _texts(value: Any, path: str) -> Iterator[tuple[Any, str]]:
    """Every source-text value (plain or sealed) in ``value`` with its place."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in TEXT_KEYS and (isinstance(item, str) or is_sealed_string(item)):
                yield item, _where(path, key, value)
            elif isinstance(item, dict | list):
                yield from _texts(item, f"{path}{key}.")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, f"{path}{i}.")


def _walk(value: Any, path: str, change: Callable[[Any, str], Any]) -> Any:
    """A copy of ``value`` with each source-text value (plain or sealed) replaced by
    ``change(value, place)``; everything else is copied as it is."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in TEXT_KEYS and (isinstance(item, str) or is_sealed_string(item)):
                out[key] = change(item, _where(path, key, value))
            elif isinstance(item, dict | list):
                out[key] = _walk(item, f"{path}{key}.", change)
            else:
                out[key] = item
        return out
    if isinstance(value, list):
        return [_walk(item, f"{path}{i}.", change) for i, item in enumerate(value)]
    return value


def seal_source(value: Any, *, sha256: str, ordinal: int) -> Any:
    """An extracted incident (``incident_sources.extracted``) with its quotes sealed."""
    return seal_json(value, table="incident_sources", column="extracted", uid=source_uid(sha256, ordinal))


def open_source(value: Any, *, sha256: str, ordinal: int) -> Any:
    """The twin of :func:`seal_source`."""
    return open_json(value, table="incident_sources", column="extracted", uid=source_uid(sha256, ordinal))


def seal_claim(value: Any, *, column: str, sha256: str, ordinal: int, field: str) -> Any:
    """A claim's ``value`` or ``evidence`` with its quotes sealed."""
    return seal_json(value, table="claims", column=column, uid=claim_uid(sha256, ordinal, field))


def open_claim(value: Any, *, column: str, sha256: str, ordinal: int, field: str) -> Any:
    """The twin of :func:`seal_claim`."""
    return open_json(value, table="claims", column=column, uid=claim_uid(sha256, ordinal, field))


def seal_tally(value: Any, *, sha256: str, ordinal: int) -> Any:
    """A tally as extracted (``tallies.extracted``) with its quotes sealed."""
    return seal_json(value, table="tallies", column="extracted", uid=source_uid(sha256, ordinal))


def open_tally(value: Any, *, sha256: str, ordinal: int) -> Any:
    """The twin of :func:`seal_tally`."""
    return open_json(value, table="tallies", column="extracted", uid=source_uid(sha256, ordinal))


# Re-sealing (``refwatch keys rotate``): every stored quote under the new key, and the quotes of a
# sealed document stored in plaintext (before this module) sealed too.


@dataclass(frozen=True, slots=True)
class _Target:
    """A table whose JSON columns hold quotes, and how to find the place its strings are bound to."""

    name: str
    columns: tuple[str, ...]
    query: Select[Any]  # id, sha256, ordinal, field, sealed (the document's text is), then the columns
    uid: Callable[[Any], str]


def _sealed_document() -> Any:
    docs, pieces = Document.__table__.c, DocumentSegment.__table__.c
    in_pieces = exists().where(pieces.document_id == docs.id, pieces.sealed_text.is_not(None))
    return or_(docs.sealed_text.is_not(None), in_pieces).label("sealed")


def _targets() -> tuple[_Target, ...]:
    docs = Document.__table__
    sources, claims, tallies = IncidentSource.__table__, Claim.__table__, Tally.__table__
    after: BindParameter[int] = bindparam("after")
    limit: BindParameter[int] = bindparam("limit")

    def query(table: Any, ordinal: Any, field: Any, *columns: Any, joined: Any) -> Select[Any]:
        return (
            select(
                table.c.id, docs.c.sha256, ordinal.label("ordinal"), field.label("field"), _sealed_document()
            )
            .add_columns(*columns)
            .select_from(joined)
            .where(table.c.id > after)
            .order_by(table.c.id)
            .limit(limit)
        )

    return (
        _Target(
            "incident_sources",
            ("extracted",),
            query(
                sources,
                sources.c.ordinal,
                literal(""),
                sources.c.extracted,
                joined=sources.join(docs, docs.c.id == sources.c.document_id),
            ),
            lambda r: source_uid(r.sha256, r.ordinal),
        ),
        _Target(
            "claims",
            ("value", "evidence"),
            query(
                claims,
                sources.c.ordinal,
                claims.c.field,
                claims.c.value,
                claims.c.evidence,
                joined=claims.join(sources, sources.c.id == claims.c.source_id).join(
                    docs, docs.c.id == sources.c.document_id
                ),
            ),
            lambda r: claim_uid(r.sha256, r.ordinal, r.field),
        ),
        _Target(
            "tallies",
            ("extracted",),
            query(
                tallies,
                tallies.c.ordinal,
                literal(""),
                tallies.c.extracted,
                joined=tallies.join(docs, docs.c.id == tallies.c.document_id),
            ),
            lambda r: source_uid(r.sha256, r.ordinal),
        ),
    )


TARGETS: Final = _targets()


def reseal_page(
    conn: Connection, target: _Target, *, after: int, key_id: int, limit: int
) -> tuple[int, int | None]:
    """Re-seal one page of ``target``'s rows (ids after ``after``) under data key ``key_id``.

    A string sealed under another key is opened and sealed again; a plaintext one is sealed when
    its document's text is sealed. Returns how many rows changed and the last id read (None: no
    more rows). Running it again changes nothing, so an interrupted rotation resumes.
    """
    rows = conn.execute(target.query, {"after": after, "limit": limit}).all()
    table = cast(
        Table, {"incident_sources": IncidentSource, "claims": Claim, "tallies": Tally}[target.name].__table__
    )
    changed = 0
    for row in rows:
        values: dict[str, Any] = {}
        for column in target.columns:
            value = getattr(row, column)
            stale = any(k != key_id for k in key_ids(value))
            if not stale and not (row.sealed and contains_plain(value)):
                continue
            uid = target.uid(row)
            plain = open_json(value, table=target.name, column=column, uid=uid)
            values[column] = seal_json(plain, table=target.name, column=column, uid=uid)
        if values:
            conn.execute(update(table).where(table.c.id == row.id).values(values))
            changed += 1
    return changed, (rows[-1].id if rows else None)
