"""Text search over documents that works for Korean and Chinese as well as English.

Word-based full-text search needs a word splitter per language, and Korean and
Chinese defeat the usual ones. Substring search needs none, and trigram indexes
make it fast:

* SQLite: an FTS5 table with the ``trigram`` tokenizer (``documents_fts``),
  kept in step with ``documents`` by triggers; a phrase query on it is an
  indexed substring match. Trigrams need three characters, so shorter queries
  (many Korean words have two syllables) fall back to a scan with ``LIKE``.
* PostgreSQL: GIN indexes with ``pg_trgm`` on the text and the title, which
  ``ILIKE '%…%'`` uses directly.

The objects are created by migration 0002; :func:`include_object` keeps them
out of Alembic's model comparison, since the ORM models do not declare them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, text

from refwatch.storage.tables import Document

FTS_TABLE = "documents_fts"
TRIGRAM_INDEXES = ("ix_documents_text_trgm", "ix_documents_title_trgm")
MIN_TRIGRAM = 3


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic filter: leave the search table, its shadow tables and trigram indexes alone."""
    if name is None:
        return True
    if type_ == "table" and name.startswith(FTS_TABLE):
        return False
    return not (type_ == "index" and name in TRIGRAM_INDEXES)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def document_match(dialect: str, query: str) -> ColumnElement[bool]:
    """A WHERE clause: the document's text or title contains ``query`` (case-insensitive)."""
    needle = query.strip()
    if dialect == "sqlite" and len(needle) >= MIN_TRIGRAM:
        phrase = '"' + needle.replace('"', '""') + '"'
        return Document.id.in_(
            text("SELECT rowid FROM documents_fts WHERE documents_fts MATCH :q").bindparams(q=phrase)
        )
    pattern = f"%{_escape_like(needle)}%"
    return or_(Document.text.ilike(pattern, escape="\\"), Document.title.ilike(pattern, escape="\\"))
