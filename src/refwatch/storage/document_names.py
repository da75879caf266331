"""What names a document, its title, file name and URL, sealed with its text.

A title ("Testimony of Person A-017") or a file name ("kim-sun-hee-testimony.pdf")
can name the person a report is about, as a URL's path can. Wherever a document's
working text is sealed (``REFWATCH_SEAL_DOCUMENT_TEXT`` at ingest, the Uwazi import
under the same setting, a testimony always), the three are kept as one JSON value in
``documents.sealed_meta`` (AES-256-GCM under the data key, bound to the document's
SHA-256, so a value copied to another document fails to open), and the plain
columns are left empty: ``title`` and ``url`` None, ``filename`` "". One value,
not three columns: a list that shows a sealed document opens one value per row.

Readers take the three through :func:`names_of`, which reads the plain columns of
an unsealed row (no decryption, as before) and opens the sealed value of a sealed
one. Searching by title: the in-memory index of sealed texts
(:mod:`refwatch.storage.memory_search`) holds the titles of sealed documents too.
``refwatch keys rotate`` re-seals the value with the other sealed columns and seals
the names of sealed documents stored before migration 0022 (:func:`seal_plain_names`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, defer

from refwatch.storage.sealing import open_bytes
from refwatch.storage.tables import Document, DocumentSegment

#: The column holding the sealed names, as the associated data names it.
COLUMN = "sealed_meta"


@dataclass(frozen=True, slots=True)
class DocumentNames:
    """A document's title, file name and URL, opened when they are sealed."""

    title: str | None
    filename: str
    url: str | None


def names_of(row: Any) -> DocumentNames:
    """The names of a :class:`Document` or of a Core row with its ``title``, ``filename``, ``url``,
    ``sha256`` and ``sealed_meta`` columns."""
    raw = row._sealed_meta if type(row) is Document else row.sealed_meta
    if raw is None:
        return DocumentNames(row.title, row.filename, row.url)
    return open_names(raw, sha256=row.sha256)


def title_and_url(row: Any) -> tuple[str | None, str | None]:
    """The title and URL of a :class:`Document` or of a Core row with ``title``, ``url``, ``sha256`` and
    ``sealed_meta`` (a source's header, which shows no file name).

    The lists call it for every source they show: an unsealed row costs two attribute reads (asking a
    Core row for a column it lacks costs some 20 µs, an exception raised and caught inside SQLAlchemy).
    """
    raw = row._sealed_meta if type(row) is Document else row.sealed_meta
    if raw is None:
        return row.title, row.url
    names = open_names(raw, sha256=row.sha256)
    return names.title, names.url


def open_names(raw: bytes | memoryview, *, sha256: str) -> DocumentNames:
    """The names sealed in ``raw`` (a ``sealed_meta`` value) for the document with this hash."""
    value = json.loads(open_bytes(bytes(raw), table="documents", uid=sha256, column=COLUMN))
    return DocumentNames(value.get("title"), value.get("filename") or "", value.get("url"))


def seal_names(doc: Document) -> bool:
    """Move ``doc``'s title, file name and URL into their sealed column; True if it did.

    Set ``doc.sha256`` first: the value is bound to it. A document already sealed is left as it is.
    """
    if doc._sealed_meta is not None:
        return False
    names = {"title": doc.title, "filename": doc.filename or "", "url": doc.url}
    doc.sealed_meta = json.dumps(names, ensure_ascii=False, sort_keys=True)
    doc.title = None
    doc.url = None
    doc.filename = ""
    return True


def seal_plain_names(session: Session, *, limit: int) -> int:
    """Seal the names of up to ``limit`` sealed documents that hold them in plaintext (stored before
    migration 0022); how many. ``refwatch keys rotate`` calls it until none is left."""
    pieces = DocumentSegment.__table__.c
    in_pieces = exists().where(pieces.document_id == Document.id, pieces.sealed_text.is_not(None))
    query = (
        select(Document)
        .options(defer(Document.text), defer(Document._sealed_text))
        .where(Document._sealed_meta.is_(None))
        .where(or_(Document._sealed_text.is_not(None), in_pieces))
        .order_by(Document.id)
        .limit(limit)
    )
    return sum(seal_names(doc) for doc in session.scalars(query))
