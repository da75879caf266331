"""Incident repository: stored incidents out as plain records (linked-incident shape)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    FromClause,
    Select,
    String,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session, selectinload

from refwatch.errors import NotFound
from refwatch.storage import quotes, visibility
from refwatch.storage.tables import (
    Claim,
    Document,
    Incident,
    IncidentLocation,
    IncidentPerpetrator,
    IncidentSource,
)


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
    #: Lists in reverse: the most recent incidents first, undated ones left out ("latest incidents").
    newest_first: bool = False
    #: How the web list is sorted: a key of ``services.browse.INCIDENT_ORDERS``, ``-`` first for
    #: descending; empty for the default (oldest first, undated last).
    order: str = ""

    def __post_init__(self) -> None:
        # Tuples whatever the caller passed, so that a filter is hashable: the web list keeps the
        # statements it builds per filter (``services.browse``).
        object.__setattr__(self, "review_states", tuple(self.review_states))
        object.__setattr__(self, "statuses", tuple(self.statuses))
        if self.visible_groups is not None:
            object.__setattr__(self, "visible_groups", tuple(self.visible_groups))


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
        query = query.where(visibility.incident_clause(()))
    elif filters.visible_groups is not None:
        query = query.where(visibility.incident_clause(filters.visible_groups))
    if filters.newest_first:
        query = query.where(Incident.date_start.is_not(None))
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


def count_by_state(session: Session, where: ColumnElement[bool] | None = None) -> dict[str, int]:
    """How many incidents (of those ``where`` selects, else all) are in each review state."""
    query = select(Incident.review_state, func.count()).group_by(Incident.review_state)
    if where is not None:
        query = query.where(where)
    rows = session.execute(query).all()
    return {str(state): int(n) for state, n in rows}


def _fields(incident: Any, locations: Iterable[Any], perpetrators: Iterable[Any]) -> dict[str, Any]:
    """The reconciled fields every form of an incident shows (list and full record alike).

    ``incident`` is an :class:`Incident` or a row of its table, and the others
    rows of its places and perpetrators: the full record loads objects, the
    list plain rows (see :func:`summaries`).
    """
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
            for loc in locations
        ],
        "perpetrators": [{"state": p.state, "agency": p.agency} for p in perpetrators],
        "salience": incident.salience,
        "disagreements": list(incident.disagreements or []),
    }


def _source_header(source_id: int, document: Any) -> dict[str, Any]:
    """A source's document as lists show it; ``document`` is a :class:`Document` or a row with its columns."""
    return {
        "document": document.key,
        "source_id": source_id,
        "title": document.title,
        "outlet": document.outlet,
        "url": document.url,
        "published": document.publication_date_iso,
    }


def _sorted_sources(incident: Incident) -> list[IncidentSource]:
    return sorted(incident.sources, key=lambda s: (s.document.key, s.ordinal))


@dataclass(frozen=True, slots=True)
class _SourceView:
    """What the full record shows of one source, from ORM objects or from plain rows alike."""

    id: int
    document: Any  # a Document, or a row with its header columns
    extracted: dict[str, Any]
    link_score: float | None
    link_reason: str | None
    extractor: str
    claims: list[tuple[str, Any]]  # (field, stored value), in field order


def to_record(incident: Incident) -> dict[str, Any]:
    """The linked-incident shape of INCIDENTS.md: schema fields plus ``sources`` and ``claims``.

    Sealed quotes are opened (:mod:`refwatch.storage.quotes`): the record shows them.
    """
    sources = [
        _SourceView(
            s.id,
            s.document,
            opened_extracted(s),
            s.link_score,
            s.link_reason,
            s.extractor,
            [
                (c.field, _opened_value(c.value, s.document.sha256, s.ordinal, c.field))
                for c in sorted(s.claims, key=lambda c: c.field)
            ],
        )
        for s in _sorted_sources(incident)
    ]
    return _record(incident, incident.locations, incident.perpetrators, sources)


