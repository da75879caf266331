"""Document repository: SQL in, domain objects out."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Select, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session, defer, object_session

from refwatch.domain.dates import ReferenceDate
from refwatch.domain.documents import DocumentDetail, DocumentSummary
from refwatch.errors import NotFound
from refwatch.storage import segments, visibility
from refwatch.storage.document_names import names_of
from refwatch.storage.memory_search import open_text
from refwatch.storage.sealing import open_bytes
from refwatch.storage.search import with_match
from refwatch.storage.tables import Document, DocumentBlob, DocumentSegment, Incident, IncidentSource
from refwatch.storage.visibility import Groups


def to_summary(row: Any, *, opened: bool = False) -> DocumentSummary:
    """The list view of a stored document (a :class:`Document` or a row with its columns).

    ``opened``: show a sealed document's reference-date evidence (decrypted); lists leave it
    out (see :func:`reference_of`). A sealed document's title, file name and URL are always
    opened (one decryption; an unsealed row decrypts nothing): every list shows them.
    """
    names = names_of(row)
    return DocumentSummary(
        id=row.id,
        key=row.key,
        sha256=row.sha256,
        filename=names.filename,
        media_type=row.media_type,
        size_bytes=row.size_bytes,
        title=names.title,
        outlet=row.outlet,
        url=names.url,
        publication_date=row.publication_date_iso,
        language=row.language,
        ingested_by=row.ingested_by,
        ingested_at=row.ingested_at,
        reference_date=reference_of(row, opened=opened),
    )


def reference_of(row: Any, *, opened: bool = False) -> ReferenceDate | None:
    """The stored reference date of a document row, or None when it has none (stored before 0013).

    A row whose values no longer form a valid one (edited by hand) reads as none rather than failing
    every page that lists it. The evidence of a sealed document (migration 0021) is opened only
    when ``opened``: lists and linking use the dates alone, and decrypting for every row of a page
    would cost them what they do not show; its text then reads "".
    """
    if row.reference_start is None or row.reference_precision is None:
        return None
    text = row.reference_text or ""
    if opened and not text:
        text = _opened_reference_text(row) or ""
    try:
        return ReferenceDate(
            row.reference_start,
            row.reference_end,
            row.reference_precision,
            row.reference_source,
            row.reference_confidence,
            text,
        )
    except ValueError:
        return None


def _opened_reference_text(row: Any) -> str | None:
    """The sealed reference-date evidence of a :class:`Document` or a Core row of its columns."""
    if isinstance(row, Document):
        plain: str | None = row.sealed_reference_text
        return plain
    raw = getattr(row, "sealed_reference_text", None)
    if raw is None:
        return None
    return open_bytes(bytes(raw), table="documents", uid=row.sha256, column="sealed_reference_text").decode()


def set_reference(doc: Document, reference: ReferenceDate | None, *, seal: bool) -> None:
    """Store ``reference`` on ``doc``; with ``seal`` its evidence sealed (the document's text is).

    The words a reference date was read from are a span of the text, like a quote.
    """
    for column, value in reference_columns(reference).items():
        setattr(doc, column, value)
    doc.sealed_reference_text = None
    if seal:
        seal_reference_text(doc)


def seal_reference_text(doc: Document) -> bool:
    """Move ``doc``'s reference-date evidence from plaintext to its sealed column; True if it did."""
    if not doc.reference_text:
        return False
    doc.sealed_reference_text = doc.reference_text
    doc.reference_text = None
    return True


def reference_columns(reference: ReferenceDate | None) -> dict[str, Any]:
    """The column values that store ``reference`` (all None for none)."""
    if reference is None:
        return dict.fromkeys(
            (
                "reference_start",
                "reference_end",
                "reference_precision",
                "reference_source",
                "reference_confidence",
                "reference_text",
            )
        )
    return {
        "reference_start": reference.start,
        "reference_end": reference.end,
        "reference_precision": reference.precision,
        "reference_source": reference.source,
        "reference_confidence": reference.confidence,
        "reference_text": reference.text[:200],
    }


def find_by_sha256(session: Session, sha256: str) -> Document | None:
    """The stored document with these exact bytes, if any."""
    return session.scalars(select(Document).where(Document.sha256 == sha256)).first()


def find_by_sha256s(session: Session, hashes: list[str]) -> dict[str, Document]:
    """The stored documents with any of these exact bytes, by hash (one query for a batch)."""
    found: dict[str, Document] = {}
    for i in range(0, len(hashes), 500):
        for doc in session.scalars(select(Document).where(Document.sha256.in_(hashes[i : i + 500]))):
            found.setdefault(doc.sha256, doc)
    return found


def keys_taken(session: Session, keys: list[str]) -> set[str]:
    """Which of ``keys`` stored documents already use (one query for a batch)."""
    taken: set[str] = set()
    for i in range(0, len(keys), 500):
        taken.update(session.scalars(select(Document.key).where(Document.key.in_(keys[i : i + 500]))))
    return taken


def key_exists(session: Session, key: str) -> bool:
    """True if a document already uses ``key``."""
    return session.scalar(select(func.count()).select_from(Document).where(Document.key == key)) != 0


def list_documents(
    session: Session, *, language: str | None = None, outlet: str | None = None, limit: int | None = None
) -> list[DocumentSummary]:
    """Documents ordered by publication date (unknown last), then key."""
    query = select(Document)
    if language:
        query = query.where(Document.language == language)
    if outlet:
        query = query.where(Document.outlet == outlet)
    query = query.order_by(Document.publication_date.is_(None), Document.publication_date, Document.key)
    if limit:
        query = query.limit(limit)
    return [to_summary(row) for row in session.scalars(query)]


@functools.lru_cache(maxsize=256)
def list_statements(
    dialect: str, query: str | None, language: str | None, outlet: str | None, visible: Groups
) -> tuple[Select[Any], Select[Any]]:
    """The documents SELECT of a list page for these filters, and its ids, built once per filters.

    Newest publication first, or the search's own order when ``query`` is given
    (:func:`~refwatch.storage.search.with_match`). The text is not loaded: a
    list shows none of it. Lists are asked with the same few filters again
    and again, and statements are immutable, so every thread may share them.
    Only documents a reader in ``visible`` may see are selected.
    """
    stmt: Select[Any] = _listed(
        select(Document).options(defer(Document.text), defer(Document.publication_date_text)),
        language=language,
        outlet=outlet,
        visible=visible,
    )
    if query:
        stmt = with_match(stmt, dialect, query)
    else:
        stmt = stmt.order_by(
            Document.publication_date.is_(None), Document.publication_date.desc(), Document.key
        )
    return stmt, stmt.with_only_columns(Document.id, maintain_column_froms=True)


@functools.lru_cache(maxsize=256)
def scan_statement(
    dialect: str, query: str, language: str | None, outlet: str | None, visible: Groups
) -> Select[Any]:
    """The ids of a search's matches, built so that no index serves the match (``with_match(scan=True)``)."""
    stmt = _listed(select(Document.id), language=language, outlet=outlet, visible=visible)
    return with_match(stmt, dialect, query, scan=True)


def sealed_search_statements(
    dialect: str,
    query: str,
    language: str | None,
    outlet: str | None,
    visible: Groups,
    sealed_ids: list[int],
) -> tuple[Select[Any], Select[Any]]:
    """:func:`list_statements` of a search on a database where some documents hold their text sealed.

    ``sealed_ids`` are those whose sealed text matched in the memory index
    (``storage.memory_search``): they match too. Built for each search, as
    the ids are part of it; the other searches keep the statements built once.
    """
    stmt: Select[Any] = select(Document).options(
        defer(Document.text), defer(Document.publication_date_text), defer(Document._sealed_text)
    )
    stmt = _listed(stmt, language=language, outlet=outlet, visible=visible)
    stmt = with_match(stmt, dialect, query, sealed_ids)
    return stmt, stmt.with_only_columns(Document.id, maintain_column_froms=True)


def _listed(stmt: Select[Any], *, language: str | None, outlet: str | None, visible: Groups) -> Select[Any]:
    """``stmt`` narrowed to the documents the caller may see, in this language and from this outlet."""
    if visible is not None:
        stmt = stmt.where(visibility.document_clause(visible))
    if language:
        stmt = stmt.where(Document.language == language)
    if outlet:
        stmt = stmt.where(Document.outlet == outlet)
    return stmt


def summaries_by_id(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The list form of these documents (:class:`DocumentSummary` as a dict), by id; none of their texts."""
    rows = session.scalars(
        select(Document)
        .options(defer(Document.text), defer(Document.publication_date_text), defer(Document._sealed_text))
        .where(Document.id.in_(ids))
    )
    return {row.id: to_summary(row).to_dict() for row in rows}


def get_document(session: Session, ref: str | int, visible: Groups = None) -> DocumentDetail:
    """One document by id (an int) or key (a str), never one tried as the other, if ``visible`` may see it.

    Turn what a user typed into ``ref`` with :func:`~refwatch.domain.documents.parse_document_ref`.

    Read as a plain row with statements built once (below): the API's
    document detail is one of its busiest routes, and building the query
    anew cost more than running it. Its incidents are those the reader may
    see: an open report can be a source of an incident restricted by
    another source.
    """
    conn = session.connection()
    row = _row(conn, ref, visible)
    # One statement with the reader's rule in it (it was two, the second built anew for every request).
    incident_ids = tuple(sorted(set(conn.execute(_incidents_of(visible), {"document": row.id}).scalars())))
    return DocumentDetail(
        summary=to_summary(row, opened=True),
        text=working_text(row, conn),
        charset=row.charset,
        language_source=row.language_source,
        publication_date_text=row.publication_date_text,
        incident_ids=incident_ids,
    )


def working_text(row: Any, conn: Connection | None = None) -> str:
    """A Core row's working text: decrypted when sealed (``REFWATCH_SEAL_DOCUMENT_TEXT``), else ``text``.

    The Core twin of :attr:`Document.working_text`; a long text stored in segments is read through
    ``conn`` (:mod:`refwatch.storage.segments`).
    """
    if getattr(row, "text_segments", 0):
        if conn is None:
            raise ValueError("a document stored in segments is read through a connection")
        return segments.read_row_text(conn, row)
    sealed = open_text(row)
    return row.text if sealed is None else sealed


_COLUMNS = Document.__table__.c
_BY_KEY = select(*_COLUMNS).where(_COLUMNS.key == bindparam("ref"))
_BY_ID = select(*_COLUMNS).where(_COLUMNS.id == bindparam("ref"))


@functools.lru_cache(maxsize=64)
def _incidents_of(visible: Groups) -> Select[Any]:
    """The incidents drawn from a document that readers in ``visible`` may see (built once per groups)."""
    sources = IncidentSource.__table__
    stmt = select(sources.c.incident_id).where(sources.c.document_id == bindparam("document"))
    if visible is None:
        return stmt
    incidents = Incident.__table__
    return stmt.join_from(sources, incidents, incidents.c.id == sources.c.incident_id).where(
        visibility.incident_clause(visible)
    )


def text_is_sealed(doc: Document) -> bool:
    """Whether ``doc``'s working text is sealed, in its row or in its pieces: then so are its quotes.

    A document's evidence is sealed exactly when its text is (:mod:`refwatch.storage.quotes`), so a
    testimony's quotes are sealed whatever ``REFWATCH_SEAL_DOCUMENT_TEXT`` says, and a document
    stored in plaintext gains nothing from sealed quotes of itself.
    """
    if doc._sealed_text is not None:
        return True
    session = object_session(doc)
    if not doc.text_segments or doc.id is None or session is None:
        return False
    pieces = DocumentSegment.__table__.c
    found = select(pieces.id).where(pieces.document_id == doc.id, pieces.sealed_text.is_not(None)).limit(1)
    return session.execute(found).first() is not None


def seal_plain_reference_texts(session: Session, *, limit: int) -> int:
    """Seal the reference-date evidence of up to ``limit`` sealed documents that hold it in plaintext
    (stored before migration 0021); how many. ``refwatch keys rotate`` calls it until none is left."""
    pieces = DocumentSegment.__table__.c
    in_pieces = exists().where(pieces.document_id == Document.id, pieces.sealed_text.is_not(None))
    query = (
        select(Document)
        .options(defer(Document.text), defer(Document._sealed_text))
        .where(Document.reference_text.is_not(None), Document.reference_text != "")
        .where(or_(Document._sealed_text.is_not(None), in_pieces))
        .order_by(Document.id)
        .limit(limit)
    )
    return sum(seal_reference_text(doc) for doc in session.scalars(query))


def evidence_spans(
    session: Session, document_id: int, incident_ids: tuple[int, ...]
) -> list[tuple[int, int, int]]:
    """``(start, end, incident id)`` of every evidence span that ``incident_ids`` draw from this document.

    For highlighting the document's text: offsets are plaintext (:mod:`refwatch.storage.quotes`), so
    nothing is opened, and one statement reads them all (the page read each incident's full record).
    The caller passes the incidents the reader may see (:func:`get_document` lists them).
    """
    if not incident_ids:
        return []
    sources = IncidentSource.__table__.c
    rows = session.execute(
        select(sources.incident_id, sources.extracted)
        .where(sources.document_id == document_id, sources.incident_id.in_(incident_ids))
        .order_by(sources.ordinal)
    )
    return [
        (int(span["start"]), int(span["end"]), int(incident_id))
        for incident_id, extracted in rows
        for span in (extracted or {}).get("evidence") or []
    ]


def media_type_and_restriction(session: Session, document_id: int) -> Any | None:
    """The document's ``media_type`` and ``restricted_to`` (a row), or None if there is none.

    Two small columns: every document page asks whether the document is a testimony, few are.
    """
    return session.execute(
        select(Document.media_type, Document.restricted_to).where(Document.id == document_id)
    ).first()


def next_source_ordinal(session: Session, document_id: int) -> int:
    """The ordinal a new report drawn from this document takes: one past its reports' highest, else 0."""
    ordinal = session.scalar(
        select(func.coalesce(func.max(IncidentSource.ordinal) + 1, 0)).where(
            IncidentSource.document_id == document_id
        )
    )
    return int(ordinal or 0)


def originals(session: Session) -> Sequence[Any]:
    """``(key, sha256, DocumentBlob)`` of every document, for re-checking the originals against their hashes.

    Every blob is read at once (``refwatch keys verify`` opens each in turn), in no order.
    """
    return session.execute(select(Document.key, Document.sha256, DocumentBlob).join(DocumentBlob)).all()


def get_original(session: Session, ref: str | int, visible: Groups = None) -> tuple[DocumentSummary, bytes]:
    """The evidentiary copy (original bytes) of one document, by id (an int) or key (a str), if visible."""
    row = session.get_one(Document, _row(session.connection(), ref, visible).id)
    return to_summary(row), row.blob.data


def _row(conn: Connection, ref: str | int, visible: Groups) -> Any:
    """The document's row by id (an int) or by key (a str).

    :class:`NotFound` if there is none, or if it is hidden from the reader (its existence does not leak).
    """
    by_id = isinstance(ref, int)
    row = conn.execute(_BY_ID if by_id else _BY_KEY, {"ref": ref}).first()
    if row is None or not visibility.can_see(row.restricted_to, visible):
        what = f"id {ref}" if by_id else f"key {ref!r}"
        raise NotFound(f"no document with {what}; `refwatch documents list` shows them")
    return row


def id_for_key(session: Session, key: str, visible: Groups = None) -> int:
    """The id of the document with this key, if visible; :class:`NotFound` if there is none."""
    return int(_row(session.connection(), key, visible).id)


def count_documents(session: Session) -> int:
    """How many documents are stored."""
    return int(session.scalar(select(func.count()).select_from(Document)) or 0)


def without_reference(session: Session, *, everyone: bool = False) -> list[Document]:
    """Documents with no reference date stored (all of them with ``everyone``), in id order."""
    query = select(Document).order_by(Document.id)
    if not everyone:
        query = query.where(Document.reference_precision.is_(None))
    return list(session.scalars(query))
