"""Reading stored documents."""

from __future__ import annotations

from refwatch.domain.documents import DocumentDetail, DocumentSummary
from refwatch.storage import documents as repo
from refwatch.storage.database import Database


def list_documents(
    db: Database, *, language: str | None = None, outlet: str | None = None, limit: int | None = None
) -> list[DocumentSummary]:
    """Stored documents, oldest publication first."""
    with db.session() as session:
        return repo.list_documents(session, language=language, outlet=outlet, limit=limit)


def show_document(db: Database, ref: str) -> DocumentDetail:
    """One document by id or key, with its text."""
    with db.session() as session:
        return repo.get_document(session, ref)


def original_bytes(db: Database, ref: str) -> tuple[DocumentSummary, bytes]:
    """The evidentiary copy of one document."""
    with db.session() as session:
        return repo.get_original(session, ref)
