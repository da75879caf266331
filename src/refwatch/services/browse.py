"""Paged lists, search and summary figures, for the web pages and the REST API.

Paging is done in SQL (``LIMIT/OFFSET``) in the order of an index (migration
0004), so that a page costs about the same on ten documents or a hundred
thousand. Totals are counted once and kept until the data changes: every
write to documents and incidents goes through a service that appends to the
audit log in the same transaction, so the newest audit entry's id is a cheap,
exact version stamp (see ``services.caching``). Pages are read as ids in
SQL, and the list form of each record is kept between requests too. Search
is an indexed substring match on the text and title (see ``storage.search``), which works for Korean
and Chinese as well as English because it needs no word splitting; its total
is counted up to :data:`SEARCH_COUNT_CAP`.
"""

from __future__ import annotations

import copy
import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Select
from sqlalchemy.orm import Session

from refwatch.errors import InvalidInput
from refwatch.services.caching import VersionedCache, caches, current_version, data_version
from refwatch.services.legal import with_legal
from refwatch.storage import counts, figures, visibility
from refwatch.storage import documents as document_repo
from refwatch.storage import incidents as incident_repo
from refwatch.storage.database import Database
from refwatch.storage.incidents import IncidentFilter as IncidentFilter  # what the faces filter lists with
from refwatch.storage.memory_search import any_sealed, sealed_matches
from refwatch.storage.prepared import paged_ids
from refwatch.storage.search import matches_page

MAX_PAGE = 200
SEARCH_COUNT_CAP = 1000
PLACE_FACETS = 15


@dataclass(frozen=True)
class Page:
    """One page of a list and the total number of matches.

    Its records are kept as the JSON they are cached as (``cards``): the API
    splices them into its answer unparsed (:meth:`to_json`), the pages read
    them as dicts (:attr:`items`, parsed once, on first use).
    ``total_exact`` is False when the total was only counted up to a cap (a
    search matching more than :data:`SEARCH_COUNT_CAP` documents): there are
    at least ``total``.
    """

    cards: tuple[bytes, ...]
    total: int
    limit: int
    offset: int
    total_exact: bool = True

    @functools.cached_property
    def items(self) -> list[dict[str, Any]]:
        """The records as dicts, parsed on first use (each page has its own copies)."""
        return [orjson.loads(card) for card in self.cards]

    def to_json(self) -> bytes:
        """The page as JSON (items, total, limit, offset, total_exact), the cards spliced in as kept."""
        rest = orjson.dumps(
            {"total": self.total, "limit": self.limit, "offset": self.offset, "total_exact": self.total_exact}
        )
        return b'{"items":[' + b",".join(self.cards) + b"]," + rest[1:]


def count(
    db: Database, session: Session, version: int, key: Hashable, stmt: Select[Any], *, cap: int | None = None
) -> int:
    """How many rows ``stmt`` selects (at most ``cap + 1`` when capped), kept under ``key`` until a write.

    Counting a hundred thousand filtered rows costs far more than reading a
    page of them, and lists ask for the same few totals again and again.
    """

    total: int = remember(db, version, key, lambda: counts.rows_selected(session, stmt, cap=cap))
    return total


