"""Warming a server process before it accepts requests (``refwatch serve``).

A fresh process answered its first requests slowly: its caches of totals and
list cards were empty, SQLAlchemy compiled every statement on first use, the
database connections were opened by the first requests that needed them
(on PostgreSQL a connection costs a fork and an authentication on the
server), and the first document detail loaded the date rules. Under fifty
clients that showed as a p99 of 89 ms on SQLite and 658 ms on PostgreSQL
in the first ten seconds (#20). :func:`warm_up` pays those costs once, in
the process's start-up hook, before its socket listens.

What it reads is what lists are asked for most: the first pages of the
incident and document lists, unfiltered and with one filter value of each
kind, for readers of no group (most accounts) and for admins, then one
incident and one document in full. Each list page goes through the same
service the API calls, so every cached value is exactly what a request would
have put there (keyed by the reader's groups and the data version: a reader
never gets what another may see and they may not). It stops at its time
budget, whatever it has left undone; the caches fill the rest on demand.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from refwatch.domain.vocabulary import EVENT_TYPES, REVIEW_STATES, STATUSES
from refwatch.errors import NotFound, RefwatchError
from refwatch.services import browse
from refwatch.services.caching import current_version
from refwatch.services.documents import show_document
from refwatch.storage.database import Database
from refwatch.storage.visibility import Groups

logger = logging.getLogger(__name__)

#: Pages of each list warmed first (the benchmark's clients, like people, mostly read the first ten).
PAGES = 12
PAGE_SIZE = 50
LANGUAGES = ("en", "ko", "zh", "other")
#: Whose totals are counted: readers of no group, and admins (who see everything).
READERS: tuple[Groups, ...] = ((), None)
#: Connections opened ahead on PostgreSQL (a pool may open more later, on demand).
MAX_CONNECTIONS = 4


@dataclass
class WarmupReport:
    """What a warm-up did, for the log and the tests (counts only: no ids, no text)."""

    connections: int = 0
    pages: int = 0
    records: int = 0
    seconds: float = 0.0
    finished: bool = False
    steps: list[str] = field(default_factory=list)


def warm_up(db: Database, *, seconds: float, connections: int = MAX_CONNECTIONS) -> WarmupReport:
    """Open connections and fill this process's caches for at most ``seconds``; what was done."""
    report = WarmupReport()
    began = time.monotonic()
    deadline = began + seconds
    try:
        report.connections = _open_connections(db, connections)
        for step in _steps(db):
            if time.monotonic() >= deadline:
                break
            kind = step()
            if kind == "page":
                report.pages += 1
            elif kind == "record":
                report.records += 1
        else:
            report.finished = True
    except RefwatchError as exc:  # an empty or odd database: serve anyway, the caches fill on demand
        logger.warning("warm-up stopped early: %s", type(exc).__name__)
    report.seconds = time.monotonic() - began
    logger.info(
        "warm-up: %d connections, %d pages, %d records in %.2f s%s",
        report.connections,
        report.pages,
        report.records,
        report.seconds,
        "" if report.finished else " (time budget spent)",
    )
    return report


def _open_connections(db: Database, n: int) -> int:
    """Open up to ``n`` pooled connections at once and run the version check on each (kept in the pool)."""
    if db.engine.dialect.name == "sqlite":
        n = 1  # a file: opening is cheap, and the pool hands out the one used last
    raw = []
    try:
        for _ in range(max(1, n)):
            raw.append(db.engine.raw_connection())
    finally:
        for connection in raw:
            connection.close()
    for _ in range(2):  # twice: psycopg prepares a statement the second time a connection runs it
        current_version(db)
    return len(raw)


def _steps(db: Database) -> Iterator[Callable[[], str]]:
    """The warm-up's units of work, most useful first (each a few milliseconds)."""
    for groups in READERS:
        for page in range(PAGES):
            yield _incident_page(db, browse.IncidentFilter(visible_groups=groups), page)
            yield _document_page(db, groups, None, page)
    yield lambda: _first_records(db)
    for groups in READERS:
        for one in _filters(groups):
            yield _incident_page(db, one, 0)
        for language in LANGUAGES:
            yield _document_page(db, groups, language, 0)
    for groups in READERS:
        for page in range(1, PAGES):
            for one in _filters(groups):
                yield _incident_page(db, one, page)
            for language in LANGUAGES:
                yield _document_page(db, groups, language, page)


def _filters(groups: Groups) -> Iterator[browse.IncidentFilter]:
    for state in REVIEW_STATES:
        yield browse.IncidentFilter(review_states=(state,), visible_groups=groups)
    for status in STATUSES:
        yield browse.IncidentFilter(statuses=(status,), visible_groups=groups)
    for event_type in EVENT_TYPES:
        yield browse.IncidentFilter(event_type=event_type, visible_groups=groups)


def _incident_page(db: Database, filters: browse.IncidentFilter, page: int) -> Callable[[], str]:
    def run() -> str:
        browse.incident_page(db, filters, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
        return "page"

    return run


def _document_page(db: Database, groups: Groups, language: str | None, page: int) -> Callable[[], str]:
    def run() -> str:
        browse.document_page(
            db, language=language, limit=PAGE_SIZE, offset=page * PAGE_SIZE, visible_groups=groups
        )
        return "page"

    return run


def _first_records(db: Database) -> str:
    """One incident and one document in full, as an admin reads them (nothing is kept: code paths only).

    The detail's statements are compiled (and prepared on PostgreSQL), and a
    document stored without a reference date loads the rules that derive one.
    """
    incidents = browse.incident_page(db, browse.IncidentFilter(), limit=1)
    documents = browse.document_page(db, limit=1, visible_groups=None)
    for _ in range(2):
        for item in incidents.items:
            browse.incident_detail(db, int(item["id"]), visible_groups=None)
            with contextlib.suppress(NotFound):  # restricted: hidden from a reader of no group
                browse.incident_detail(db, int(item["id"]), visible_groups=())
        for item in documents.items:
            show_document(db, str(item["id"]), visible_groups=None)
    return "record"