def record_of(session: Session, incident_id: int, visible_groups: visibility.Groups = None) -> dict[str, Any]:
    """:func:`to_record` of one incident, read as plain rows in three queries (the API's detail).

    The incident's row; its places and perpetrators (one query, a union); its
    sources with their documents' headers and their claims (one query, a
    join). Each query carries the reader's visibility rule itself, so an
    incident restricted between two of them (read committed: each has its own
    snapshot) shows nothing of its evidence, rather than evidence the reader may
    not see. Loading the incident as objects, with one lazy query per source
    for its document and its claims, cost about three times as much; on
    PostgreSQL every query is a round trip, which is why the five the detail
    once took (six with the visibility check) are three now. The statements
    are built once per set of groups (below). Raises :class:`NotFound`, also
    for an incident the reader may not see.
    """
    conn = session.connection()
    statements = _detail_statements(visible_groups)
    params = {"incident": incident_id}
    row = conn.execute(statements.incident, params).first()
    if row is None:
        raise NotFound(f"no incident {incident_id}; `refwatch incidents list` shows them")
    locations: list[Any] = []
    perpetrators: list[Any] = []
    for part in conn.execute(statements.parts, params):
        if part.kind == _LOCATION:
            locations.append(_Location(part.a, part.b, part.c, part.d, part.e))
        else:
            perpetrators.append(_Perpetrator(part.a, part.b))
    views: dict[int, _SourceView] = {}
    for r in conn.execute(statements.sources, params):
        view = views.get(r.id)
        if view is None:
            extracted = quotes.open_source(r.extracted, sha256=r.sha256, ordinal=r.ordinal)
            view = views[r.id] = _SourceView(r.id, r, extracted, r.link_score, r.link_reason, r.extractor, [])
        if r.field is not None:
            view.claims.append((r.field, _opened_value(r.value, r.sha256, r.ordinal, r.field)))
    sources = [replace(v, claims=sorted(v.claims, key=lambda c: c[0])) for v in views.values()]
    return _record(row, locations, perpetrators, sources)


def opened_extracted(source: IncidentSource) -> dict[str, Any]:
    """A stored source's extracted incident with its quotes opened (they are sealed when its
    document's text is: :mod:`refwatch.storage.quotes`)."""
    opened: dict[str, Any] = quotes.open_source(
        source.extracted, sha256=source.document.sha256, ordinal=source.ordinal
    )
    return opened


def _opened_value(value: Any, sha256: str, ordinal: int, field: str) -> Any:
    return quotes.open_claim(value, column="value", sha256=sha256, ordinal=ordinal, field=field)


@dataclass(frozen=True, slots=True)
class _Location:
    country: str | None
    admin1: str | None
    place: str | None
    facility: str | None
    role: str


@dataclass(frozen=True, slots=True)
class _Perpetrator:
    state: str | None
    agency: str


@dataclass(frozen=True, slots=True)
class _DetailStatements:
    incident: Select[Any]
    parts: CompoundSelect[Any]
    sources: Select[Any]


_LOCATION, _PERPETRATOR = "l", "p"


@functools.lru_cache(maxsize=64)
def _detail_statements(visible_groups: visibility.Groups) -> _DetailStatements:
    """The detail's three statements for readers in ``visible_groups`` (immutable; shared by threads)."""
    incidents = Incident.__table__
    visible = visibility.incident_clause(visible_groups)
    of_incident = incidents.c.id == _INCIDENT

    def joined(table: FromClause, column: Any) -> Any:
        return table.join(incidents, incidents.c.id == column)

    locations = (
        select(
            literal_column(f"'{_LOCATION}'", String).label("kind"),
            _LOCATIONS.c.id.label("row_id"),
            _LOCATIONS.c.country.label("a"),
            _LOCATIONS.c.admin1.label("b"),
            _LOCATIONS.c.place.label("c"),
            _LOCATIONS.c.facility.label("d"),
            _LOCATIONS.c.role.label("e"),
        )
        .select_from(joined(_LOCATIONS, _LOCATIONS.c.incident_id))
        .where(of_incident, visible)
    )
    perpetrators = (
        select(
            literal_column(f"'{_PERPETRATOR}'", String).label("kind"),
            _PERPETRATORS.c.id,
            _PERPETRATORS.c.state,
            _PERPETRATORS.c.agency,
            null(),
            null(),
            null(),
        )
        .select_from(joined(_PERPETRATORS, _PERPETRATORS.c.incident_id))
        .where(of_incident, visible)
    )
    parts = union_all(locations, perpetrators).order_by("kind", "row_id")
    sources = (
        select(
            _SOURCES.id,
            _SOURCES.extracted,
            _SOURCES.link_score,
            _SOURCES.link_reason,
            _SOURCES.extractor,
            _SOURCES.ordinal,
            _DOCUMENTS.sha256,
            _DOCUMENTS.key,
            _DOCUMENTS.title,
            _DOCUMENTS.outlet,
            _DOCUMENTS.url,
            _DOCUMENTS.publication_date_iso,
            _CLAIMS.field,
            _CLAIMS.value,
        )
        .select_from(
            joined(IncidentSource.__table__, _SOURCES.incident_id)
            .join(Document.__table__, _DOCUMENTS.id == _SOURCES.document_id)
            .outerjoin(Claim.__table__, _CLAIMS.source_id == _SOURCES.id)
        )
        .where(_SOURCES.incident_id == _INCIDENT, visible)
        .order_by(_DOCUMENTS.key, _SOURCES.ordinal, _CLAIMS.id)
    )
    incident = select(*incidents.c).where(of_incident, visible)
    return _DetailStatements(incident, parts, sources)


