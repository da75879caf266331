"""Incidents from extraction: storing each extracted incident with its source and claims.

Linking (attaching a new report to an incident already stored) builds on this;
until then each extracted incident becomes a candidate incident of its own.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from refwatch.domain.incidents import Incident as ExtractedIncident
from refwatch.storage.tables import (
    Claim,
    Document,
    Incident,
    IncidentLocation,
    IncidentPerpetrator,
    IncidentSource,
)

logger = logging.getLogger(__name__)

#: Fields of an extracted incident that become claims, one per source.
CLAIM_FIELDS = ("event_types", "status", "date", "victims", "locations", "perpetrators", "salience")


def run_extractor(doc: Document) -> tuple[str, list[ExtractedIncident]]:
    """Run the default extractor on a stored document; returns its name and the incidents."""
    from refwatch import extract

    extract_document = getattr(extract, "extract_document", None)
    if extract_document is None:
        return "none", []
    published = doc.publication_date
    found: list[ExtractedIncident] = extract_document(
        doc.text, document=doc.key, published=published, language=doc.language
    )
    return str(getattr(extract, "DEFAULT_EXTRACTOR_NAME", "rules")), found


def extract_and_link(session: Session, doc: Document, *, actor: str) -> int:
    """Extract incidents from ``doc`` and store them; returns how many were found."""
    extractor, found = run_extractor(doc)
    for ordinal, extracted in enumerate(found):
        incident = new_incident_from(extracted)
        session.add(incident)
        add_source(session, incident, doc, extracted, ordinal=ordinal, extractor=extractor)
    logger.info("document %s: %d incidents extracted", doc.id, len(found))
    return len(found)


def new_incident_from(extracted: ExtractedIncident) -> Incident:
    """A candidate incident whose reconciled values are those of its first source."""
    import datetime as dt

    def day(value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    v = extracted.victims
    incident = Incident(
        review_state="candidate",
        event_types=list(extracted.event_types),
        status=extracted.status,
        date_start=day(extracted.date.start),
        date_end=day(extracted.date.end),
        date_precision=extracted.date.precision,
        count=v.count,
        count_min=v.count_min,
        count_max=v.count_max,
        count_qualifier=v.qualifier,
        women=v.women,
        men=v.men,
        children=v.children,
        salience=extracted.salience,
        disagreements=[],
    )
    incident.locations = [
        IncidentLocation(
            country=loc.country, admin1=loc.admin1, place=loc.place, facility=loc.facility, role=loc.role
        )
        for loc in extracted.locations
    ]
    incident.perpetrators = [
        IncidentPerpetrator(state=p.state, agency=p.agency) for p in extracted.perpetrators
    ]
    return incident


def add_source(
    session: Session,
    incident: Incident,
    doc: Document,
    extracted: ExtractedIncident,
    *,
    ordinal: int,
    extractor: str,
    link_score: float | None = None,
    link_reason: str | None = None,
) -> IncidentSource:
    """Attach one document's report to an incident, keeping every field as a claim."""
    data = extracted.to_dict()
    source = IncidentSource(
        incident=incident,
        document=doc,
        ordinal=ordinal,
        extracted=data,
        extractor=extractor,
        link_score=link_score,
        link_reason=link_reason,
    )
    evidence: list[Any] = data["evidence"]
    source.claims = [
        Claim(field=name, value={"value": data[name]}, evidence=evidence) for name in CLAIM_FIELDS
    ]
    session.add(source)
    return source
