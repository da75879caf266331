"""Incidents entered by hand: from a testimony, or from text selected in a stored document.

The machine's incidents are honest about where each value came from: every
claim points at the span of the document it was read from. A hand-made
incident keeps the same promise, so it is stored exactly like an extracted
one — a source (``extractor="hand"``) of a document, with one claim per field
and evidence spans whose offsets index the document's stored text — and it
enters review as a candidate like any other.

* **From a document**: the editor selects text on the document page and assigns
  it to a field. The browser sends the span's offsets and its quote; they are
  checked here against the stored text (``text[start:end] == quote``), so a
  stale page or a hand-typed request cannot attach evidence the document does
  not say.
* **From a testimony** there is no document, so one is made: a testimony record
  whose "original" is a small JSON record (the text, who took it, on which day,
  and a random nonce so its SHA-256 cannot be used to guess a short text) sealed
  like every original, and whose working text is always sealed
  (``documents.sealed_text``), whatever ``REFWATCH_SEAL_DOCUMENT_TEXT`` says:
  a testimony is a person's own account. The day it was taken is its reference
  date; who took it is only in the sealed record.

Audit entries (``incident.create``, ``document.testimony``) carry ids, field
names and the actor, never the text, a quote or who gave the testimony.

Given the settings, the new report is linked at once, in the same transaction
and the same way an ingest links what it stores (:func:`refwatch.services.ingest.link_in`:
only what it reaches when that gives the full relink's answer, else everything),
so a hand-made incident joins the incident other reports already tell instead of
waiting for the next ``refwatch link``. The functions then answer the incident
the report is in: a candidate that joins an older incident is removed, as every
relink removes the candidates it empties.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy.orm import Session

from refwatch.config import Settings
from refwatch.domain.dates import ReferenceDate
from refwatch.domain.incidents import DateInterval, Evidence, Location, Perpetrator, Victims
from refwatch.domain.incidents import Incident as ExtractedIncident
from refwatch.domain.vocabulary import AGENCIES, LOCATION_ROLES
from refwatch.errors import InvalidInput, NotFound
from refwatch.services.incidents import new_source
from refwatch.services.ingest import link_in, linking_of
from refwatch.services.linking import refresh_incident
from refwatch.services.place_search import perpetrator_states, place_location
from refwatch.services.review import parse_field_value
from refwatch.storage import audit, visibility
from refwatch.storage import documents as document_repo
from refwatch.storage import incidents as incident_repo
from refwatch.storage.database import Database
from refwatch.storage.document_names import seal_names
from refwatch.storage.documents import reference_columns, text_is_sealed
from refwatch.storage.tables import Document, DocumentBlob, Incident

logger = logging.getLogger(__name__)

#: ``IncidentSource.extractor`` of a hand-made source.
HAND: Final = "hand"
#: The media type of a testimony record's original.
TESTIMONY_TYPE: Final = "application/vnd.refwatch.testimony+json"
#: What a selection can be assigned to, and the claim each one becomes.
ASSIGNABLE: Final = {
    "event_types": "event_types",
    "status": "status",
    "date": "date",
    "victims": "victims",
    "location": "locations",
    "perpetrator": "perpetrators",
}
TESTIMONY_LANGUAGES: Final = ("en", "ko", "zh", "other")
MAX_TESTIMONY = 200_000
MAX_QUOTE = 2_000
MAX_TAKEN_BY = 200


class FieldInvalid(InvalidInput):
    """A refused value or span, naming the form's slot it came from (the page marks that field)."""

    def __init__(self, slot: str, message: str) -> None:
        super().__init__(message)
        self.slot = slot


@dataclass(frozen=True, slots=True)
class Span:
    """A selection: ``text[start:end] == quote`` in the stored text (code points, not bytes)."""

    start: int
    end: int
    quote: str


@dataclass(frozen=True, slots=True)
class Assignment:
    """One field of the incident with the text it was read from.

    ``slot`` names the form's part (``location-2``) so that an error can be shown beside it;
    ``value`` holds the form's raw text, checked by :func:`create_from_document`.
    """

    slot: str
    field: str
    value: dict[str, str]
    span: Span | None


@dataclass(frozen=True, slots=True)
class Testimony:
    """A testimony as the editor typed it: the text, who took it and on which day, its language."""

    text: str
    taken_by: str
    taken_on: dt.date
    language: str = "ko"


