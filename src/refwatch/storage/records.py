"""Person records, linkage runs, clusters and review decisions: the SQL for person linkage.

Records come out decrypted (``StoredRecord``) only through :func:`load_records`,
in memory, for a linkage run, an estimate or a reviewer's audited read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from refwatch.storage import visibility
from refwatch.storage.tables import (
    Incident,
    LinkageCluster,
    LinkageReview,
    LinkageRun,
    PersonRecord,
    SourceList,
    utcnow,
)


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A record with its sealed fields opened (memory only)."""

    id: int
    list_name: str
    record_id: str
    names: dict[str, list[str]]
    sex: str | None
    birth: str | None
    origin: str | None
    arrest_date: str | None
    arrest_place: str | None
    return_date: str | None
    return_place: str | None
    incidents: tuple[int, ...]
    notes: str | None

    def public(self) -> dict[str, Any]:
        """Every field, JSON-ready (identifying fields included: for audited reads only)."""
        return {
            "id": self.id,
            "list": self.list_name,
            "record_id": self.record_id,
            "names": self.names,
            "sex": self.sex,
            "birth": self.birth,
            "origin": self.origin,
            "arrest_date": self.arrest_date,
            "arrest_place": self.arrest_place,
            "return_date": self.return_date,
            "return_place": self.return_place,
            "incidents": list(self.incidents),
            "notes": self.notes,
        }


@dataclass(frozen=True, slots=True)
class ReviewPair:
    """A queued pair: ids and list names only, never a name."""

    id: int
    left: int
    right: int
    left_ref: tuple[str, str]
    right_ref: tuple[str, str]
    probability: float
    status: str
    decided_by: str | None


def record_ids(session: Session, list_id: int) -> set[str]:
    """The partner record ids already on a list."""
    return set(session.scalars(select(PersonRecord.record_id).where(PersonRecord.list_id == list_id)))


def incident_usable(session: Session, incident_id: int) -> bool:
    """True when the incident exists and was not merged into another."""
    incident = session.get(Incident, incident_id)
    return incident is not None and incident.merged_into_id is None


def source_list(session: Session, name: str) -> tuple[SourceList, bool]:
    """The source list called ``name``, made when new (and whether it was)."""
    found = session.scalar(select(SourceList).where(SourceList.name == name))
    if found is not None:
        return found, False
    found = SourceList(name=name)
    session.add(found)
    session.flush()
    return found, True


def load_records(session: Session, ids: Sequence[int] | None = None) -> list[StoredRecord]:
    """Records in id order, decrypted (all of them, or ``ids``)."""
    query = select(PersonRecord, SourceList.name).join(SourceList, SourceList.id == PersonRecord.list_id)
    if ids is not None:
        query = query.where(PersonRecord.id.in_(list(ids)))
    return [_opened(row, name) for row, name in session.execute(query.order_by(PersonRecord.id)).all()]


def _opened(row: PersonRecord, list_name: str) -> StoredRecord:
    return StoredRecord(
        id=row.id,
        list_name=list_name,
        record_id=row.record_id,
        names=json.loads(row.names) if row.names else {},
        sex=row.sex,
        birth=row.birth,
        origin=row.origin,
        arrest_date=row.arrest_date,
        arrest_place=row.arrest_place,
        return_date=row.return_date,
        return_place=row.return_place,
        incidents=tuple(row.incidents or ()),
        notes=row.notes,
    )


def decisions(session: Session) -> list[tuple[int, int, str]]:
    """(left, right, status) of every decided pair."""
    rows = session.execute(
        select(LinkageReview.left_id, LinkageReview.right_id, LinkageReview.status).where(
            LinkageReview.status != "open"
        )
    ).all()
    return [(left, right, status) for left, right, status in rows]


def add_run(
    session: Session,
    *,
    actor: str,
    backend: str,
    match_threshold: float,
    review_threshold: float,
    records: int,
    pairs: int,
    links: int,
    persons: int,
    model: dict[str, Any],
) -> LinkageRun:
    run = LinkageRun(
        actor=actor,
        backend=backend,
        match_threshold=match_threshold,
        review_threshold=review_threshold,
        records=records,
        pairs=pairs,
        links=links,
        persons=persons,
        model=json.dumps(model, sort_keys=True),
    )
    session.add(run)
    session.flush()
    return run


