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
    Integer,
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

from refwatch.errors import InvalidInput, NotFound
from refwatch.storage import quotes, visibility
from refwatch.storage.document_names import title_and_url
from refwatch.storage.link_reasons import open_reason, reason_of
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
    #: How the web list is sorted: a key of :data:`ORDERS`, ``-`` first for
    #: descending; empty for the default (oldest first, undated last).
    order: str = ""

    def __post_init__(self) -> None:
        # Tuples whatever the caller passed, so that a filter is hashable: the web list keeps the
        # statements it builds per filter (:func:`list_statements`).
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


#: The columns the web list of incidents can be sorted by (#19), each a key for ``IncidentFilter.order``.
ORDERS = ("id", "date", "people", "status", "review")


@functools.lru_cache(maxsize=256)
def list_statements(filters: IncidentFilter) -> tuple[Select[Any], Select[Any]]:
    """The filtered SELECT and its page of ids in list order, built once per filter.

    Building them took a tenth of a list request, and lists are asked with
    the same few filters again and again. Statements are immutable, so every
    thread may share them; the filter's values are bound parameters in them.
    """
    stmt = filtered_query(filters)
    if filters.order:
        return stmt, stmt.with_only_columns(Incident.id).order_by(*_list_order(filters.order))
    if filters.newest_first:
        return stmt, stmt.with_only_columns(Incident.id).order_by(
            Incident.date_start.desc(), Incident.id.desc()
        )
    page = stmt.with_only_columns(Incident.id).order_by(
        Incident.date_start.is_(None), Incident.date_start, Incident.id
    )
    return stmt, page


def ordered_ids(session: Session, filters: IncidentFilter) -> list[int]:
    """The ids of every incident ``filters`` select, in list order (that of :func:`list_statements`)."""
    return list(session.scalars(list_statements(filters)[1]))


def _list_order(order: str) -> list[Any]:
    """ORDER BY terms for ``order`` (``date``, ``-people``, ...): unknown values last, ties by id."""
    key, descending = order.removeprefix("-"), order.startswith("-")
    column: Any = {
        "id": Incident.id,
        "date": Incident.date_start,
        "people": func.coalesce(Incident.count, Incident.count_min),
        "status": Incident.status,
        "review": Incident.review_state,
    }.get(key)
    if column is None:
        raise InvalidInput(f"sort: use one of {', '.join(ORDERS)}, optionally after '-'")
    tie = Incident.id.desc() if descending else Incident.id
    if key == "id":
        return [tie]
    return [column.is_(None), column.desc() if descending else column, tie]


def require_visible(session: Session, incident_id: int, visible_groups: visibility.Groups) -> None:
    """:class:`NotFound` unless the incident exists and a reader in ``visible_groups`` may see it.

    No statement when ``visible_groups`` is None (admins, the CLI): then nothing is hidden, and
    a missing incident is reported by whatever reads it next.
    """
    if visible_groups is None:
        return
    found = session.scalar(
        select(Incident.id).where(Incident.id == incident_id, visibility.incident_clause(visible_groups))
    )
    if found is None:
        raise NotFound(f"no incident {incident_id}; `refwatch incidents list` shows them")


