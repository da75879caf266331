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

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, column, func, or_, select, table, text
from sqlalchemy.orm import Session

from refwatch.storage.tables import Document

FTS_TABLE = "documents_fts"
#: The same for the pieces of long texts (``document_segments``, migration 0018).
SEGMENTS_FTS_TABLE = "document_segments_fts"
TRIGRAM_INDEXES = ("ix_documents_text_trgm", "ix_documents_title_trgm", "ix_document_segments_text_trgm")
#: Expression indexes made by migrations 0004 and 0006 (the ORM models cannot declare them portably).
ORDER_INDEXES = (
    "ix_incidents_list_order",
    "ix_incidents_review_order",
    "ix_incidents_status_order",
    "ix_documents_list_order",
    "ix_documents_language_order",
    "ix_documents_sealed",  # partial (sealed_text IS NOT NULL), migration 0012
)
MIN_TRIGRAM = 3
RECENT_WINDOW = 2000  # documents a PostgreSQL search looks through first (see matches_page)
RECENT_GROWTH = 20  # ... and per document asked for, for pages further on
T = TypeVar("T", bound=tuple[Any, ...])


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic filter: leave the search table, its shadow tables and the hand-made indexes alone."""
    if name is None:
        return True
    if type_ == "table" and name.startswith((FTS_TABLE, SEGMENTS_FTS_TABLE)):
        return False
    return not (type_ == "index" and name in TRIGRAM_INDEXES + ORDER_INDEXES)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def uses_index(dialect: str, query: str) -> bool:
    """Whether a search for ``query`` is answered from SQLite's FTS index (quick), not by scanning text.

    The web layer runs such searches in place and sends the others (short
    queries, PostgreSQL's planner choices) to a worker thread.
    """
    return dialect == "sqlite" and len(query.strip()) >= MIN_TRIGRAM


def with_match(
    stmt: Select[T],
    dialect: str,
    query: str,
    sealed_ids: Sequence[int] | None = None,
    *,
    scan: bool = False,
) -> Select[T]:
    """``stmt`` (a SELECT over documents) narrowed to those whose text or title contains ``query``.

    Matches come newest stored first. That order is what lets a page of results
    for a common word stop after the page: on SQLite the FTS table drives the
    join in its own rowid order (a document's rowid is its id), and a short
    query scans ids from the newest down. Sorting matches by anything else would
    mean finding every match first (tens of thousands for a common word).

    ``sealed_ids``, when given, are documents whose sealed text matched in the
    memory index (see ``storage.memory_search``): they match too. Only then is
    the statement built differently (the FTS table as a subquery, ids newest
    first); without them it is exactly the tuned statement above.

    ``scan`` (PostgreSQL): match in a way the trigram indexes cannot serve, so
    that the planner walks the documents newest first and stops at the page
    (see :func:`matches_page`); on SQLite it changes nothing.
    """
    needle = query.strip()
    if sealed_ids is not None:
        return _with_sealed_match(stmt, dialect, needle, sealed_ids)
    if uses_index(dialect, needle):
        phrase = '"' + needle.replace('"', '""') + '"'
        fts = table(FTS_TABLE, column("rowid"))
        return (
            stmt.join(fts, fts.c.rowid == Document.id)
            .where(text(f"{FTS_TABLE} MATCH :q").bindparams(q=phrase))
            .order_by(fts.c.rowid.desc())
        )
    return stmt.where(_contains(needle, scan=scan and dialect == "postgresql")).order_by(Document.id.desc())


def _contains(needle: str, *, scan: bool = False) -> Any:
    """The text or the title contains ``needle``, in any case: ``ILIKE``, or ``LIKE`` where they agree.

    A needle with no letter that has a case (Korean, Chinese, digits) matches
    the same with ``LIKE``, which PostgreSQL checks at about half the cost:
    ``ILIKE`` lowers every text it reads, and a two-syllable Korean word,
    shorter than a trigram, is looked for by reading texts one by one (#20).
    With ``scan`` the columns are wrapped in ``coalesce``, an expression no
    index covers (see :func:`matches_page`).
    """
    pattern = f"%{_escape_like(needle)}%"
    text_column: Any = func.coalesce(Document.text, "") if scan else Document.text
    title_column: Any = func.coalesce(Document.title, "") if scan else Document.title
    if needle.lower() == needle.upper():
        return or_(text_column.like(pattern, escape="\\"), title_column.like(pattern, escape="\\"))
    return or_(text_column.ilike(pattern, escape="\\"), title_column.ilike(pattern, escape="\\"))


def _with_sealed_match(stmt: Select[T], dialect: str, needle: str, sealed_ids: Sequence[int]) -> Select[T]:
    # The ids are written into the SQL (they are integers): a common word in many sealed documents
    # would pass SQLite's limit on bound parameters.
    sealed = Document.id.in_(bindparam("sealed_ids", list(sealed_ids), expanding=True, literal_execute=True))
    if uses_index(dialect, needle):
        fts = table(FTS_TABLE, column("rowid"))
        phrase = '"' + needle.replace('"', '""') + '"'
        indexed = select(fts.c.rowid).where(text(f"{FTS_TABLE} MATCH :q").bindparams(q=phrase))
        return stmt.where(or_(Document.id.in_(indexed), sealed)).order_by(Document.id.desc())
    return stmt.where(or_(_contains(needle), sealed)).order_by(Document.id.desc())


def matches_page(
    session: Session,
    stmt: Select[Any],
    dialect: str,
    *,
    limit: int,
    offset: int,
    common: Select[Any] | None = None,
) -> list[Any]:
    """One page of what a :func:`with_match` SELECT selects (documents or their ids), newest stored first.

    PostgreSQL cannot tell a common word from a rare one before searching, and
    plans for rare: it gathers every match through the trigram index and sorts
    them, which for a word in most documents meant rechecking tens of
    thousands of texts (0.4 s at 50,000 documents). The caller can tell: it
    has counted the matches first. For a common word it passes ``common``,
    the same SELECT built with ``scan=True``: a page that the newest few
    thousand documents fill is exactly the page the whole search would give
    (matches come by descending id), and without an index to tempt it the
    planner walks them newest first and stops at the page (0.7 ms where the
    index's plan took 106, at 10,000 documents). Only when they do not fill it
    is everything searched. A rare word is searched through the index at once
    (few matches, quick). SQLite's FTS table already stops after the page.
    """
    if dialect == "postgresql" and common is not None:
        newest = session.scalar(select(func.max(Document.id))) or 0
        window = max(RECENT_WINDOW, (offset + limit) * RECENT_GROWTH)
        recent = list(
            session.scalars(common.where(Document.id > newest - window).limit(limit).offset(offset))
        )
        if len(recent) == limit:
            return recent
    return list(session.scalars(stmt.limit(limit).offset(offset)))