def add_clusters(
    session: Session, run_id: int, person_of: dict[int, int], probability: dict[int, float]
) -> None:
    session.add_all(
        LinkageCluster(run_id=run_id, record_id=r, person_key=p, match_probability=probability.get(r))
        for r, p in person_of.items()
    )


def queue_reviews(session: Session, run_id: int, pairs: Iterable[tuple[int, int, float]]) -> int:
    """Put undecided uncertain pairs in the queue; open pairs the model no longer doubts leave it.

    Returns:
        How many pairs are open after the run.
    """
    wanted = {(min(a, b), max(a, b)): p for a, b, p in pairs}
    existing = {(r.left_id, r.right_id): r for r in session.scalars(select(LinkageReview))}
    for key, probability in wanted.items():
        found = existing.get(key)
        if found is None:
            session.add(
                LinkageReview(left_id=key[0], right_id=key[1], run_id=run_id, match_probability=probability)
            )
        elif found.status == "open":
            found.run_id, found.match_probability = run_id, probability
    stale = [r.id for key, r in existing.items() if r.status == "open" and key not in wanted]
    if stale:
        session.execute(delete(LinkageReview).where(LinkageReview.id.in_(stale)))
    return len(wanted.keys() - {k for k, r in existing.items() if r.status != "open"})


def latest_run(session: Session) -> LinkageRun | None:
    return session.scalar(select(LinkageRun).order_by(LinkageRun.id.desc()).limit(1))


def run_clusters(session: Session, run_id: int) -> list[tuple[str, str, int, int, float | None]]:
    """(list, record_id, record row id, person key, probability) of a run, by list and record."""
    rows = session.execute(
        select(
            SourceList.name,
            PersonRecord.record_id,
            PersonRecord.id,
            LinkageCluster.person_key,
            LinkageCluster.match_probability,
        )
        .join(PersonRecord, PersonRecord.id == LinkageCluster.record_id)
        .join(SourceList, SourceList.id == PersonRecord.list_id)
        .where(LinkageCluster.run_id == run_id)
        .order_by(SourceList.name, PersonRecord.record_id)
    ).all()
    return [(a, b, c, d, e) for a, b, c, d, e in rows]


def review_pairs(session: Session, status: str | None = "open") -> list[ReviewPair]:
    query = select(LinkageReview).order_by(LinkageReview.match_probability.desc(), LinkageReview.id)
    if status is not None:
        query = query.where(LinkageReview.status == status)
    reviews = list(session.scalars(query))
    ids = {i for r in reviews for i in (r.left_id, r.right_id)}
    refs = {
        rid: (name, record_id)
        for rid, name, record_id in session.execute(
            select(PersonRecord.id, SourceList.name, PersonRecord.record_id)
            .join(SourceList, SourceList.id == PersonRecord.list_id)
            .where(PersonRecord.id.in_(ids))
        ).all()
    }
    return [
        ReviewPair(
            r.id,
            r.left_id,
            r.right_id,
            refs[r.left_id],
            refs[r.right_id],
            r.match_probability,
            r.status,
            r.decided_by,
        )
        for r in reviews
    ]


def get_review(session: Session, review_id: int) -> LinkageReview | None:
    return session.get(LinkageReview, review_id)


def decide(review: LinkageReview, *, status: str, actor: str, when: dt.datetime | None = None) -> None:
    review.status = status
    review.decided_by = actor
    review.decided_at = when or utcnow()


def hidden_records(session: Session, groups: visibility.Groups, ids: Sequence[int]) -> set[int]:
    """The records among ``ids`` that name an incident restricted to groups outside ``groups``.

    A record tied to a restricted incident follows the incident: readers outside its groups do
    not count it, list it or open it (``groups`` None: a reader who sees everything).
    """
    if groups is None or not ids:
        return set()
    hidden = set(
        session.scalars(
            select(Incident.id).where(
                Incident.restricted_to.is_not(None), ~visibility.incident_clause(groups)
            )
        )
    )
    if not hidden:
        return set()
    return {r.id for r in load_records(session, ids) if hidden & set(r.incidents)}