def incident_of_source(session: Session, source_id: int) -> int | None:
    """The incident this report (an ``IncidentSource``) is part of now, or None if there is no such report."""
    return session.scalar(select(IncidentSource.incident_id).where(IncidentSource.id == source_id))


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
    """A source's document as lists show it; ``document`` is a :class:`Document` or a row with its columns.

    A sealed document's title and URL are opened (:mod:`refwatch.storage.document_names`).
    """
    title, url = title_and_url(document)
    return {
        "document": document.key,
        "source_id": source_id,
        "title": title,
        "outlet": document.outlet,
        "url": url,
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
            reason_of(s),
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
    """:func:`to_record` of one incident, read as plain rows in one statement (the API's detail).

    The statement (:func:`_detail_statement`) is a UNION ALL of the incident's
    row, its places and perpetrators, and its sources with their documents'
    headers and their claims, one ``kind`` of row each, in the order the record
    lists them. Each part carries the reader's visibility rule itself, and all
    parts read one snapshot, so a restricted incident shows nothing, neither
    its row nor its evidence. It was three statements, five before that: on
    PostgreSQL each is a round trip, and on both databases each costs
    SQLAlchemy's execution overhead, which was most of a detail's time (#20).
    Raises :class:`NotFound`, also for an incident the reader may not see.
    """
    row = None
    locations: list[Any] = []
    perpetrators: list[Any] = []
    views: dict[int, _SourceView] = {}
    for r in session.connection().execute(_detail_statement(visible_groups), {"incident": incident_id}):
        kind = r.kind
        if kind == _ROW:
            row = r
        elif kind == _LOCATION:
            locations.append(_Location(r.x_a, r.x_b, r.x_c, r.x_d, r.x_e))
        elif kind == _PERPETRATOR:
            perpetrators.append(_Perpetrator(r.x_a, r.x_b))
        else:
            view = views.get(r.x_source)
            if view is None:
                header = _Header(
                    r.x_key, r.x_title, r.x_outlet, r.x_url, r.x_published, r.x_sha256, r.x_sealed_meta
                )
                extracted = quotes.open_source(r.x_extracted, sha256=r.x_sha256, ordinal=r.x_ordinal)
                reason = r.x_link_reason
                if r.x_sealed_link_reason is not None:
                    reason = open_reason(r.x_sealed_link_reason, sha256=r.x_sha256, ordinal=r.x_ordinal)
                view = views[r.x_source] = _SourceView(
                    r.x_source, header, extracted, r.x_link_score, reason, r.x_extractor, []
                )
            if r.x_field is not None:
                view.claims.append((r.x_field, _opened_value(r.x_value, r.x_sha256, r.x_ordinal, r.x_field)))
    if row is None:  # no part of an incident the reader may not see is selected, its row least of all
        raise NotFound(f"no incident {incident_id}; `refwatch incidents list` shows them")
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
class _Header:
    """A source's document, as :func:`_source_header` reads it."""

    key: str
    title: str | None
    outlet: str | None
    url: str | None
    publication_date_iso: str | None
    sha256: str
    sealed_meta: bytes | None  # title, file name and URL sealed (document_names); None: in the columns


# The kinds of row of the detail's statement, in the order it returns them.
_ROW, _LOCATION, _PERPETRATOR, _SOURCE = "i", "l", "p", "s"
#: The incident's columns the record shows (not its timestamps, which cost time to parse).
_RECORD_COLUMNS = (
    "id",
    "review_state",
    "restricted_to",
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
    "disagreements",
    "overrides",
    "merged_into_id",
    "part_of_id",
)


@functools.lru_cache(maxsize=64)
def _detail_statement(visible_groups: visibility.Groups) -> CompoundSelect[Any]:
    """The detail's one statement for readers in ``visible_groups`` (immutable; shared by threads).

    Every part selects the same columns: its own, and typed NULLs in the
    others' places (typed in SQL too: PostgreSQL resolves a UNION's column
    types pair by pair, and two bare NULLs would make a text column that a
    JSON one cannot join). The incident's part comes first, so the result's
    types, and with them how JSON and dates are read, are its columns'.
    The rows come in ``kind`` order (incident, places, perpetrators,
    sources), places and perpetrators as stored, sources by document and
    position, each source's claims as stored, as the three statements gave them.
    """
    incidents = Incident.__table__
    visible = visibility.incident_clause(visible_groups)
    of_incident = incidents.c.id == _INCIDENT
    layout: list[tuple[str, Any]] = [("kind", String())]
    layout += [(name, incidents.c[name].type) for name in _RECORD_COLUMNS]
    layout += [(f"x_{name}", String()) for name in "abcde"]
    layout += [
        ("x_row", Integer()),
        ("x_source", Integer()),
        ("x_extracted", _SOURCES.extracted.type),
        ("x_link_score", _SOURCES.link_score.type),
        ("x_link_reason", _SOURCES.link_reason.type),
        ("x_sealed_link_reason", _SOURCES.sealed_link_reason.type),
        ("x_extractor", _SOURCES.extractor.type),
        ("x_key", _DOCUMENTS.key.type),
        ("x_title", _DOCUMENTS.title.type),
        ("x_outlet", _DOCUMENTS.outlet.type),
        ("x_url", _DOCUMENTS.url.type),
        ("x_published", _DOCUMENTS.publication_date_iso.type),
        ("x_ordinal", Integer()),
        ("x_sha256", _DOCUMENTS.sha256.type),
        ("x_sealed_meta", _DOCUMENTS.sealed_meta.type),
        ("x_claim", Integer()),
        ("x_field", _CLAIMS.field.type),
        ("x_value", _CLAIMS.value.type),
    ]

    def part(kind: str, given: dict[str, Any]) -> list[Any]:
        columns = [literal_column(f"'{kind}'", String).label("kind")]
        for name, type_ in layout[1:]:
            value = given.get(name)
            columns.append((cast(null(), type_) if value is None else value).label(name))
        return columns

    def joined(table: FromClause, column: Any) -> Any:
        return table.join(incidents, incidents.c.id == column)

    row = select(*part(_ROW, {name: incidents.c[name] for name in _RECORD_COLUMNS})).where(
        of_incident, visible
    )
    locations = (
        select(
            *part(
                _LOCATION,
                {
                    "x_row": _LOCATIONS.c.id,
                    "x_a": _LOCATIONS.c.country,
                    "x_b": _LOCATIONS.c.admin1,
                    "x_c": _LOCATIONS.c.place,
                    "x_d": _LOCATIONS.c.facility,
                    "x_e": _LOCATIONS.c.role,
                },
            )
        )
        .select_from(joined(_LOCATIONS, _LOCATIONS.c.incident_id))
        .where(of_incident, visible)
    )
    perpetrators = (
        select(
            *part(
                _PERPETRATOR,
                {"x_row": _PERPETRATORS.c.id, "x_a": _PERPETRATORS.c.state, "x_b": _PERPETRATORS.c.agency},
            )
        )
        .select_from(joined(_PERPETRATORS, _PERPETRATORS.c.incident_id))
        .where(of_incident, visible)
    )
    sources = (
        select(
            *part(
                _SOURCE,
                {
                    "x_source": _SOURCES.id,
                    "x_extracted": _SOURCES.extracted,
                    "x_link_score": _SOURCES.link_score,
                    "x_link_reason": _SOURCES.link_reason,
                    "x_sealed_link_reason": _SOURCES.sealed_link_reason,
                    "x_extractor": _SOURCES.extractor,
                    "x_key": _DOCUMENTS.key,
                    "x_title": _DOCUMENTS.title,
                    "x_outlet": _DOCUMENTS.outlet,
                    "x_url": _DOCUMENTS.url,
                    "x_published": _DOCUMENTS.publication_date_iso,
                    "x_ordinal": _SOURCES.ordinal,
                    "x_sha256": _DOCUMENTS.sha256,
                    "x_sealed_meta": _DOCUMENTS.sealed_meta,
                    "x_claim": _CLAIMS.id,
                    "x_field": _CLAIMS.field,
                    "x_value": _CLAIMS.value,
                },
            )
        )
        .select_from(
            joined(IncidentSource.__table__, _SOURCES.incident_id)
            .join(Document.__table__, _DOCUMENTS.id == _SOURCES.document_id)
            .outerjoin(Claim.__table__, _CLAIMS.source_id == _SOURCES.id)
        )
        .where(_SOURCES.incident_id == _INCIDENT, visible)
    )
    return union_all(row, locations, perpetrators, sources).order_by(
        "kind", "x_row", "x_key", "x_ordinal", "x_claim"
    )


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
            _DOCUMENTS.sha256,
            _DOCUMENTS.sealed_meta,
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
