"""Persons, their list memberships and their acts in incidents: the statements that read and tie them.

The services decide (what a file row or a form means, what is audited); this
module only asks the database, so that the rule for which persons a reader may
see (:func:`visible`) and the shape of a no-names summary exist once, for the
import, the lists, the download and the editing form alike.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from refwatch.storage import visibility
from refwatch.storage.tables import Act, Incident, Person, SourceList, SourceListMember


@dataclass(frozen=True, slots=True)
class PersonSummary:
    """A person as lists show them: no identifying field."""

    id: int
    pseudonym: str
    incidents: tuple[int, ...]
    lists: tuple[str, ...]
    family_in_north_korea: bool
    consent_to_publish: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "pseudonym": self.pseudonym,
            "incidents": list(self.incidents),
            "lists": list(self.lists),
            "family_in_north_korea": self.family_in_north_korea,
            "consent_to_publish": self.consent_to_publish,
        }


def visible(query: Select[Any], groups: tuple[str, ...] | None) -> Select[Any]:
    """``query`` without persons tied to an incident hidden from a reader in ``groups`` (None: all).

    A person is as restricted as the most restricted incident they appear in: their
    pseudonym next to a hidden incident's number would say that the incident exists.
    """
    if groups is None:
        return query
    hidden = (
        select(Act.person_id)
        .join(Incident, Incident.id == Act.incident_id)
        .where(Act.person_id.is_not(None), Incident.restricted_to.is_not(None))
        .where(~visibility.incident_clause(groups))
    )
    return query.where(Person.id.not_in(hidden))


def visible_person(session: Session, person_id: int, groups: tuple[str, ...] | None) -> Person | None:
    """The person ``person_id`` if a reader in ``groups`` may see them."""
    found: Person | None = session.scalar(visible(select(Person), groups).where(Person.id == person_id))
    return found


def _of_incident(query: Select[Any], incident_id: int | None) -> Select[Any]:
    if incident_id is None:
        return query
    return query.where(Person.id.in_(select(Act.person_id).where(Act.incident_id == incident_id)))


def visible_ids(
    session: Session,
    groups: tuple[str, ...] | None,
    *,
    incident_id: int | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[int]:
    """Ids of the persons a reader may see (of one incident), by pseudonym; a page of them with ``limit``."""
    page = _of_incident(visible(select(Person.id), groups), incident_id)
    page = page.order_by(Person.pseudonym, Person.id).offset(offset)
    return list(session.scalars(page if limit is None else page.limit(limit)))


def count_visible(session: Session, groups: tuple[str, ...] | None, *, incident_id: int | None = None) -> int:
    """How many persons a reader may see (of one incident)."""
    query = _of_incident(visible(select(Person.id), groups), incident_id)
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def summaries(session: Session, ids: Sequence[int]) -> list[PersonSummary]:
    """Summaries of ``ids`` in that order (plain columns only: no sealed value is loaded)."""
    if not ids:
        return []
    rows = session.execute(
        select(
            Person.id,
            Person.pseudonym,
            Person.family_in_north_korea,
            Person.consent_to_publish,
        ).where(Person.id.in_(ids))
    ).all()
    incidents: dict[int | None, set[int]] = defaultdict(set)
    for pid, iid in session.execute(select(Act.person_id, Act.incident_id).where(Act.person_id.in_(ids))):
        incidents[pid].add(iid)
    lists: dict[int | None, set[str]] = defaultdict(set)
    memberships = select(SourceListMember.person_id, SourceList.name).join(
        SourceList, SourceList.id == SourceListMember.list_id
    )
    for pid, name in session.execute(memberships.where(SourceListMember.person_id.in_(ids))):
        lists[pid].add(name)
    by_id = {
        row.id: PersonSummary(
            row.id,
            row.pseudonym,
            tuple(sorted(incidents[row.id])),
            tuple(sorted(lists[row.id])),
            row.family_in_north_korea,
            row.consent_to_publish,
        )
        for row in rows
    }
    return [by_id[i] for i in ids]


def by_pseudonym(session: Session, pseudonym: str) -> Person | None:
    """The person called ``pseudonym`` (pseudonyms are unique)."""
    return session.scalar(select(Person).where(Person.pseudonym == pseudonym))


def pseudonym_taken(session: Session, pseudonym: str) -> bool:
    """Whether some person is called ``pseudonym`` (their row is not loaded)."""
    return session.scalar(select(Person.id).where(Person.pseudonym == pseudonym)) is not None


def fresh_pseudonym(session: Session) -> str:
    """An unused ``Person P-nnnnnn``, random so that it says nothing about the name or the order."""
    while True:
        candidate = f"Person P-{secrets.randbelow(10**6):06d}"
        if not pseudonym_taken(session, candidate):
            return candidate


def source_list(session: Session, name: str) -> SourceList | None:
    """The partner list called ``name``."""
    return session.scalar(select(SourceList).where(SourceList.name == name))


def add_source_list(session: Session, name: str) -> SourceList:
    """A new partner list called ``name``, flushed so that it has its id."""
    found = SourceList(name=name)
    session.add(found)
    session.flush()
    return found


def put_on_list(session: Session, list_id: int, person_id: int) -> bool:
    """Put the person on the list unless they are on it already; whether they were added.

    Checked here because the table's unique constraint includes the NULL incident
    column, and NULLs never collide, so the database would accept a duplicate.
    """
    present = session.scalar(
        select(SourceListMember.id).where(
            SourceListMember.list_id == list_id, SourceListMember.person_id == person_id
        )
    )
    if present is not None:
        return False
    session.add(SourceListMember(list_id=list_id, person_id=person_id))
    return True


def list_memberships(session: Session, person_id: int) -> dict[str, int]:
    """The lists the person is on: list name -> membership id."""
    rows = session.execute(
        select(SourceList.name, SourceListMember.id)
        .join(SourceListMember, SourceListMember.list_id == SourceList.id)
        .where(SourceListMember.person_id == person_id)
    )
    return {str(name): int(member_id) for name, member_id in rows}


def drop_memberships(session: Session, member_ids: Iterable[int]) -> None:
    """Take the person off lists, by membership id."""
    session.execute(delete(SourceListMember).where(SourceListMember.id.in_(list(member_ids))))


def add_act(session: Session, incident_id: int, person_id: int, act_type: str) -> bool:
    """Record that the person took part in the incident as ``act_type``, unless already; whether added."""
    present = session.scalar(
        select(Act.id).where(
            Act.incident_id == incident_id, Act.person_id == person_id, Act.act_type == act_type
        )
    )
    if present is not None:
        return False
    session.add(Act(incident_id=incident_id, person_id=person_id, act_type=act_type))
    return True


def acts_with_restriction(session: Session, person_id: int, act_type: str) -> dict[int, str | None]:
    """The incidents the person took part in as ``act_type``: incident id -> its restriction."""
    rows = session.execute(
        select(Act.incident_id, Incident.restricted_to)
        .join(Incident, Incident.id == Act.incident_id)
        .where(Act.person_id == person_id, Act.act_type == act_type)
    ).all()
    return {int(incident_id): restricted for incident_id, restricted in rows}


def drop_acts(session: Session, person_id: int, act_type: str, incident_ids: Iterable[int]) -> None:
    """Undo the person's ``act_type`` in these incidents."""
    session.execute(
        delete(Act).where(
            Act.person_id == person_id, Act.act_type == act_type, Act.incident_id.in_(list(incident_ids))
        )
    )