def _record(
    incident: Any, locations: Iterable[Any], perpetrators: Iterable[Any], sources: list[_SourceView]
) -> dict[str, Any]:
    record = _fields(incident, locations, perpetrators)
    record["date"]["text"] = None
    record["victims"]["text"] = None
    record["evidence"] = [e for s in sources for e in s.extracted.get("evidence", [])]
    record["overrides"] = dict(incident.overrides or {})
    record["merged_into"] = getattr(incident, "merged_into_id", None)
    record["part_of"] = getattr(incident, "part_of_id", None)
    record["sources"] = [
        _source_header(s.id, s.document)
        | {
            "evidence": s.extracted.get("evidence", []),
            "link_score": s.link_score,
            "link_reason": s.link_reason,
            "extractor": s.extractor,
        }
        for s in sources
    ]
    record["claims"] = [
        {"document": s.document.key, "source_id": s.id, "field": field, "value": value.get("value")}
        for s in sources
        for field, value in s.claims
    ]
    return record


_INCIDENT: BindParameter[int] = bindparam("incident")
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_SOURCES = IncidentSource.__table__.c
_DOCUMENTS = Document.__table__.c
_CLAIMS = Claim.__table__.c
_LOCATIONS = IncidentLocation.__table__
_PERPETRATORS = IncidentPerpetrator.__table__


def _rows_of(table: FromClause, where: ColumnElement[bool]) -> Select[Any]:
    """All columns of a table's rows, in the order they were stored."""
    return select(table).where(where).order_by(table.c.id)


def _sources(*columns: Any, where: ColumnElement[bool]) -> Select[Any]:
    """Sources with their document's header (as lists show it), in document order."""
    return (
        select(
            *columns,
            _DOCUMENTS.key,
            _DOCUMENTS.title,
            _DOCUMENTS.outlet,
            _DOCUMENTS.url,
            _DOCUMENTS.publication_date_iso,
        )
        .join_from(IncidentSource.__table__, Document.__table__, _DOCUMENTS.id == _SOURCES.document_id)
        .where(where)
        .order_by(_DOCUMENTS.key, _SOURCES.ordinal)
    )


#: The incident columns the list form shows (not the timestamps or overrides, which cost time to parse).
_LISTED = tuple(
    column
    for column in Incident.__table__.c
    if column.name
    not in (
        "overrides",
        "sources_locked",
        "merged_into_id",
        "part_of_id",
        "created_at",
        "updated_at",
        "legal_instruments",
    )
)


def summaries_by_id(session: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The list form of these incidents (those that exist), by id: reconciled fields and source headers.

    No quotes or claims (the full record is :func:`to_record`). Read as plain
    rows in four queries built once (below), not as ORM objects: a page of
    fifty incidents has some three hundred related rows, and building objects
    for them cost several times more than the queries.
    """
    if not ids:
        return {}
    conn = session.connection()
    params = {"ids": list(ids)}
    rows = conn.execute(_LIST_INCIDENTS, params).all()
    locations = _grouped(conn.execute(_LIST_LOCATIONS, params))
    perpetrators = _grouped(conn.execute(_LIST_PERPETRATORS, params))
    sources = _grouped(conn.execute(_LIST_SOURCES, params))
    return {
        row.id: _fields(row, locations.get(row.id, ()), perpetrators.get(row.id, ()))
        | {"sources": [_source_header(s.source_id, s) for s in sources.get(row.id, ())]}
        for row in rows
    }


def _grouped(rows: Iterable[Any]) -> dict[int, list[Any]]:
    """Rows that have an ``incident_id``, grouped by it (in the order they came)."""
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.incident_id, []).append(row)
    return grouped


_LIST_INCIDENTS = select(*_LISTED).where(Incident.__table__.c.id.in_(_IDS))
_LIST_LOCATIONS = _rows_of(_LOCATIONS, _LOCATIONS.c.incident_id.in_(_IDS))
_LIST_PERPETRATORS = _rows_of(_PERPETRATORS, _PERPETRATORS.c.incident_id.in_(_IDS))
_LIST_SOURCES = _sources(
    _SOURCES.incident_id, _SOURCES.id.label("source_id"), where=_SOURCES.incident_id.in_(_IDS)
)
