"""Persons entered and corrected by hand (editors, in the browser), with their fields sealed.

The same promises as the partner-list import in :mod:`refwatch.services.persons`:
identifying fields are stored sealed (``storage.sensitive``); messages name the
field, never repeat its value; the audit log gets the pseudonym and the *names*
of the fields changed, never their values; nothing is logged but ids. A person
can be tied only to incidents the editor may see, and an edit leaves the ties to
incidents hidden from the editor as they were.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from refwatch.domain.records import SEXES
from refwatch.errors import NotFound
from refwatch.services.entry import FieldInvalid
from refwatch.services.persons import BIRTH_YEARS, IDENTIFYING, MAX_LIST_NAME, MAX_PSEUDONYM, VICTIM
from refwatch.storage import audit, visibility
from refwatch.storage import persons as repo
from refwatch.storage.database import Database
from refwatch.storage.tables import Incident, Person

logger = logging.getLogger(__name__)

#: The longest value a free-text field takes (names, origin, family links, contact, notes).
MAX_TEXT = {"name_hangul": 200, "name_romanised": 200, "origin": 300, "family_links": 2000, "contact": 500}
MAX_NOTES = 10_000


@dataclass(frozen=True, slots=True)
class PersonForm:
    """What the person form sends: text as typed, incidents and lists as ``;``- or comma-separated text."""

    pseudonym: str = ""
    identifying: dict[str, str] = field(default_factory=dict)
    family_in_north_korea: bool = True
    consent_to_publish: bool = False
    incidents: str = ""
    lists: str = ""


@dataclass(frozen=True, slots=True)
class _Checked:
    pseudonym: str
    values: dict[str, str | None]
    incidents: tuple[int, ...]
    lists: tuple[str, ...]


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace(",", ";").split(";") if p.strip()]


def _check(session: Session, form: PersonForm, groups: visibility.Groups) -> _Checked:
    """Every check before anything is stored; errors name the field (:class:`FieldInvalid`), never a value."""
    values: dict[str, str | None] = {c: (form.identifying.get(c) or "").strip() or None for c in IDENTIFYING}
    if len(form.pseudonym.strip()) > MAX_PSEUDONYM:
        raise FieldInvalid("pseudonym", f"the pseudonym may have at most {MAX_PSEUDONYM} characters")
    for name, limit in (MAX_TEXT | {"notes": MAX_NOTES}).items():
        if len(values[name] or "") > limit:
            raise FieldInvalid(name, f"at most {limit} characters")
    if values["sex"] is not None:
        if values["sex"].lower() not in SEXES:
            raise FieldInvalid("sex", "choose F or M, or leave it blank")
        values["sex"] = SEXES[values["sex"].lower()]
    year = values["birth_year"]
    if year is not None and (not (year.isascii() and year.isdigit()) or int(year) not in BIRTH_YEARS):
        raise FieldInvalid("birth_year", "write a year such as 1985, or leave it blank")
    incidents: list[int] = []
    for part in _split(form.incidents):
        if not (part.isascii() and part.isdigit()) or not 1 <= int(part) < 2**31:
            raise FieldInvalid("incidents", "write incident numbers, such as 12; 15")
        incident = session.get(Incident, int(part))
        if incident is None or not visibility.can_see(incident.restricted_to, groups):
            raise FieldInvalid("incidents", f"there is no incident {int(part)}")
        if incident.merged_into_id is not None:
            raise FieldInvalid(
                "incidents", f"incident {incident.id} was merged into {incident.merged_into_id}; use that"
            )
        incidents.append(incident.id)
    lists = _split(form.lists)
    if any(len(n) > MAX_LIST_NAME for n in lists):
        raise FieldInvalid("lists", f"a list name may have at most {MAX_LIST_NAME} characters")
    return _Checked(
        form.pseudonym.strip(), values, tuple(dict.fromkeys(incidents)), tuple(dict.fromkeys(lists))
    )


def add_person(
    db: Database, form: PersonForm, *, actor: str, origin: str | None, visible_groups: visibility.Groups
) -> int:
    """Store a new person; returns their id. A blank pseudonym gets a random one.

    Raises:
        FieldInvalid: naming the refused field (nothing is stored), also when neither a pseudonym
            nor a name is given or the pseudonym is taken.
    """
    with db.transaction() as session:
        checked = _check(session, form, visible_groups)
        if not (checked.pseudonym or checked.values["name_hangul"] or checked.values["name_romanised"]):
            raise FieldInvalid("pseudonym", "give a pseudonym or a name (a pseudonym is made up when blank)")
        pseudonym = checked.pseudonym or repo.fresh_pseudonym(session)
        if repo.pseudonym_taken(session, pseudonym):
            raise FieldInvalid("pseudonym", "that pseudonym is taken; choose another or leave it blank")
        person = Person(
            pseudonym=pseudonym,
            family_in_north_korea=form.family_in_north_korea,
            consent_to_publish=form.consent_to_publish,
        )
        for column, value in checked.values.items():
            setattr(person, column, value)
        session.add(person)
        session.flush()
        _tie(session, person, checked, visible_groups)
        detail = {
            "pseudonym": pseudonym,
            "by_hand": True,
            "fields": sorted(c for c, v in checked.values.items() if v is not None),
            "incidents": list(checked.incidents),
            "lists": list(checked.lists),
        }
        audit.record(
            session,
            actor=actor,
            action="person.add",
            entity="person",
            entity_id=person.id,
            detail=detail,
            origin=origin,
        )
        logger.info("person %s added by hand", person.id)
        return int(person.id)


def update_person(
    db: Database,
    person_id: int,
    form: PersonForm,
    *,
    actor: str,
    origin: str | None,
    visible_groups: visibility.Groups,
) -> list[str]:
    """Correct a person's fields, incidents and lists; returns the names of the fields changed.

    Raises:
        NotFound: no such person, or one the editor may not see.
        FieldInvalid: naming the refused field (nothing is changed).
    """
    with db.transaction() as session:
        person = repo.visible_person(session, person_id, visible_groups)
        if person is None:
            raise NotFound(f"no person {person_id}")
        checked = _check(session, form, visible_groups)
        if checked.pseudonym and checked.pseudonym != person.pseudonym:
            if repo.pseudonym_taken(session, checked.pseudonym):
                raise FieldInvalid("pseudonym", "that pseudonym is taken; choose another")
        changed = [c for c, v in checked.values.items() if getattr(person, c) != v]
        for column in changed:
            setattr(person, column, checked.values[column])
        if checked.pseudonym and checked.pseudonym != person.pseudonym:
            changed.append("pseudonym")
            person.pseudonym = checked.pseudonym
        for flag in ("family_in_north_korea", "consent_to_publish"):
            if getattr(person, flag) != getattr(form, flag):
                changed.append(flag)
                setattr(person, flag, getattr(form, flag))
        ties = _tie(session, person, checked, visible_groups)
        if changed or ties:
            detail: dict[str, Any] = {"pseudonym": person.pseudonym, "fields": sorted(changed)} | ties
            audit.record(
                session,
                actor=actor,
                action="person.edit",
                entity="person",
                entity_id=person.id,
                detail=detail,
                origin=origin,
            )
        logger.info("person %s edited by hand (%d fields)", person.id, len(changed))
        return sorted(changed) + sorted(ties)


def _tie(
    session: Session, person: Person, checked: _Checked, groups: visibility.Groups
) -> dict[str, list[Any]]:
    """Make the person's visible incidents and lists what the form says; returns what changed."""
    now_incidents = repo.acts_with_restriction(session, person.id, VICTIM)
    mine = {i for i, r in now_incidents.items() if visibility.can_see(r, groups)}  # hidden ties stay
    add_i, drop_i = (
        [i for i in checked.incidents if i not in now_incidents],
        sorted(mine - set(checked.incidents)),
    )
    for iid in add_i:
        repo.add_act(session, iid, person.id, VICTIM)
    if drop_i:
        repo.drop_acts(session, person.id, VICTIM, drop_i)
    now_lists = repo.list_memberships(session, person.id)
    add_l = [n for n in checked.lists if n not in now_lists]
    drop_l = sorted(set(now_lists) - set(checked.lists))
    for name in add_l:
        source = repo.source_list(session, name) or repo.add_source_list(session, name)
        repo.put_on_list(session, source.id, person.id)
    if drop_l:
        repo.drop_memberships(session, [now_lists[n] for n in drop_l])
    found: dict[str, list[Any]] = {
        "incidents_added": add_i,
        "incidents_removed": drop_i,
        "lists_added": add_l,
        "lists_removed": drop_l,
    }
    return {k: v for k, v in found.items() if v}


def form_values(record: dict[str, Any]) -> dict[str, str]:
    """A person record (``show_person``) as the edit form's values."""
    values = {c: "" if record.get(c) is None else str(record[c]) for c in IDENTIFYING}
    return values | {
        "pseudonym": record["pseudonym"],
        "incidents": "; ".join(str(i) for i in record["incidents"]),
        "lists": "; ".join(record["lists"]),
        "family_in_north_korea": "on" if record["family_in_north_korea"] else "",
        "consent_to_publish": "on" if record["consent_to_publish"] else "",
    }