def remember(db: Database, version: int, key: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()``, or a copy of what it gave for ``key`` while the data has not changed since.

    A copy, so that a caller changing what it got cannot change what others get. Callers asking
    for the same key at once compute it once (``VersionedCache.get_or_compute``).
    """
    value, _ = caches(db).counts.get_or_compute(version, key, lambda: copy.deepcopy(compute()))
    return copy.deepcopy(value)


def _cards(
    cache: VersionedCache,
    version: int,
    ids: list[int],
    load: Callable[[list[int]], dict[int, dict[str, Any]]],
) -> tuple[bytes, ...]:
    """The list form of these records as JSON, in this order: read only for those not kept.

    Lists show the same first pages again and again; building a card (an
    incident with its places and sources) costs a few queries, a kept one
    nothing. Bytes are immutable, so every thread can be handed the same.
    """
    found: dict[Any, bytes] = cache.get_many(version, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        fresh = {key: orjson.dumps(card) for key, card in load(missing).items()}
        cache.put_many(version, fresh)
        found.update(fresh)
    return tuple(found[i] for i in ids if i in found)


def _check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
    if offset < 0:
        raise InvalidInput("offset must be 0 or more")


def document_page(
    db: Database,
    *,
    query: str | None = None,
    language: str | None = None,
    outlet: str | None = None,
    limit: int = 50,
    offset: int = 0,
    visible_groups: visibility.Groups,
    version: int | None = None,
) -> Page:
    """Documents matching the filters: newest publication first, or newest stored first when searching.

    Only documents a reader in ``visible_groups`` may see are listed, found or counted.
    ``version``: the data version read for this request just before (see :func:`incident_page`).
    """
    _check_page(limit, offset)
    key = _documents_key(query, language, outlet, visible_groups)
    text = key[1]  # the query, stripped (None when there is none)
    searching = bool(text)
    dialect = db.engine.dialect.name
    stmt, ids_stmt = document_repo.list_statements(dialect, text, language, outlet, visible_groups)
    scan_stmt: Select[Any] | None = None
    with db.read_session() as session:
        version = data_version(session) if version is None else version
        if searching and remember(db, version, ("sealed-any",), lambda: any_sealed(session.connection())):
            stmt, ids_stmt = _sealed_search_statements(db, session, version, key)
        elif searching:
            scan_stmt = document_repo.scan_statement(dialect, text, language, outlet, visible_groups)
        total = count(db, session, version, key, stmt, cap=SEARCH_COUNT_CAP if searching else None)
        # A word in more documents than are counted fills a page from the newest few (see matches_page).
        common = scan_stmt if total > SEARCH_COUNT_CAP else None
        if searching:
            # A search costs milliseconds (a rare phrase makes the index check many candidates); people
            # repeat searches and page back and forth, so its pages are kept like its total.
            ids = remember(
                db,
                version,
                (*key, limit, offset),
                lambda: matches_page(session, ids_stmt, dialect, limit=limit, offset=offset, common=common),
            )
        else:
            ids = paged_ids(ids_stmt, db.engine.dialect).run(session.connection(), limit=limit, offset=offset)
        cards = _cards(
            caches(db).document_cards,
            version,
            ids,
            lambda missing: document_repo.summaries_by_id(session, missing),
        )
    if searching and total > SEARCH_COUNT_CAP:
        return Page(cards, SEARCH_COUNT_CAP, limit, offset, total_exact=False)
    return Page(cards, total, limit, offset)


def _sealed_search_statements(
    db: Database, session: Session, version: int, key: tuple[Any, ...]
) -> tuple[Select[Any], Select[Any]]:
    """The search statements when some documents hold their text sealed: they also match by memory index.

    Only searches on a database with sealed documents come here; the others keep the statements built once.
    """
    _, query, language, outlet, visible_groups = key
    sealed_ids: list[int] = remember(
        db, version, ("sealed-matches", query), lambda: sealed_matches(db, session.connection(), query)
    )
    return document_repo.sealed_search_statements(
        db.engine.dialect.name, query, language, outlet, visible_groups, sealed_ids
    )


def _documents_key(
    query: str | None, language: str | None, outlet: str | None, visible_groups: visibility.Groups
) -> tuple[Any, ...]:
    return ("documents", query.strip() if query else None, language, outlet, visible_groups)


def search_not_kept(
    db: Database,
    query: str,
    *,
    language: str | None = None,
    outlet: str | None = None,
    limit: int = 50,
    offset: int = 0,
    visible_groups: visibility.Groups,
    version: int | None = None,
) -> bool:
    """Whether :func:`document_page` would have to search for this query, its page or total not kept.

    The web layer runs those searches in a worker thread and the rest in
    place. A search through SQLite's FTS index used to run in place as well,
    being quick on its own; but a common word's total and page cost 10-50 ms
    (a two-letter Korean word, which no trigram indexes, 300 ms), and in the
    first seconds after a start, when no search is kept yet, every request on
    the worker queued behind them: searches were most of the workers' time then
    (#20). In a thread the database does that work without the interpreter
    (SQLite and psycopg let go of it while they wait), and the requests behind
    it go on.
    """
    if not query.strip():
        return False
    key = _documents_key(query, language, outlet, visible_groups)
    version = current_version(db) if version is None else version
    kept = caches(db).counts
    return kept.get(version, key) is None or kept.get(version, (*key, limit, offset)) is None


def incident_page(
    db: Database, filters: IncidentFilter, *, limit: int = 50, offset: int = 0, version: int | None = None
) -> Page:
    """Linked incidents matching the filters, oldest first, in their list form (``summaries``).

    ``version`` is the data version (``services.caching``) when the caller has
    just read it for this request, as the API does to check the token: read
    before the page, it stamps values at least as new as itself, and the page
    costs one statement less (a round trip on PostgreSQL). Without it, the
    version is read here.
    """
    _check_page(limit, offset)
    stmt, page = incident_repo.list_statements(filters)
    with db.read_session() as session:
        version = data_version(session) if version is None else version
        total = count(db, session, version, ("incidents", repr(filters)), stmt)
        # Straight on the cursor: plain ids need none of SQLAlchemy's statement and result handling,
        # which cost four times the query (see storage.prepared).
        ids = paged_ids(page, db.engine.dialect).run(session.connection(), limit=limit, offset=offset)
        cards = _cards(
            caches(db).incident_cards,
            version,
            ids,
            lambda missing: {
                i: with_legal(card) for i, card in incident_repo.summaries_by_id(session, missing).items()
            },
        )
    return Page(cards, total, limit, offset)


#: The columns the web list of incidents can be sorted by (#19), each a key for ``IncidentFilter.order``.
INCIDENT_ORDERS = incident_repo.ORDERS


def incident_facets(db: Database, filters: IncidentFilter) -> dict[str, dict[str, int]]:
    """How many of the filtered incidents are in each review state, status, event type and place.

    Places are the fifteen with most incidents (a city or facility, else the
    province). Kept until the data changes, like the totals.
    """
    with db.session() as session:
        facets: dict[str, dict[str, int]] = remember(
            db,
            data_version(session),
            ("facets", repr(filters)),
            lambda: figures.facets(session, filters, places=PLACE_FACETS),
        )
    return facets


def incident_detail(db: Database, incident_id: int, *, visible_groups: visibility.Groups) -> dict[str, Any]:
    """One incident in the record shape, with its sources and claims.

    An incident a reader in ``visible_groups`` may not see is answered as not
    found, so that its existence does not leak either.
    """
    with db.read_session() as session:
        # The visibility check is part of the record's own queries (three in all, see ``record_of``).
        return with_legal(incident_repo.record_of(session, incident_id, visible_groups))


def require_visible(db: Database, incident_id: int, visible_groups: visibility.Groups) -> None:
    """:class:`NotFound` unless the incident exists and may be shown (checked before any action on it)."""
    with db.read_session() as session:
        incident_repo.require_visible(session, incident_id, visible_groups)


def summary(db: Database, *, visible_groups: visibility.Groups) -> dict[str, Any]:
    """:func:`_summary`, kept until the data changes (it reads every incident: a second at 100,000).

    Counted over the incidents a reader in ``visible_groups`` may see, so the
    figures do not reveal restricted incidents by their difference.
    """
    figures: dict[str, Any] = remember(
        db, current_version(db), ("summary", visible_groups), lambda: _summary(db, visible_groups)
    )
    return figures


def _summary(db: Database, visible_groups: visibility.Groups) -> dict[str, Any]:
    """Figures for the dashboard: incidents and people per month, review states, queue size.

    People are summed over the reconciled count of each incident (its lower
    bound when sources give a range); incidents with no date are counted under
    ``unknown``. Rejected and merged-away incidents are left out.
    ``per_instrument`` counts incidents engaging an obligation under each
    instrument that was in force for the acting state on the incident's date.
    ``confirmed`` and ``candidates`` give incidents, people and people per
    status apart: ``incidents`` and ``people`` add the two (kept for API
    clients), which is not a figure to quote.
    """
    per_month: dict[str, dict[str, int]] = defaultdict(lambda: {"incidents": 0, "people": 0})
    instruments: Counter[str] = Counter()
    with db.session() as session:
        states = figures.review_states(session, visible_groups)
        rows = figures.dashboard_rows(session, visible_groups)
    by_state: dict[str, dict[str, Any]] = {
        state: {"incidents": 0, "people": 0, "people_by_status": defaultdict(int)}
        for state in figures.COUNTED
    }
    for start, count, count_min, engaged, state, status, part_of in rows:
        month = start.strftime("%Y-%m") if start else "unknown"
        per_month[month]["incidents"] += 1
        # A part's people are counted in the incident it is a part of.
        people = 0 if part_of is not None else int((count if count is not None else count_min) or 0)
        per_month[month]["people"] += people
        instruments.update(code for code in (engaged or "").split("|") if code)
        state_figures = by_state[state]
        state_figures["incidents"] += 1
        state_figures["people"] += people
        state_figures["people_by_status"][status] += people
    return {
        "review_states": states,
        "review_queue": states.get("candidate", 0),
        "incidents": sum(v["incidents"] for v in per_month.values()),
        "people": sum(v["people"] for v in per_month.values()),
        "per_month": [{"month": month, **values} for month, values in sorted(per_month.items())],
        "per_instrument": dict(sorted(instruments.items())),
        # The headline figures, apart: only confirmed incidents are fact; candidates are unreviewed.
        "confirmed": _plain_figures(by_state["confirmed"]),
        "candidates": _plain_figures(by_state["candidate"]),
    }


def _plain_figures(figures: dict[str, Any]) -> dict[str, Any]:
    return figures | {"people_by_status": dict(sorted(figures["people_by_status"].items()))}


def places(db: Database, *, visible_groups: visibility.Groups) -> list[dict[str, Any]]:
    """The places of :func:`places_overview` (people and incidents per place on the map)."""
    places_found: list[dict[str, Any]] = places_overview(db, visible_groups=visible_groups)["places"]
    return places_found


def places_overview(db: Database, *, visible_groups: visibility.Groups) -> dict[str, Any]:
    """:func:`_places` of what a reader in ``visible_groups`` may see, kept until the data changes."""
    found: dict[str, Any] = remember(
        db, current_version(db), ("places", visible_groups), lambda: _places(db, visible_groups)
    )
    return found


def _places(db: Database, visible_groups: visibility.Groups) -> dict[str, Any]:
    """People and incidents per place (city or facility, else province), with gazetteer coordinates.

    Returns ``places`` (each with the ``roles`` its locations play: arrest,
    detention, crossing, handover) and what the map cannot show, so that the
    page can say so instead of leaving it out silently (#19): ``country_only``,
    incidents whose places are known only by country, and ``no_coordinates``,
    incidents whose named places the gazetteer cannot locate (people and
    incidents each). Rejected and merged incidents are left out.
    """
    from refwatch.extract.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    totals: dict[str, dict[str, Any]] = {}
    with db.session() as session:
        rows = figures.place_rows(session, visible_groups)
    seen: set[tuple[int, str]] = set()
    people: dict[int, int] = {}
    mapped: set[int] = set()
    named: set[int] = set()
    for incident_id, count, count_min, place, admin1, role in rows:
        people[incident_id] = int(count if count is not None else (count_min or 0))
        name = place or admin1
        if not name:
            continue
        named.add(incident_id)
        entry = totals.get(name)
        if entry is None:
            located = [e for e in gazetteer.by_name(name) if e.lat is not None and e.lon is not None]
            if not located:
                continue
            entry = totals[name] = {
                "name": name,
                "lat": located[0].lat,
                "lon": located[0].lon,
                "people": 0,
                "incidents": 0,
                "roles": [],
            }
        mapped.add(incident_id)
        if role and role not in entry["roles"]:
            entry["roles"] = sorted([*entry["roles"], role])
        if (incident_id, name) in seen:
            continue
        seen.add((incident_id, name))
        entry["incidents"] += 1
        entry["people"] += people[incident_id]

    def left_out(ids: set[int]) -> dict[str, int]:
        return {"incidents": len(ids), "people": sum(people[i] for i in ids)}

    return {
        "places": sorted(totals.values(), key=lambda e: -int(e["people"])),
        "country_only": left_out(set(people) - named),
        "no_coordinates": left_out(named - mapped),
    }
