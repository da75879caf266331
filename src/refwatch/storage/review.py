"""The statements behind review: the queue, and the rows a merge, split or undo moves.

``services.review`` decides what a confirmation, merge, split or undo means and
audits it; the reads and bulk changes of rows it needs are asked here.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from refwatch.storage import visibility
from refwatch.storage.incidents import IncidentFilter, filtered_query
from refwatch.storage.tables import Document, Incident, IncidentSource


def queue_ids(session: Session, *, limit: int, visible_groups: tuple[str, ...] | None) -> list[int]:
    """Candidates to review: main stories first, then those with most sources, then the most recent.

    Ordered and cut in SQL, so the queue costs the same with a hundred candidates or a
    hundred thousand (loading them all to sort them took half a minute at that size).
    """
    sources = (
        select(IncidentSource.incident_id, func.count().label("n"))
        .group_by(IncidentSource.incident_id)
        .subquery()
    )
    candidates = IncidentFilter(review_states=("candidate",), visible_groups=visible_groups)
    stmt = (
        filtered_query(candidates)
        .with_only_columns(Incident.id)
        .outerjoin(sources, sources.c.incident_id == Incident.id)
        .order_by(
            Incident.salience != "main",
            func.coalesce(sources.c.n, 0).desc(),
            Incident.date_start.is_(None),
            Incident.date_start.desc(),
            Incident.id,
        )
        .limit(limit)
    )
    return list(session.scalars(stmt).all())


def set_document_groups(session: Session, document_ids: Collection[int], group: str | None) -> None:
    """Restrict these documents to ``group`` (None: open them); the caller derives incidents again."""
    for document in session.scalars(select(Document).where(Document.id.in_(list(document_ids)))):
        document.restricted_to = group
    session.flush()


def sources_by_id(session: Session, source_ids: Collection[int]) -> list[IncidentSource]:
    """The incident sources with these ids (source ids never change)."""
    return list(session.scalars(select(IncidentSource).where(IncidentSource.id.in_(list(source_ids)))))


def merged_into(session: Session, incident_id: int) -> list[Incident]:
    """The incidents merged into ``incident_id``."""
    return list(session.scalars(select(Incident).where(Incident.merged_into_id == incident_id)))


def parts_of(session: Session, incident_id: int) -> list[Incident]:
    """The incidents recorded as parts (sub-groups, aftermath) of ``incident_id``."""
    return list(session.scalars(select(Incident).where(Incident.part_of_id == incident_id)))


def visible_incident_ids(
    session: Session, incident_ids: Collection[int], groups: visibility.Groups
) -> set[int]:
    """Those of ``incident_ids`` that a reader in ``groups`` may see now."""
    return set(
        session.scalars(
            select(Incident.id).where(
                Incident.id.in_(sorted(incident_ids)), visibility.incident_clause(groups)
            )
        )
    )


def source_restrictions(session: Session, source_ids: Collection[int]) -> dict[int, str | None]:
    """Incident source id -> the restriction of the document it was drawn from."""
    rows = session.execute(
        select(IncidentSource.id, Document.restricted_to)
        .join(Document, Document.id == IncidentSource.document_id)
        .where(IncidentSource.id.in_(sorted(source_ids)))
    )
    return {int(source_id): group for source_id, group in rows}
