"""Search over sealed document text, with an index that exists only in this process's memory.

A document ingested with ``REFWATCH_SEAL_DOCUMENT_TEXT`` keeps its working
text sealed (``documents.sealed_text``) and an empty ``text``, so neither
SQLite's FTS table nor PostgreSQL's trigram indexes hold it. To still find it,
each process keeps an FTS5 trigram table in an in-memory SQLite database
(the standard library's ``sqlite3``, never written to disk), filled with the
decrypted texts on the first search and extended, at each later search, with
the sealed documents stored since (those with a larger id: a document's text
is never edited). It answers with document ids only; the caller applies
visibility and the other filters in SQL on ``documents``, as for any match.
The titles of these documents are indexed beside their texts: a sealed document's
title is sealed with its text (:mod:`refwatch.storage.document_names`), so the
database's own title match cannot find it.

A long text stored in segments (:mod:`refwatch.storage.segments`) has no row
text to index either: its sealed pieces go into this index one row each (a
match inside a piece finds the document), its plaintext pieces are found by
their own index in the database (:func:`refwatch.storage.segments.matching_ids`),
and :func:`sealed_matches` answers for both.

A document deleted since stays in the index: its id no longer selects a row,
so it is never shown. The index costs memory about the size of the texts
(measured in ``benchmarks/sealed_text.py``; see docs/security.md, point 16).
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from typing import Any, Final

from sqlalchemy import Connection, bindparam, exists, or_, select

from refwatch.storage import segments
from refwatch.storage.database import Database
from refwatch.storage.document_names import names_of
from refwatch.storage.sealing import open_bytes
from refwatch.storage.tables import Document, DocumentSegment

MIN_TRIGRAM: Final = 3
_DOCS = Document.__table__.c
_NEWER = (
    select(
        _DOCS.id,
        _DOCS.sha256,
        _DOCS.sealed_text,
        _DOCS.text_segments,
        _DOCS.title,
        _DOCS.filename,
        _DOCS.url,
        _DOCS.sealed_meta,
    )
    .where(or_(_DOCS.sealed_text.is_not(None), _DOCS.text_segments > 0), _DOCS.id > bindparam("after"))
    .order_by(_DOCS.id)
)
_ANY = select(
    or_(
        exists().where(_DOCS.sealed_text.is_not(None)),
        exists(select(DocumentSegment.__table__.c.id)),
    )
)


def open_text(row: Any) -> str | None:
    """The sealed working text of a Core row of ``documents`` (with sha256 and sealed_text), or None."""
    if row.sealed_text is None:
        return None
    plain = open_bytes(bytes(row.sealed_text), table="documents", uid=row.sha256, column="sealed_text")
    return plain.decode("utf-8")


def any_sealed(conn: Connection) -> bool:
    """Whether any document holds its text outside ``documents.text``: sealed (read through the partial
    index of migration 0012) or in segments (then a search asks :func:`sealed_matches` too)."""
    return bool(conn.execute(_ANY).scalar())


class MemoryIndex:
    """The in-memory trigram index of one database's sealed texts; safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        # ``doc``: the document; a long text has one row per sealed segment.
        self._db.execute("CREATE VIRTUAL TABLE texts USING fts5(body, doc UNINDEXED, tokenize='trigram')")
        self._newest = 0

    @property
    def newest(self) -> int:
        """The highest document id indexed (0 when none is)."""
        return self._newest

    def bytes_used(self) -> int:
        """The size of the in-memory database holding the index and the texts (its pages, in bytes)."""
        with self._lock:
            pages = self._db.execute("PRAGMA page_count").fetchone()[0]
            size = self._db.execute("PRAGMA page_size").fetchone()[0]
        return int(pages) * int(size)

    def refresh(self, conn: Connection) -> int:
        """Add the sealed documents stored since the last call; how many were added."""
        with self._lock:
            added = 0
            long_ones = []
            newest = self._newest
            for row in conn.execute(_NEWER, {"after": self._newest}):
                newest = row.id
                # Its title, sealed with the text (document_names), is searched as the text is: a row of
                # its own. Read from either place, so a title sealed later by key rotation stays found.
                title = names_of(row).title
                if title:
                    self._db.execute("INSERT INTO texts(body, doc) VALUES (?, ?)", (title, row.id))
                if row.text_segments:
                    long_ones.append((row.id, row.sha256))
                    continue
                self._db.execute("INSERT INTO texts(body, doc) VALUES (?, ?)", (open_text(row), row.id))
                added += 1
            for document_id, sha256 in long_ones:  # after the loop: one statement open at a time
                for seq in segments.sealed_seqs(conn, document_id=document_id):
                    piece = segments.sealed_piece(conn, document_id=document_id, sha256=sha256, seq=seq)
                    if piece is not None:
                        self._db.execute("INSERT INTO texts(body, doc) VALUES (?, ?)", (piece, document_id))
                added += 1
            self._newest = newest
            return added

    def matches(self, query: str) -> list[int]:
        """Ids of the indexed documents whose text contains ``query`` (case-insensitively for ASCII)."""
        needle = query.strip()
        if not needle:
            return []
        if len(needle) >= MIN_TRIGRAM:
            sql, arg = (
                "SELECT DISTINCT doc FROM texts WHERE texts MATCH ?",
                '"' + needle.replace('"', '""') + '"',
            )
        else:  # too short for a trigram: a scan over the texts
            escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            sql, arg = "SELECT DISTINCT doc FROM texts WHERE body LIKE ? ESCAPE '\\'", f"%{escaped}%"
        with self._lock:
            return sorted((int(r[0]) for r in self._db.execute(sql, (arg,))), reverse=True)


_indexes: weakref.WeakKeyDictionary[Database, MemoryIndex] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


def index_for(db: Database) -> MemoryIndex:
    """The memory index of ``db`` in this process (made empty on first use)."""
    found = _indexes.get(db)
    if found is None:
        with _registry_lock:
            found = _indexes.setdefault(db, MemoryIndex())
    return found


def sealed_matches(db: Database, conn: Connection, query: str) -> list[int]:
    """Ids of documents whose text, sealed or in segments, contains ``query``, newest first.

    The memory index catches up on new sealed documents first.
    """
    index = index_for(db)
    index.refresh(conn)
    found = set(index.matches(query)) | set(segments.matching_ids(conn, query))
    return sorted(found, reverse=True)
