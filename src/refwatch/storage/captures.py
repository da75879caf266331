"""Who was "captured" by which list, for multiple systems estimation: the statements behind it.

An incident is on a list when an outlet reported it (``incident_outlets``) or a
partner list names it; a person when a partner list names them
(``list_memberships``). Strata read one plain column per record (``years``,
``provinces``) or open the sealed sex of each person in memory (``sexes``).
Every read of incidents takes the reader's visibility clause, so an estimate
never counts what its reader may not see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Literal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from refwatch.storage.tables import (
    Document,
    Incident,
    IncidentLocation,
    IncidentSource,
    Person,
    SourceList,
    SourceListMember,
)

Unit = Literal["incidents", "persons"]


def incident_outlets(
    session: Session, states: Sequence[str], seen: ColumnElement[bool]
) -> dict[int, set[str]]:
    """Incidents in review ``states`` that ``seen`` lets through -> the outlets that reported each.

    A source without an outlet counts as a list of its own (its document key).
    """
    rows = session.execute(
        select(Incident.id, Document.outlet, Document.key)
        .join(IncidentSource, IncidentSource.incident_id == Incident.id)
        .join(Document, Document.id == IncidentSource.document_id)
        .where(Incident.review_state.in_(list(states)), seen)
    ).all()
    members: dict[int, set[str]] = defaultdict(set)
    for incident_id, outlet, key in rows:
        members[incident_id].add(outlet or key)
    return dict(members)


def list_memberships(
    session: Session, unit: Unit, states: Sequence[str], seen: ColumnElement[bool]
) -> dict[int, set[str]]:
    """Persons, or incidents in review ``states`` that ``seen`` lets through -> the lists naming them."""
    column = SourceListMember.person_id if unit == "persons" else SourceListMember.incident_id
    query = select(column, SourceList.name).join(SourceList, SourceList.id == SourceListMember.list_id)
    query = query.where(column.is_not(None))
    if unit == "incidents":
        query = query.join(Incident, Incident.id == SourceListMember.incident_id).where(
            Incident.review_state.in_(list(states)), seen
        )
    members: dict[int, set[str]] = defaultdict(set)
    for record, name in session.execute(query).all():
        if record is not None:
            members[record].add(name)
    return dict(members)


def sexes(session: Session, person_ids: Collection[int]) -> dict[int, str]:
    """Person id -> sex (``unknown`` when not given); sex is sealed, so each is opened in memory only."""
    people = session.scalars(select(Person).where(Person.id.in_(person_ids))).all()
    return {person.id: person.sex or "unknown" for person in people}


def years(session: Session, incident_ids: Collection[int]) -> dict[int, str]:
    """Incident id -> the year it began (``unknown`` when undated)."""
    dated = session.execute(
        select(Incident.id, Incident.date_start).where(Incident.id.in_(incident_ids))
    ).all()
    return {iid: str(start.year) if start else "unknown" for iid, start in dated}


def provinces(session: Session, incident_ids: Collection[int]) -> dict[int, str]:
    """Incident id -> the province of its first location that names one (``unknown`` when none does)."""
    labels: dict[int, str] = {}
    located = session.execute(
        select(IncidentLocation.incident_id, IncidentLocation.admin1)
        .where(IncidentLocation.incident_id.in_(incident_ids))
        .order_by(IncidentLocation.id)
    ).all()
    for iid, admin1 in located:
        if admin1 and iid not in labels:
            labels[iid] = admin1
    return {iid: labels.get(iid, "unknown") for iid in incident_ids}
