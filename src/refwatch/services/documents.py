"""Reading stored documents, and restricting who may see them."""

from __future__ import annotations

from dataclasses import replace

from refwatch.domain.documents import DocumentDetail, DocumentSummary, parse_document_ref
from refwatch.errors import InvalidInput
from refwatch.extract.refdate import reference_date
from refwatch.services.incidents import derived_reference
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


def show_document(db: Database, ref: str, *, visible_groups: Groups, by_key: bool = False) -> DocumentDetail:
    """One document with its text and the incidents drawn from it that the reader may see.

    ``ref`` is an id when it is ASCII digits, else a key; ``by_key`` reads it as
    a key whatever it looks like (see :func:`~refwatch.domain.documents.parse_document_ref`).
    A document restricted to a group outside ``visible_groups`` is not found.
    """
    with db.read_session() as session:
        detail = repo.get_document(session, ref if by_key else parse_document_ref(ref), visible_groups)
    return with_reference(detail)


def evidence_spans(db: Database, detail: DocumentDetail) -> list[tuple[int, int, int]]:
    """Where the incidents the reader may see (``detail.incident_ids``) quote the document:
    ``(start, end, incident id)``, read from the plaintext offsets, no quote opened."""
    with db.read_session() as session:
        return repo.evidence_spans(session, detail.summary.id, detail.incident_ids)


def with_reference(detail: DocumentDetail) -> DocumentDetail:
    """``detail`` with its reference date, derived now when it was stored without one.

    Documents ingested before the reference date existed (migration 0013) have none
    stored; it is derived on reading, from the same evidence ingest uses (text, address,
    metadata date), and shown the same way. ``refwatch documents extract`` stores it.
    """
    if detail.summary.reference_date is not None:
        return detail
    found = reference_date(detail.text, metadata=detail.summary.publication_date, url=detail.summary.url)
    if found is None:
        return detail
    return replace(detail, summary=replace(detail.summary, reference_date=found))


def document_id(db: Database, key: str, *, visible_groups: Groups) -> int:
    """The id of the document with this key, whatever the key looks like (the ``by-key`` routes)."""
    with db.read_session() as session:
        return repo.id_for_key(session, key, visible_groups)


def original_bytes(
    db: Database, ref: str, *, visible_groups: Groups, by_key: bool = False
) -> tuple[DocumentSummary, bytes]:
    """The evidentiary copy of one document, found as :func:`show_document` finds it."""
    with db.session() as session:
        return repo.get_original(session, ref if by_key else parse_document_ref(ref), visible_groups)


def document_restriction(db: Database, ref: str) -> str | None:
    """The group a document is restricted to (None: open), for admins deciding a restriction."""
    with db.session() as session:
        summary = repo.get_document(session, parse_document_ref(ref)).summary
        return session.get_one(Document, summary.id).restricted_to


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
        summary = repo.get_document(session, parse_document_ref(ref)).summary
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


def store_reference_dates(db: Database, *, actor: str, everyone: bool = False) -> tuple[int, int]:
    """Derive and store the reference date of documents that have none (of all with ``everyone``).

    For documents stored before the reference date existed (migration 0013), or after the rules
    that derive it change. Incidents already extracted keep their dates: re-extraction is another
    step. Audited with the number of documents and the ids that changed. Returns how many
    documents were read and how many now have a different reference date.
    """
    changed: list[int] = []
    with db.transaction() as session:
        rows = repo.without_reference(session, everyone=everyone)
        for row in rows:
            found = derived_reference(row)
            if found == repo.reference_of(row, opened=True):
                continue
            repo.set_reference(row, found, seal=repo.text_is_sealed(row))
            changed.append(row.id)
        audit.record(
            session,
            actor=actor,
            action="documents.reference_dates",
            entity="document",
            entity_id=None,
            detail={"read": len(rows), "changed": changed, "all": everyone},
        )
    return len(rows), len(changed)
