"""Reading stored documents, and restricting who may see them."""

from __future__ import annotations

from refwatch.domain.documents import DocumentDetail, DocumentSummary
from refwatch.errors import InvalidInput
from refwatch.services.review import group_name, restrict_documents
from refwatch.storage import audit
from refwatch.storage import documents as repo
from refwatch.storage.database import Database
from refwatch.storage.tables import Document
from refwatch.storage.visibility import Groups


def list_documents(
    db: Database, *, language: str | None = None, outlet: str | None = None, limit: int | None = None
) -> list[DocumentSummary]:
    """Stored documents, oldest publication first."""
    with db.session() as session:
        return repo.list_documents(session, language=language, outlet=outlet, limit=limit)


def show_document(db: Database, ref: str, *, visible_groups: Groups) -> DocumentDetail:
    """One document by id or key, with its text and the incidents drawn from it that the reader may see.

    A document restricted to a group outside ``visible_groups`` is not found.
    """
    with db.session() as session:
        return repo.get_document(session, ref, visible_groups)


def original_bytes(db: Database, ref: str, *, visible_groups: Groups) -> tuple[DocumentSummary, bytes]:
    """The evidentiary copy of one document (not found if restricted beyond ``visible_groups``)."""
    with db.session() as session:
        return repo.get_original(session, ref, visible_groups)


def restrict_document(
    db: Database, ref: str, group: str | None, *, actor: str, reason: str, origin: str | None = None
) -> list[int]:
    """Restrict one document, and every incident drawn from it, to ``group`` (None: open); audited.

    Returns the incidents whose restriction was derived again.
    """
    if not reason or not reason.strip():
        raise InvalidInput("a restriction needs a reason (--reason)")
    name = group_name(group)
    with db.transaction() as session:
        summary = repo.get_document(session, ref).summary
        before = session.get_one(Document, summary.id).restricted_to
        affected = restrict_documents(session, [summary.id], name)
        audit.record(
            session,
            actor=actor,
            action="document.restrict",
            entity="document",
            entity_id=summary.id,
            detail={
                "before": {"restricted_to": before},
                "after": {"restricted_to": name},
                "incidents": affected,
                "reason": reason,
            },
            origin=origin,
        )
    return affected