def normalised(text: str) -> str:
    """The text with line ends as ``\\n``: browsers send a textarea's line ends as CRLF, offsets count LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- checking -------------------------------------------------------------------------------------


def check_span(text: str, span: Span | None, slot: str) -> Span:
    """The span as it stands in ``text``, if it quotes ``text`` exactly; else :class:`FieldInvalid`.

    A browser shows a stored ``\\r\\n`` as one line end, so the offsets it sends
    count line ends as one character: they are read against the text with its
    line ends made ``\\n`` and mapped back to the stored text, whose own
    offsets and quote are returned (``text[start:end] == quote`` always holds).
    """
    if span is None or not span.quote:
        raise FieldInvalid(slot, "select the text this value comes from, then press “Use the selected text”")
    if len(span.quote) > MAX_QUOTE:
        raise FieldInvalid(slot, f"the selected text is over {MAX_QUOTE} characters; select less")
    positions = _positions(text)
    shown = normalised(text)
    if not 0 <= span.start < span.end <= len(shown) or shown[span.start : span.end] != normalised(span.quote):
        raise FieldInvalid(
            slot,
            "the selected text is not at that place in the stored text (was the page changed?); "
            "select it again",
        )
    start, end = positions[span.start], positions[span.end]
    return Span(start, end, text[start:end])


def _positions(text: str) -> list[int]:
    """For each character of ``normalised(text)`` (and its end), where it starts in ``text``."""
    if "\r" not in text:
        return list(range(len(text) + 1))
    out, i = [], 0
    while i < len(text):
        out.append(i)
        i += 2 if text.startswith("\r\n", i) else 1
    out.append(len(text))
    return out


def _parsed(slot: str, name: str, text: str) -> Any:
    try:
        return parse_field_value(name, text)
    except InvalidInput as exc:
        raise FieldInvalid(slot, str(exc)) from None


def _values(a: Assignment) -> dict[str, Any]:
    """The checked values of one assignment, in the schema's shape for its claim."""
    v = a.value
    if a.field == "event_types":
        types = _parsed(a.slot, "event_types", v.get("event_types", ""))
        if not types:
            raise FieldInvalid(a.slot, "choose at least one event and select the text that says so")
        return {"event_types": types}
    if a.field == "status":
        return {"status": _parsed(a.slot, "status", v.get("status", "")) or "unknown"}
    if a.field == "date":
        start = _parsed(a.slot, "date_start", v.get("start", ""))
        end = _parsed(a.slot, "date_end", v.get("end", "")) or start
        precision = _parsed(a.slot, "date_precision", v.get("precision", "")) or (
            "day" if start else "unknown"
        )
        if start is None:
            raise FieldInvalid(a.slot, "a date needs at least its first day")
        if end < start:
            raise FieldInvalid(a.slot, "the end date is before the start date")
        return {"start": start, "end": end, "precision": precision}
    if a.field == "victims":
        return _victims(a)
    if a.field == "location":
        role = v.get("role", "") or "other"
        if role not in LOCATION_ROLES:
            raise FieldInvalid(a.slot, f"the place's role must be one of {', '.join(LOCATION_ROLES)}")
        try:
            found = place_location(v.get("place", ""))
        except InvalidInput as exc:
            raise FieldInvalid(a.slot, str(exc)) from None
        return found | {"role": role}
    if a.field == "perpetrator":
        state, agency = v.get("state", "") or None, v.get("agency", "") or "unknown"
        if state is not None and state not in perpetrator_states():
            raise FieldInvalid(a.slot, f"the state must be one of {', '.join(perpetrator_states())}")
        if agency not in AGENCIES:
            raise FieldInvalid(a.slot, f"the agency must be one of {', '.join(AGENCIES)}")
        return {"state": state, "agency": agency}
    raise FieldInvalid(a.slot, f"a selection can be assigned to {', '.join(ASSIGNABLE)} only")


def _victims(a: Assignment) -> dict[str, Any]:
    """Count, qualifier and bounds, refusing the combinations that INCIDENTS.md gives no meaning."""
    numbers = {n: _parsed(a.slot, n, a.value.get(n, "")) for n in ("count", "count_min", "count_max")}
    qualifier = _parsed(a.slot, "count_qualifier", a.value.get("qualifier", "")) or "exact"
    low, high = numbers["count_min"], numbers["count_max"]
    if qualifier == "range":
        if low is None or high is None:
            raise FieldInvalid(a.slot, "a range needs its lowest and highest count")
        if high < low:
            raise FieldInvalid(a.slot, "the highest count is below the lowest")
    elif numbers["count"] is None:
        raise FieldInvalid(a.slot, "give the number of people (or choose “range” and give its bounds)")
    return numbers | {"qualifier": qualifier}


