"""Incidents from extraction: each report kept as a source with its claims, then linked.

A newly extracted incident is first stored as a candidate incident of its own;
:func:`refwatch.services.linking.relink` then groups reports describing the same
event and recomputes each incident's shown values from its claims.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy.orm import Session

from refwatch.domain.dates import ReferenceDate
from refwatch.domain.incidents import Incident as ExtractedIncident
from refwatch.extract.base import Extraction
from refwatch.law import classify_incident, engaged_instruments
from refwatch.link.reconcile import Reconciled
from refwatch.storage import quotes, visibility
from refwatch.storage.document_names import names_of
from refwatch.storage.documents import reference_of, set_reference, text_is_sealed
from refwatch.storage.tables import (
    Claim,
    Document,
    Incident,
    IncidentLocation,
    IncidentPerpetrator,
    IncidentSource,
)
from refwatch.storage.tallies import add_tallies

logger = logging.getLogger(__name__)

#: Fields of an extracted incident that become claims, one per source.
CLAIM_FIELDS = ("event_types", "status", "date", "victims", "locations", "perpetrators", "salience")
#: Fields a reviewer may set by hand (``refwatch incidents edit``).
EDITABLE_FIELDS = (
    "event_types",
    "status",
    "date_start",
    "date_end",
    "date_precision",
    "count",
    "count_min",
    "count_max",
    "count_qualifier",
    "women",
    "men",
    "children",
    "salience",
    "locations",
    "perpetrators",
)
#: Fields whose value is a list of places or of agencies, set by hand as a whole.
LIST_FIELDS = ("locations", "perpetrators")


def derived_reference(doc: Document) -> ReferenceDate | None:
    """A stored document's reference date derived afresh, from what ingest derives it from."""
    # imported here: reading dates compiles the extractor's date patterns, which the many
    # commands and pages that import this module for its other functions never use
    from refwatch.extract.refdate import reference_date

    return reference_date(doc.working_text, metadata=doc.publication_date_iso, url=names_of(doc).url)


def document_reference(doc: Document) -> ReferenceDate | None:
    """The document's stored reference date; one stored before migration 0013 gets it derived and stored."""
    found = reference_of(doc, opened=True)
    if found is None and doc.reference_precision is None:
        found = derived_reference(doc)
        set_reference(doc, found, seal=text_is_sealed(doc))
    return found


def run_extractor(doc: Document) -> tuple[str, Extraction | list[ExtractedIncident]]:
    """Run the default extractor on a stored document; returns its name and what it found.

    The incidents and tallies (:class:`~refwatch.extract.base.Extraction`); a plain list
    of incidents, as a replacement extractor in tests may give, stands for no tallies.
    """
    from refwatch.extract import DEFAULT_EXTRACTOR_NAME, get_extractor
    from refwatch.extract.base import extract_all

    found = extract_all(
        get_extractor(DEFAULT_EXTRACTOR_NAME),
        doc.working_text,
        document=doc.key,
        reference=document_reference(doc),
        language=doc.language,
    )
    return DEFAULT_EXTRACTOR_NAME, found


def extract_and_link(session: Session, doc: Document, *, actor: str) -> int:
    """Extract incidents from ``doc`` and store each as a candidate with its claims; returns how many.

    The document's tallies are stored in the same transaction (``storage.tallies``):
    never as incidents, so no figure of people adds them in.
    """
    extractor, result = run_extractor(doc)
    return store_extraction(session, doc, extractor, result)


def store_extraction(
    session: Session,
    doc: Document,
    extractor: str,
    result: Extraction | list[ExtractedIncident],
    *,
    seal: bool | None = None,
) -> int:
    """Store what :func:`run_extractor` found in ``doc`` (in the caller's transaction); returns how many.

    Ingest runs the extractor in a worker process, outside any transaction, and
    stores its result here, exactly as :func:`extract_and_link` would have.
    ``seal``: whether the quotes are sealed; None asks the document (sealed when its text is). Ingest
    says so itself: a long text's sealed pieces are written after this.
    """
    if seal is None:
        seal = text_is_sealed(doc)
    found = result if isinstance(result, list) else result.incidents
    tallies = [] if isinstance(result, list) else result.tallies
    add_tallies(session, doc, tallies, extractor=extractor, seal=seal)
    for ordinal, extracted in enumerate(found):
        incident = Incident(review_state="candidate", event_types=[], disagreements=[], overrides={})
        session.add(incident)
        add_source(session, incident, doc, extracted, ordinal=ordinal, extractor=extractor, seal=seal)
        apply_values(incident, Reconciled(extracted))
        visibility.derive(incident)
    logger.info("%s: %d incidents and %d tallies extracted", log_name(doc), len(found), len(tallies))
    return len(found)


