"""Reading stored documents."""

from __future__ import annotations

from refwatch.domain.documents import DocumentDetail, DocumentSummary, parse_document_ref
from refwatch.storage import documents as repo
from refwatch.storage.database import Database


def list_documents(
    db: Database, *, language: str | None = None, outlet: str | None = None, limit: int | None = None
) -> list[DocumentSummary]:
    """Stored documents, oldest publication first."""
    with db.session() as session:
        return repo.list_documents(session, language=language, outlet=outlet, limit=limit)


def show_document(db: Database, ref: str, *, by_key: bool = False) -> DocumentDetail:
    """One document with its text: ``ref`` is an id when it is ASCII digits, else a key.

    ``by_key`` reads ``ref`` as a key whatever it looks like (a key stored before
    keys were kept from being all digits; see :func:`~refwatch.domain.documents.parse_document_ref`).
    """
    with db.session() as session:
        return repo.get_document(session, ref if by_key else parse_document_ref(ref))


def document_id(db: Database, key: str) -> int:
    """The id of the document with this key, whatever the key looks like (the ``by-key`` routes)."""
    with db.session() as session:
        return repo.id_for_key(session, key)


def original_bytes(db: Database, ref: str, *, by_key: bool = False) -> tuple[DocumentSummary, bytes]:
    """The evidentiary copy of one document, found as :func:`show_document` finds it."""
    with db.session() as session:
        return repo.get_original(session, ref if by_key else parse_document_ref(ref))