def checked(text: str, assignments: list[Assignment]) -> ExtractedIncident:
    """The incident the assignments describe, every value and span checked against ``text``.

    Raises:
        FieldInvalid: naming the first slot whose value or span is refused.
    """
    if not any(a.field == "event_types" for a in assignments):
        raise FieldInvalid("event_types", "choose at least one event and select the text that says so")
    incident = ExtractedIncident(document="", event_types=[])
    for a in assignments:
        values = _values(a)
        span = check_span(text, a.span, a.slot)
        quote = span.quote
        incident.evidence.append(Evidence(span.start, span.end, quote))
        if a.field == "event_types":
            incident.event_types = sorted(set(incident.event_types) | set(values["event_types"]))
        elif a.field == "status":
            incident.status = values["status"]
        elif a.field == "date":
            incident.date = DateInterval(**values, text=quote)
        elif a.field == "victims":
            incident.victims = Victims(**values, text=quote)
        elif a.field == "location":
            incident.locations.append(Location(**values, text=quote))
        else:
            incident.perpetrators.append(Perpetrator(**values))
    return incident


# --- storing --------------------------------------------------------------------------------------


def create_from_document(
    db: Database,
    document_id: int,
    assignments: list[Assignment],
    *,
    actor: str,
    origin: str | None,
    visible_groups: visibility.Groups,
    settings: Settings | None = None,
) -> int:
    """A candidate incident from selections of a stored document; returns the incident it is in.

    With ``settings``, the new report is linked at once with their linking options (see the
    module), so the answer may be an older incident it joined.

    Raises:
        NotFound: when the document does not exist or is hidden from ``visible_groups``.
        FieldInvalid: when a value or a span is refused (nothing is stored).
    """
    with db.transaction() as session:
        doc = session.get(Document, document_id)
        if doc is None or not visibility.can_see(doc.restricted_to, visible_groups):
            raise NotFound(f"no document {document_id}")
        extracted = checked(doc.working_text, assignments)
        source_id = _store(session, doc, extracted, assignments, actor=actor, origin=origin, testimony=False)
        return _linked(session, source_id, actor=actor, settings=settings)


def create_from_testimony(
    db: Database,
    testimony: Testimony,
    assignments: list[Assignment],
    *,
    actor: str,
    origin: str | None,
    settings: Settings | None = None,
) -> tuple[int, int]:
    """A testimony record and a candidate incident quoting it; returns (incident id, document id).

    With ``settings``, the incident is linked at once (see the module): the incident id
    answered is the one the testimony's report is in then.

    Raises:
        FieldInvalid: when the testimony or a value or a span is refused (nothing is stored).
    """
    text = normalised(testimony.text)
    _check_testimony(testimony, text)
    extracted = checked(text, assignments)
    with db.transaction() as session:
        doc = _testimony_document(testimony, text, actor=actor)
        session.add(doc)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="document.testimony",
            entity="document",
            entity_id=doc.id,
            detail={"sha256": doc.sha256, "key": doc.key, "taken_on": testimony.taken_on.isoformat()},
            origin=origin,
        )
        source_id = _store(session, doc, extracted, assignments, actor=actor, origin=origin, testimony=True)
        return _linked(session, source_id, actor=actor, settings=settings), doc.id


def _linked(session: Session, source_id: int, *, actor: str, settings: Settings | None) -> int:
    """Link the new report as an ingest links its reports (with ``settings``); its incident then."""
    if settings is not None:
        link_in(session, actor=actor, link=linking_of(settings))
    incident_id = incident_repo.incident_of_source(session, source_id)
    assert incident_id is not None  # noqa: S101 - linking moves a report, never drops it
    return int(incident_id)