def log_name(doc: Document) -> str:
    """How logs name a document: by id, or, before its row is written (batched ingest flushes a
    batch at once), by the start of its hash, which the ingest's audit entry records beside the id."""
    if doc.id is not None:
        return f"document {doc.id}"
    return f"document sha256:{doc.sha256[:12]}" if doc.sha256 else "a document not yet stored"


def add_source(
    session: Session,
    incident: Incident,
    doc: Document,
    extracted: ExtractedIncident,
    *,
    ordinal: int,
    extractor: str,
    seal: bool | None = None,
) -> IncidentSource:
    """Attach one document's report to an incident, keeping every field as a claim.

    ``seal``: whether its quotes are sealed (see :func:`new_source`); None asks the document.
    """
    data = extracted.to_dict()
    evidence: list[Any] = data["evidence"]
    source = new_source(
        incident,
        doc,
        data,
        dict.fromkeys(CLAIM_FIELDS, evidence),
        ordinal=ordinal,
        extractor=extractor,
        seal=text_is_sealed(doc) if seal is None else seal,
    )
    session.add(source)
    return source


def new_source(
    incident: Incident,
    doc: Document,
    data: dict[str, Any],
    evidence: dict[str, list[Any]],
    *,
    ordinal: int,
    extractor: str,
    seal: bool,
) -> IncidentSource:
    """A source row for ``data`` (an extracted incident's JSON form) with a claim per field.

    ``evidence``: each claim's evidence spans, by field. With ``seal`` every quote and every
    "as written" text in them is sealed (:mod:`refwatch.storage.quotes`): they are sentences of the
    document, and its text is sealed.
    """
    claims = [(name, {"value": data[name]}, evidence.get(name, [])) for name in CLAIM_FIELDS]
    if seal:
        sha = doc.sha256
        data = quotes.seal_source(data, sha256=sha, ordinal=ordinal)
        claims = [
            (
                name,
                quotes.seal_claim(value, column="value", sha256=sha, ordinal=ordinal, field=name),
                quotes.seal_claim(spans, column="evidence", sha256=sha, ordinal=ordinal, field=name),
            )
            for name, value, spans in claims
        ]
    source = IncidentSource(
        incident=incident, document=doc, ordinal=ordinal, extracted=data, extractor=extractor
    )
    source.claims = [Claim(field=name, value=value, evidence=spans) for name, value, spans in claims]
    return source


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def apply_values(incident: Incident, reconciled: Reconciled) -> None:
    """Copy reconciled values onto the stored incident, then the reviewer's overrides on top.

    The obligations the incident engages (``legal``) are classified again from
    the final values, so an edit, a merge or a relink always shows the law
    that applies to what the incident now says.
    """
    r = reconciled.incident
    v = r.victims
    values: dict[str, Any] = {
        "event_types": list(r.event_types),
        "status": r.status,
        "date_start": _day(r.date.start),
        "date_end": _day(r.date.end),
        "date_precision": r.date.precision,
        "count": v.count,
        "count_min": v.count_min,
        "count_max": v.count_max,
        "count_qualifier": v.qualifier,
        "women": v.women,
        "men": v.men,
        "children": v.children,
        "salience": r.salience,
    }
    overrides = incident.overrides or {}
    for name, value in overrides.items():
        if name in values:
            values[name] = _day(value) if name.startswith("date_") and name != "date_precision" else value
    for name, value in values.items():
        setattr(incident, name, value)
    incident.disagreements = list(reconciled.disagreements)
    # Rows are replaced only when they differ: every relink reconciles every incident, and
    # deleting and inserting the same rows again was most of a relink's writes.
    places = [(loc.country, loc.admin1, loc.place, loc.facility, loc.role) for loc in r.locations]
    if "locations" in overrides:  # set by hand: the places the reviewer chose, whatever the sources say
        places = [
            (o["country"], o["admin1"], o["place"], o["facility"], o["role"]) for o in overrides["locations"]
        ]
    if [(x.country, x.admin1, x.place, x.facility, x.role) for x in incident.locations] != places:
        incident.locations = [
            IncidentLocation(country=c, admin1=a, place=p, facility=f, role=role)
            for c, a, p, f, role in places
        ]
    agents = [(p.state, p.agency) for p in r.perpetrators]
    if "perpetrators" in overrides:
        agents = [(o["state"], o["agency"]) for o in overrides["perpetrators"]]
    if [(x.state, x.agency) for x in incident.perpetrators] != agents:
        incident.perpetrators = [IncidentPerpetrator(state=state, agency=agency) for state, agency in agents]
    incident.legal_instruments = engaged_instruments(
        classify_incident(
            {
                "event_types": values["event_types"],
                "date": {"start": _iso(values["date_start"]), "end": _iso(values["date_end"])},
                "victims": {"women": values["women"], "children": values["children"]},
                "locations": [{"country": place[0]} for place in places],
                "perpetrators": [{"state": agent[0]} for agent in agents],
            }
        )
    )


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
