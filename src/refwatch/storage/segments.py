"""Long working texts, stored and read one segment at a time (issue #20: a 50 MB report).

A document's working text is held whole in its own row (``documents.text``, or
``documents.sealed_text`` when sealed) only while it fits in one segment of
:data:`SEGMENT_CHARS` characters: that is nearly every report, and search,
the API's document detail and the in-memory index of sealed texts keep their
one-row form. A longer text goes to ``document_segments`` (migration 0018), in
order, each piece written and sealed on its own after the document's row:
binding, indexing (the trigram index works per row) and sealing one 50 MB value
each made a copy of the whole, and together they held 600 MB for one report.

Offsets stay global: a piece records where it starts in the whole text, and
:func:`iter_text` gives ``(start, piece)`` pairs, so evidence spans into the
whole text need no translation. A sealed piece is bound to the document's hash
and the piece's number (its own nonce, as every sealed value has), so pieces
cannot be swapped between places or documents without failing to open.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final, cast

from sqlalchemy import Connection, Table, bindparam, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session, object_session

from refwatch.errors import RefwatchError
from refwatch.storage.sealing import open_bytes, seal_bytes
from refwatch.storage.tables import Document, DocumentSegment

#: Characters per segment: about 1 to 4 MB of UTF-8. A module value so that tests can lower it.
SEGMENT_CHARS: Final = 1_000_000
TABLE: Final = "document_segments"
FTS_TABLE: Final = "document_segments_fts"  # SQLite's search index of the pieces (migration 0018)
COLUMN: Final = "sealed_text"

_SEGMENTS = cast(Table, DocumentSegment.__table__)
_PIECE = select(_SEGMENTS.c.start, _SEGMENTS.c.text, _SEGMENTS.c.sealed_text).where(
    _SEGMENTS.c.document_id == bindparam("document"), _SEGMENTS.c.seq == bindparam("seq")
)
_INSERT = _SEGMENTS.insert()


def is_long(text: str, size: int | None = None) -> bool:
    """Whether ``text`` is stored in segments rather than in its document's row."""
    return len(text) > (size or SEGMENT_CHARS)


def count(text: str, size: int | None = None) -> int:
    """How many segments ``text`` takes (0: it stays in its document's row)."""
    size = size or SEGMENT_CHARS
    return 0 if not is_long(text, size) else -(-len(text) // size)


def uid(sha256: str, seq: int) -> str:
    """What a sealed piece is bound to (the twin of :attr:`DocumentSegment.seal_uid`)."""
    return f"{sha256}:{seq}"


def write(conn: Session | Connection, *, document_id: int, sha256: str, text: str, seal: bool) -> int:
    """Store ``text`` as the segments of document ``document_id``, one piece at a time; how many.

    Each piece is sliced, (sealed,) bound and inserted before the next is made, so no more than one
    piece's copies exist beside ``text`` itself. The caller sets ``text_segments`` on the document
    (:func:`count` gives it) and leaves its ``text`` empty and ``sealed_text`` unset.
    """
    conn = conn.connection() if isinstance(conn, Session) else conn  # Core: no ORM bulk path
    size = SEGMENT_CHARS
    n = count(text, size)
    for seq in range(n):
        start = seq * size
        piece = text[start : start + size]
        row: dict[str, Any] = {"document_id": document_id, "seq": seq, "start": start, "sha256": sha256}
        if seal:
            row["text"] = ""
            row["sealed_text"] = seal_bytes(
                piece.encode("utf-8"), table=TABLE, uid=uid(sha256, seq), column=COLUMN
            )
        else:
            row["text"] = piece
            row["sealed_text"] = None
        del piece
        conn.execute(_INSERT, row)
        del row
    return n


def iter_rows(conn: Connection, *, document_id: int, sha256: str, segments: int) -> Iterator[tuple[int, str]]:
    """``(start, piece)`` of a stored document's segments in order, one read (and opened) at a time."""
    for seq in range(segments):
        row = conn.execute(_PIECE, {"document": document_id, "seq": seq}).first()
        if row is None:
            raise RefwatchError(f"document {document_id}: segment {seq} of {segments} is missing")
        if row.sealed_text is None:
            yield int(row.start), str(row.text)
        else:
            plain = open_bytes(bytes(row.sealed_text), table=TABLE, uid=uid(sha256, seq), column=COLUMN)
            yield int(row.start), plain.decode("utf-8")


def iter_text(doc: Document) -> Iterator[tuple[int, str]]:
    """``(start, piece)`` of a document's working text, one segment at a time (one piece if not long).

    For code that can work piece by piece (search, checks, exports): a long text is never whole
    in memory. ``start`` is the piece's offset in the whole text.
    """
    if not doc.text_segments:
        yield 0, doc.working_text
        return
    session = object_session(doc)
    if session is None:
        raise RefwatchError("a document stored in segments is read through its session")
    yield from iter_rows(
        session.connection(), document_id=doc.id, sha256=doc.sha256, segments=doc.text_segments
    )


def read_text(doc: Document) -> str:
    """A document's whole working text, joined from its segments (what extraction needs whole)."""
    return "".join(piece for _, piece in iter_text(doc))


def read_row_text(conn: Connection, row: Any) -> str:
    """The whole working text of a Core row of ``documents`` stored in segments."""
    return "".join(
        piece
        for _, piece in iter_rows(conn, document_id=row.id, sha256=row.sha256, segments=row.text_segments)
    )


def sealed_seqs(conn: Connection, *, document_id: int) -> list[int]:
    """The numbers of a document's sealed segments (plaintext ones are indexed by the database)."""
    seg = _SEGMENTS.c
    stmt = (
        select(seg.seq).where(seg.document_id == document_id, seg.sealed_text.is_not(None)).order_by(seg.seq)
    )
    return [int(seq) for seq in conn.execute(stmt).scalars()]


def sealed_piece(conn: Connection, *, document_id: int, sha256: str, seq: int) -> str | None:
    """One segment's text opened, when it is sealed; None for a plaintext one (the database indexes it)."""
    row = conn.execute(_PIECE, {"document": document_id, "seq": seq}).first()
    if row is None or row.sealed_text is None:
        return None
    return open_bytes(bytes(row.sealed_text), table=TABLE, uid=uid(sha256, seq), column=COLUMN).decode(
        "utf-8"
    )


_INDEXED = sql_text(
    "SELECT DISTINCT document_id FROM document_segments WHERE id IN "
    "(SELECT rowid FROM document_segments_fts WHERE document_segments_fts MATCH :q)"
)
#: A trigram needs three characters: shorter queries scan the pieces (as ``storage.search`` does).
MIN_TRIGRAM: Final = 3


def matching_ids(conn: Connection, query: str) -> list[int]:
    """Ids of documents with a plaintext segment containing ``query`` (case-insensitively for ASCII).

    Through the pieces' own index: SQLite's FTS5 trigram table of migration 0018, PostgreSQL's
    trigram index (which ``ILIKE`` uses). A match that spans two pieces is not found.
    """
    needle = query.strip()
    if not needle:
        return []
    seg = _SEGMENTS.c
    if conn.dialect.name == "sqlite" and len(needle) >= MIN_TRIGRAM:
        phrase = '"' + needle.replace('"', '""') + '"'
        return sorted({int(i) for i in conn.execute(_INDEXED, {"q": phrase}).scalars()}, reverse=True)
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    stmt = select(seg.document_id).where(seg.text.ilike(f"%{escaped}%", escape="\\")).distinct()
    return sorted({int(i) for i in conn.execute(stmt).scalars()}, reverse=True)
