"""Review: people confirm, reject, correct, merge and split what the machine proposed.

Every action runs in one transaction, is written to the audit log with who,
when, the state before and after, and the reason, and can be undone. An
incident's history is the list of those audit entries.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from refwatch.domain.vocabulary import (
    AGENCIES,
    EVENT_TYPES,
    LOCATION_ROLES,
    PRECISIONS,
    QUALIFIERS,
    SALIENCES,
    STATUSES,
)
from refwatch.errors import Conflict, InvalidInput, NotFound
from refwatch.services.accounts import MAX_GROUP
from refwatch.services.incidents import EDITABLE_FIELDS, LIST_FIELDS
from refwatch.services.legal import with_legal
from refwatch.services.linking import refresh_incident
from refwatch.services.place_search import perpetrator_states, place_location
from refwatch.storage import audit, visibility
from refwatch.storage import review as rows
from refwatch.storage.database import Database
from refwatch.storage.incidents import get_incident, record_of, to_record
from refwatch.storage.tables import AuditEvent, Incident

UNDOABLE = ("incident.confirm", "incident.reject", "incident.edit", "incident.merge", "incident.split")


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One recorded change to an incident."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    detail: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            **self.detail,
        }


def _snapshot(incident: Incident) -> dict[str, Any]:
    record = to_record(incident)
    return {
        k: record[k] for k in ("review_state", "event_types", "status", "date", "victims", "overrides")
    } | {"sources": [s["source_id"] for s in record["sources"]], "restricted_to": incident.restricted_to}


def _log(
    session: Session, incident: Incident, action: str, actor: str, origin: str | None, **detail: Any
) -> int:
    return audit.record(
        session,
        actor=actor,
        action=action,
        entity="incident",
        entity_id=incident.id,
        detail=detail,
        origin=origin,
    ).id


def review_queue(
    db: Database, *, limit: int = 50, visible_groups: tuple[str, ...] | None = None
) -> list[dict[str, Any]]:
    """Candidates to review: main stories first, then those with most sources, then the most recent.

    Ordered and cut in SQL, so the queue costs the same with a hundred
    candidates or a hundred thousand (loading them all to sort them took half
    a minute at that size). Restricted incidents outside ``visible_groups`` are
    left out (None: everything, as for the CLI).
    """
    with db.session() as session:
        ids = rows.queue_ids(session, limit=limit, visible_groups=visible_groups)
        return [with_legal(record_of(session, incident_id)) for incident_id in ids]


def set_state(
    db: Database,
    incident_id: int,
    state: str,
    *,
    actor: str,
    reason: str | None = None,
    origin: str | None = None,
) -> int:
    """Confirm or reject an incident; returns the audit entry's id (what :func:`undo` may be told to expect).

    A rejection needs a reason: a rejected incident drops out of every figure,
    and the next reader of its history must be able to tell a judgement from a
    slip of the finger (#19: one keystroke used to reject with nothing kept).
    """
    if state not in ("confirmed", "rejected"):
        raise InvalidInput(f"review state must be confirmed or rejected, not {state!r}")
    reason = reason.strip() if reason else None
    if state == "rejected" and not reason:
        raise InvalidInput("a rejection needs a reason (--reason)")
    with db.transaction() as session:
        incident = get_incident(session, incident_id)
        if incident.review_state == "merged":
            raise Conflict(
                f"incident {incident_id} was merged into {incident.merged_into_id}; review that one"
            )
        before = incident.review_state
        incident.review_state = state
        action = "incident.confirm" if state == "confirmed" else "incident.reject"
        return _log(
            session,
            incident,
            action,
            actor,
            origin,
            before={"review_state": before},
            after={"review_state": state},
            reason=reason,
        )


def restrict(
    db: Database,
    incident_id: int,
    group: str | None,
    *,
    actor: str,
    reason: str,
    origin: str | None = None,
) -> list[int]:
    """Restrict the incident's evidence to ``group`` (None: open it again); returns every incident affected.

    Restriction belongs to the sources, not to the incident row: the documents
    the incident was drawn from take the group, and every incident holding one
    of them is derived again (see ``storage.visibility``), so a later split,
    merge or relink cannot carry the evidence into an open incident. A
    restricted incident is never public. Audited with the reason (not
    undoable: restricting again is the way back).
    """
    if not reason or not reason.strip():
        raise InvalidInput("a restriction needs a reason (--reason)")
    name = group_name(group)
    with db.transaction() as session:
        incident = get_incident(session, incident_id)
        documents = sorted({s.document_id for s in incident.sources})
        if not documents:
            raise Conflict(
                f"incident {incident_id} has no sources of its own (merged into {incident.merged_into_id}); "
                "restrict the incident that holds them"
            )
        before = incident.restricted_to
        affected = restrict_documents(session, documents, name)
        _log(
            session,
            incident,
            "incident.restrict",
            actor,
            origin,
            before={"restricted_to": before},
            after={"restricted_to": incident.restricted_to},
            documents=documents,
            incidents=affected,
            reason=reason,
        )
        return affected


def restrict_documents(session: Session, document_ids: Sequence[int], group: str | None) -> list[int]:
    """Set these documents' group and derive every incident drawn from them again (caller audits)."""
    rows.set_document_groups(session, document_ids, group)
    return visibility.rederive_documents(session, document_ids)


def group_name(group: str | None) -> str | None:
    """A restriction's group as stored (None or blank: open), or :class:`InvalidInput`."""
    if group is None or not group.strip():
        return None
    try:
        return visibility.check_group_name(group, limit=MAX_GROUP)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def edit_field(
    db: Database,
    incident_id: int,
    field: str,
    value: str,
    *,
    actor: str,
    reason: str,
    origin: str | None = None,
) -> int:
    """Set one field by hand; the value wins over what the sources say, and the reason is kept.

    The audit entry names the field and its shown value before and after
    (``value_before``/``value_after``; not ``from``/``new``, which name
    incidents in a split's entry), so the history can say what changed without
    diffing snapshots; returns the entry's id.
    """
    if not reason or not reason.strip():
        raise InvalidInput("an edit needs a reason (--reason)")
    parsed = parse_field_value(field, value)
    with db.transaction() as session:
        incident = get_incident(session, incident_id)
        before = _snapshot(incident)
        overrides = dict(incident.overrides or {})
        previous = overrides.get(field, "__absent__")
        shown_before = field_value(to_record(incident), field)
        overrides[field] = parsed
        incident.overrides = overrides
        refresh_incident(incident)
        return _log(
            session,
            incident,
            "incident.edit",
            actor,
            origin,
            field=field,
            previous_override=previous,
            value_before=shown_before,
            value_after=field_value(to_record(incident), field),
            before=before,
            after=_snapshot(incident),
            reason=reason,
        )


def field_value(record: dict[str, Any], field: str) -> Any:
    """The value of an editable ``field`` as an incident record (``to_record``) shows it."""
    victims, date = record["victims"], record["date"]
    where = {
        "date_start": date["start"],
        "date_end": date["end"],
        "date_precision": date["precision"],
        "count_qualifier": victims["qualifier"],
    }
    if field in where:
        return where[field]
    if field in ("count", "count_min", "count_max", "women", "men", "children"):
        return victims.get(field)
    return record.get(field)


def parse_field_value(field: str, value: str) -> Any:
    """Check and convert a hand-entered value for ``field``."""
    if field not in EDITABLE_FIELDS:
        raise InvalidInput(f"field {field!r} cannot be edited; editable: {', '.join(EDITABLE_FIELDS)}")
    text = value.strip()
    if field in LIST_FIELDS:
        return _parse_list(field, text)
    if text.lower() in ("", "null", "none"):
        return None
    if field in ("count", "count_min", "count_max", "women", "men", "children"):
        if not text.isdigit():
            raise InvalidInput(f"{field} must be a whole number ≥ 0 or 'null', not {value!r}")
        return int(text)
    if field in ("date_start", "date_end"):
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise InvalidInput(f"{field} must be a date as YYYY-MM-DD, not {value!r}") from None
    choices: dict[str, Sequence[str]] = {
        "status": STATUSES,
        "date_precision": PRECISIONS,
        "count_qualifier": QUALIFIERS,
        "salience": SALIENCES,
    }
    if field == "event_types":
        types = sorted({t.strip() for t in text.split(",") if t.strip()})
        unknown = [t for t in types if t not in EVENT_TYPES]
        if unknown or not types:
            raise InvalidInput(f"unknown event type(s) {unknown}; choose from {', '.join(EVENT_TYPES)}")
        return types
    if text not in choices[field]:
        raise InvalidInput(f"{field} must be one of {', '.join(choices[field])}, not {value!r}")
    return text


def _parse_list(field: str, text: str) -> list[dict[str, Any]]:
    """Places or perpetrators as JSON (``[{"place": "Yanji", "role": "arrest"}]``), checked one by one.

    A place is named by its gazetteer id or one of its names (any script) and
    stored as the gazetteer's labels, so a hand-set place is one that filters,
    maps and linking know; an empty text or list sets none.
    """
    if text.lower() in ("", "null", "none", "[]"):
        return []
    try:
        items = json.loads(text)
    except json.JSONDecodeError:
        items = None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InvalidInput(f'{field} must be a JSON list such as [{{"place": "Yanji", "role": "arrest"}}]')
    out: list[dict[str, Any]] = []
    for number, item in enumerate(items, start=1):
        if field == "locations":
            role = str(item.get("role") or "other")
            if role not in LOCATION_ROLES:
                raise InvalidInput(f"place {number}: the role must be one of {', '.join(LOCATION_ROLES)}")
            try:
                out.append(place_location(str(item.get("place") or "")) | {"role": role})
            except InvalidInput as exc:
                raise InvalidInput(f"place {number}: {exc}") from None
        else:
            state, agency = item.get("state") or None, str(item.get("agency") or "unknown")
            if state is not None and state not in perpetrator_states():
                raise InvalidInput(
                    f"perpetrator {number}: the state must be one of {', '.join(perpetrator_states())}"
                )
            if agency not in AGENCIES:
                raise InvalidInput(f"perpetrator {number}: the agency must be one of {', '.join(AGENCIES)}")
            out.append({"state": state, "agency": agency})
    return out


def merge(
    db: Database,
    target_id: int,
    other_id: int,
    *,
    actor: str,
    reason: str | None = None,
    origin: str | None = None,
) -> None:
    """Move every source of ``other_id`` into ``target_id``; the other is marked merged."""
    if target_id == other_id:
        raise InvalidInput("cannot merge an incident with itself")
    with db.transaction() as session:
        target, other = get_incident(session, target_id), get_incident(session, other_id)
        for incident in (target, other):
            if incident.review_state == "merged":
                raise Conflict(f"incident {incident.id} is already merged into {incident.merged_into_id}")
        moved = [s.id for s in other.sources]
        before = {
            "target": _snapshot(target),
            "other": _snapshot(other),
            "other_locked": other.sources_locked,
            "target_locked": target.sources_locked,
        }
        for source in list(other.sources):
            source.incident = target
        other.review_state, other.merged_into_id = "merged", target.id
        target.sources_locked = True
        session.flush()
        session.refresh(target, attribute_names=["sources"])
        refresh_incident(target)
        detail = {
            "target": target.id,
            "other": other.id,
            "moved_sources": moved,
            "before": before,
            "reason": reason,
        }
        _log(session, target, "incident.merge", actor, origin, **detail)
        _log(session, other, "incident.merged_into", actor, origin, **detail)


def split(
    db: Database,
    incident_id: int,
    source_ids: Sequence[int],
    *,
    actor: str,
    reason: str | None = None,
    origin: str | None = None,
) -> int:
    """Move the given sources of an incident into a new incident; returns the new id."""
    if not source_ids:
        raise InvalidInput("name at least one source to split off (--source ID)")
    with db.transaction() as session:
        incident = get_incident(session, incident_id)
        own = {s.id: s for s in incident.sources}
        missing = sorted(set(source_ids) - set(own))
        if missing:
            raise InvalidInput(f"source(s) {missing} do not belong to incident {incident_id}")
        if len(set(source_ids)) == len(own):
            raise InvalidInput("splitting off every source would leave the incident empty")
        before = _snapshot(incident)
        new = Incident(
            review_state="candidate", event_types=[], disagreements=[], overrides={}, sources_locked=True
        )
        session.add(new)
        session.flush()
        for sid in sorted(set(source_ids)):
            own[sid].incident = new
        incident.sources_locked = True
        session.flush()
        session.refresh(incident, attribute_names=["sources"])
        session.refresh(new, attribute_names=["sources"])
        refresh_incident(incident)
        refresh_incident(new)
        detail = {
            "from": incident.id,
            "new": new.id,
            "sources": sorted(set(source_ids)),
            "before": before,
            "reason": reason,
        }
        _log(session, incident, "incident.split", actor, origin, **detail)
        _log(session, new, "incident.split_from", actor, origin, **detail)
        return new.id


def undo(
    db: Database,
    incident_id: int,
    *,
    actor: str,
    origin: str | None = None,
    expected: int | None = None,
) -> str:
    """Reverse the most recent review action on an incident that has not been undone yet.

    ``expected`` names the audit entry the caller means to reverse (the web's
    Undo button after a confirm or reject carries it): when someone acted on the
    incident since, that is a :class:`Conflict`, never a reversal of their work.
    """
    with db.transaction() as session:
        incident = get_incident(session, incident_id)
        last = audit.last_undoable(session, incident_id, tuple(UNDOABLE))
        if last is None:
            raise NotFound(f"incident {incident_id} has no review action left to undo")
        if expected is not None and last.id != expected:
            raise Conflict(
                f"incident {incident_id} has changed since; its latest change is not the one to undo"
            )
        _reverse(session, incident, last)
        _log(session, incident, "incident.undo", actor, origin, undoes=last.id, undone_action=last.action)
        return last.action


def _reverse(session: Session, incident: Incident, event: AuditEvent) -> None:
    d = event.detail
    if event.action in ("incident.confirm", "incident.reject"):
        incident.review_state = d["before"]["review_state"]
    elif event.action == "incident.edit":
        overrides = dict(incident.overrides or {})
        if d["previous_override"] == "__absent__":
            overrides.pop(d["field"], None)
        else:
            overrides[d["field"]] = d["previous_override"]
        incident.overrides = overrides
        refresh_incident(incident)
    elif event.action == "incident.merge":
        other = get_incident(session, int(d["other"]))
        for source in rows.sources_by_id(session, d["moved_sources"]):
            source.incident = other
        other.review_state, other.merged_into_id = d["before"]["other"]["review_state"], None
        other.sources_locked = bool(d["before"]["other_locked"])
        incident.sources_locked = bool(d["before"]["target_locked"])
        session.flush()
        for inc in (incident, other):
            session.refresh(inc, attribute_names=["sources"])
            refresh_incident(inc)
    elif event.action == "incident.split":
        new = get_incident(session, int(d["new"]))
        if new.review_state != "candidate" or {s.id for s in new.sources} != set(d["sources"]):
            raise Conflict(f"incident {new.id} has changed since the split; undo its changes first")
        for source in list(new.sources):
            source.incident = incident
        # Incidents merged into the split-off one (and relinked since) now point at the one
        # it returns to: deleting it must not leave them pointing at nothing.
        for merged in rows.merged_into(session, new.id):
            merged.merged_into_id = incident.id
        for part in rows.parts_of(session, new.id):
            part.part_of_id = None if part.id == incident.id else incident.id
        session.flush()
        session.delete(new)
        session.refresh(incident, attribute_names=["sources"])
        refresh_incident(incident)


def history(db: Database, incident_id: int, *, visible_groups: visibility.Groups) -> list[HistoryEntry]:
    """Every recorded change to an incident that a reader in ``visible_groups`` may see, oldest first.

    Entries carry snapshots of the incidents they touched (a merge keeps both
    sides as they were; a split, its parent). An entry is left out when any
    incident it names is hidden from the reader now, any source it names (by
    id: source ids never change) comes from a document hidden from the reader
    now, or any snapshot in it was restricted beyond the reader's groups when
    it was taken: an open incident split off a restricted one must not show
    its parent's figures, nor a snapshot taken before a partner's report was
    restricted.
    """
    with db.session() as session:
        get_incident(session, incident_id)
        events = audit.incident_events(session, incident_id)
        entries = [HistoryEntry(e.id, e.at, e.actor, e.action, dict(e.detail)) for e in events]
        if visible_groups is None:
            return entries
        named = {i for e in entries for i in _incidents_named(e.detail)} - {incident_id}
        hidden = set(named) - rows.visible_incident_ids(session, named, visible_groups)
        sources = {i for e in entries for i in _sources_in(e.detail)}
        hidden_sources = {
            source_id
            for source_id, group in rows.source_restrictions(session, sources).items()
            if not visibility.can_see(group, visible_groups)
        }
    return [
        e
        for e in entries
        if not (_incidents_named(e.detail) & hidden)
        and not (_sources_in(e.detail) & hidden_sources)
        and all(visibility.can_see(r, visible_groups) for r in _restrictions_in(e.detail))
    ]


_INCIDENT_KEYS = ("target", "other", "from", "new")


def _incidents_named(detail: dict[str, Any]) -> set[int]:
    """The incident ids an audit entry's detail names (merge and split partners, incidents affected)."""
    found = {int(detail[k]) for k in _INCIDENT_KEYS if isinstance(detail.get(k), int)}
    return found | {int(i) for i in detail.get("incidents") or () if isinstance(i, int)}


def _sources_in(value: Any) -> set[int]:
    """Every source id an audit entry's detail names (snapshots' ``sources``, a merge's ``moved_sources``)."""
    if isinstance(value, dict):
        lists = [value[k] for k in ("sources", "moved_sources") if isinstance(value.get(k), list)]
        found = {int(i) for listed in lists for i in listed if isinstance(i, int)}
        return found.union(*(_sources_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_sources_in(v) for v in value))
    return set()


def _restrictions_in(value: Any) -> list[str | None]:
    """Every ``restricted_to`` recorded anywhere in an audit entry's detail (snapshots, before/after)."""
    if isinstance(value, dict):
        own = [value["restricted_to"]] if "restricted_to" in value else []
        return own + [r for v in value.values() for r in _restrictions_in(v)]
    if isinstance(value, list):
        return [r for v in value for r in _restrictions_in(v)]
    return []
