"""Incident repository: stored incidents out as plain records (linked-incident shape)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, String, cast, func, or_, select
from sqlalchemy.orm import Session, selectinload

from refwatch.errors import NotFound
from refwatch.storage.tables import Claim, Document, Incident, IncidentLocation, IncidentSource


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    """Filters shared by the CLI, exports and (later) the web list."""

    review_states: Sequence[str] = ()
    statuses: Sequence[str] = ()
    event_type: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    place: str | None = None
    include_merged: bool = False
    unrestricted_only: bool = False
    #: Groups whose restricted incidents may be shown; None shows all (admins, the CLI).
    visible_groups: tuple[str, ...] | None = None


def filtered_query(filters: IncidentFilter) -> Select[Incident]:
    """The SELECT for ``filters`` (all of them in SQL, so callers can page and count)."""
    query = select(Incident)
    if filters.review_states:
        query = query.where(Incident.review_state.in_(list(filters.review_states)))
    elif not filters.include_merged:
        query = query.where(Incident.review_state != "merged")
    if filters.statuses:
        query = query.where(Incident.status.in_(list(filters.statuses)))
    if filters.date_from:
        query = query.where(Incident.date_end >= filters.date_from)
    if filters.date_to:
        query = query.where(Incident.date_start <= filters.date_to)
    if filters.place:
        sub = select(IncidentLocation.incident_id).where(
            (IncidentLocation.place == filters.place) | (IncidentLocation.admin1 == filters.place)
        )
        query = query.where(Incident.id.in_(sub))
    if filters.unrestricted_only:
        query = query.where(Incident.restricted_to.is_(None))
    elif filters.visible_groups is not None:
        query = query.where(
            or_(Incident.restricted_to.is_(None), Incident.restricted_to.in_(list(filters.visible_groups)))
        )
    if filters.event_type:
        # Event types are a JSON list; its text form contains each type quoted, on both backends.
        query = query.where(cast(Incident.event_types, String).like(f'%"{filters.event_type}"%'))
    return query


def load_incidents(session: Session, filters: IncidentFilter = IncidentFilter()) -> list[Incident]:
    """Incidents with their sources, claims, places and perpetrators loaded, oldest first."""
    query = (
        filtered_query(filters)
        .options(
            selectinload(Incident.sources).selectinload(IncidentSource.document),
            selectinload(Incident.sources).selectinload(IncidentSource.claims),
            selectinload(Incident.locations),
            selectinload(Incident.perpetrators),
        )
        .order_by(Incident.date_start.is_(None), Incident.date_start, Incident.id)
    )
    return list(session.scalars(query))


def get_incident(session: Session, incident_id: int) -> Incident:
    """One incident or :class:`NotFound`."""
    row = session.get(Incident, incident_id)
    if row is None:
        raise NotFound(f"no incident {incident_id}; `refwatch incidents list` shows them")
    return row


def count_by_state(session: Session) -> dict[str, int]:
    """How many incidents are in each review state."""
    rows = session.execute(select(Incident.review_state, func.count()).group_by(Incident.review_state)).all()
    return {str(state): int(n) for state, n in rows}


def _fields(incident: Incident) -> dict[str, Any]:
    """The reconciled fields every form of an incident shows (list and full record alike)."""
    return {
        "id": incident.id,
        "review_state": incident.review_state,
        "restricted_to": incident.restricted_to,
        "event_types": list(incident.event_types or []),
        "status": incident.status,
        "date": {
            "start": incident.date_start.isoformat() if incident.date_start else None,
            "end": incident.date_end.isoformat() if incident.date_end else None,
            "precision": incident.date_precision,
        },
        "victims": {
            "count": incident.count,
            "count_min": incident.count_min,
            "count_max": incident.count_max,
            "qualifier": incident.count_qualifier,
            "women": incident.women,
            "men": incident.men,
            "children": incident.children,
        },
        "locations": [
            {
                "country": loc.country,
                "admin1": loc.admin1,
                "place": loc.place,
                "facility": loc.facility,
                "role": loc.role,
            }
            for loc in incident.locations
        ],
        "perpetrators": [{"state": p.state, "agency": p.agency} for p in incident.perpetrators],
        "salience": incident.salience,
        "disagreements": list(incident.disagreements or []),
    }


def _source_header(source: IncidentSource) -> dict[str, Any]:
    document = source.document
    return {
        "document": document.key,
        "source_id": source.id,
        "title": document.title,
        "outlet": document.outlet,
        "url": document.url,
        "published": document.publication_date_iso,
    }


def _sorted_sources(incident: Incident) -> list[IncidentSource]:
    return sorted(incident.sources, key=lambda s: (s.document.key, s.ordinal))


def to_record(incident: Incident) -> dict[str, Any]:
    """The linked-incident shape of INCIDENTS.md: schema fields plus ``sources`` and ``claims``."""
    sources = _sorted_sources(incident)
    record = _fields(incident)
    record["date"]["text"] = None
    record["victims"]["text"] = None
    record["evidence"] = [e for s in sources for e in s.extracted.get("evidence", [])]
    record["overrides"] = dict(incident.overrides or {})
    record["sources"] = [
        _source_header(s)
        | {
            "evidence": s.extracted.get("evidence", []),
            "link_score": s.link_score,
            "link_reason": s.link_reason,
            "extractor": s.extractor,
        }
        for s in sources
    ]
    record["claims"] = [_claim(s, c) for s in sources for c in sorted(s.claims, key=lambda c: c.field)]
    return record


def summary_options() -> tuple[Any, ...]:
    """Loader options for :func:`to_summary`: sources and their documents' headers only.

    Lists show many incidents at once; loading each source's extracted record,
    its claims and its documents' full text would cost far more than the page shows.
    """
    sources = selectinload(Incident.sources)
    return (
        sources.load_only(
            IncidentSource.id, IncidentSource.incident_id, IncidentSource.document_id, IncidentSource.ordinal
        ),
        sources.selectinload(IncidentSource.document).load_only(
            Document.id,
            Document.key,
            Document.title,
            Document.outlet,
            Document.url,
            Document.publication_date_iso,
        ),
        selectinload(Incident.locations),
        selectinload(Incident.perpetrators),
    )


def to_summary(incident: Incident) -> dict[str, Any]:
    """The list form of an incident: reconciled fields and its sources' headers, no quotes or claims.

    Loaded with :func:`summary_options`; the full record is :func:`to_record`.
    """
    return _fields(incident) | {"sources": [_source_header(s) for s in _sorted_sources(incident)]}


def _claim(source: IncidentSource, claim: Claim) -> dict[str, Any]:
    return {"document": source.document.key, "field": claim.field, "value": claim.value.get("value")}