def _check_testimony(testimony: Testimony, text: str) -> None:
    if not text.strip():
        raise FieldInvalid("testimony", "write or paste the testimony")
    if len(text) > MAX_TESTIMONY:
        raise FieldInvalid("testimony", f"the testimony is over {MAX_TESTIMONY:,} characters")
    if not testimony.taken_by.strip() or len(testimony.taken_by) > MAX_TAKEN_BY:
        raise FieldInvalid("taken_by", f"say who took the testimony (at most {MAX_TAKEN_BY} characters)")
    if testimony.taken_on > dt.date.today():
        raise FieldInvalid("taken_on", "the day the testimony was taken is in the future")
    if testimony.language not in TESTIMONY_LANGUAGES:
        raise FieldInvalid("language", f"the language must be one of {', '.join(TESTIMONY_LANGUAGES)}")


def _testimony_document(testimony: Testimony, text: str, *, actor: str) -> Document:
    """The document standing for a testimony: its record sealed as the original, its text sealed."""
    record = {
        "kind": "testimony",
        "text": text,
        "taken_by": testimony.taken_by.strip(),
        "taken_on": testimony.taken_on.isoformat(),
        "language": testimony.language,
        "entered_by": actor,
        "nonce": secrets.token_hex(16),
    }
    data = json.dumps(record, ensure_ascii=False, sort_keys=True).encode()
    sha256 = hashlib.sha256(data).hexdigest()
    reference = ReferenceDate.day(testimony.taken_on, source="metadata", confidence="high")
    doc = Document(
        key=f"testimony-{sha256[:12]}",
        sha256=sha256,
        filename="testimony.json",
        media_type=TESTIMONY_TYPE,
        size_bytes=len(data),
        charset="utf-8",
        text="",  # never plaintext: not in the column, the search index or a dump
        publication_date=testimony.taken_on,
        publication_date_iso=testimony.taken_on.isoformat(),
        language=testimony.language,
        language_source="option",
        reliability="testimony",
        ingested_by=actor,
        **reference_columns(reference),
    )
    doc.sealed_text = text
    seal_names(doc)  # nothing identifying in them today, but every sealed document keeps them sealed
    blob = DocumentBlob(sha256=sha256)
    blob.data = data
    doc.blob = blob
    return doc


def _store(
    session: Session,
    doc: Document,
    extracted: ExtractedIncident,
    assignments: list[Assignment],
    *,
    actor: str,
    origin: str | None,
    testimony: bool,
) -> int:
    """Store the hand-made source and its incident, then write who entered it to the audit log.

    Returns the source's id (its incident may change when it is linked)."""
    at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    extracted.document = doc.key
    data = extracted.to_dict()
    by_claim: dict[str, list[dict[str, Any]]] = {}
    evidence = []
    for a, e in zip(assignments, extracted.evidence, strict=True):
        item = {"start": e.start, "end": e.end, "quote": e.quote, "field": ASSIGNABLE[a.field]}
        evidence.append(item)
        by_claim.setdefault(ASSIGNABLE[a.field], []).append(item)
    data["evidence"] = evidence
    data["entered_by_hand"] = {"by": actor, "at": at.isoformat()}
    ordinal = document_repo.next_source_ordinal(session, doc.id)
    incident = Incident(review_state="candidate", event_types=[], disagreements=[], overrides={})
    session.add(incident)
    source = new_source(
        incident,
        doc,
        data,
        by_claim,
        ordinal=ordinal,
        extractor=HAND,
        seal=testimony or text_is_sealed(doc),
    )
    session.add(source)
    session.flush()
    refresh_incident(incident)
    audit.record(
        session,
        actor=actor,
        action="incident.create",
        entity="incident",
        entity_id=incident.id,
        detail={
            "by_hand": True,
            "document": doc.id,
            "source": source.id,
            "sources": [source.id],
            "fields": sorted({ASSIGNABLE[a.field] for a in assignments}),
            "testimony": testimony,
            "restricted_to": incident.restricted_to,
        },
        origin=origin,
    )
    logger.info("incident %s entered by hand from document %s", incident.id, doc.id)
    return int(source.id)


def testimony_record(db: Database, document_id: int, *, visible_groups: visibility.Groups) -> dict[str, str]:
    """Who took a testimony and when, read from its sealed record ({} for a document that is not one)."""
    with db.session() as session:
        found = document_repo.media_type_and_restriction(session, document_id)
        if found is None or not visibility.can_see(found.restricted_to, visible_groups):
            raise NotFound(f"no document {document_id}")
        if found.media_type != TESTIMONY_TYPE:
            return {}
        blob = session.get(DocumentBlob, document_id)
        if blob is None:
            return {}
        record = json.loads(blob.data)
    return {"taken_by": str(record["taken_by"]), "taken_on": str(record["taken_on"])}
