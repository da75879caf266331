"""The API's four busiest reads answered without FastAPI's per-request machinery.

Lists and details of incidents and documents are nearly every request the
API gets. For each, FastAPI matched the path against the routes, solved the
dependencies and checked every query parameter against its declared type,
re-analysing the parameters' annotations on every request: measured in
process, that was a third to a half of a cached list's CPU time (#20), and
with fifty clients on two cores the CPU time per request is the latency.

:class:`FastReads` answers those requests itself, calling the same services
with the same arguments the routes pass, with the same authentication
(``services.accounts.authenticate_token``) and the same visibility rule
(``Principal.visible_groups``). It takes only requests whose every part it
can read without doubt: a ``GET`` with one bearer token, known query
parameters each in its plain form (canonical decimal numbers within the
declared bounds, vocabulary values, text within the declared length and free
of control characters, ISO dates), no parameter given twice that takes one
value. Anything else, and any error (an unknown token, an incident the
reader may not see, a value out of bounds), goes to FastAPI as before, which
answers it in the usual shape; an error costs the work twice, a read served
here costs it once. The routes stay declared, so the OpenAPI document and
its typed response models are unchanged, and ``tests/web/test_fastlane.py``
checks that both ways answer byte for byte alike.

It sits innermost among the middlewares: the security headers, the session
cookie and the arrival order apply to its answers exactly as to the routes'.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from refwatch.domain.documents import MAX_ID
from refwatch.domain.text import has_control_characters
from refwatch.domain.vocabulary import EVENT_TYPES, REVIEW_STATES, STATUSES
from refwatch.errors import RefwatchError
from refwatch.services import browse
from refwatch.services.accounts import Principal, authenticate_token
from refwatch.services.caching import current_version
from refwatch.services.documents import show_document
from refwatch.services.setup import Database
from refwatch.web.params import MAX_OFFSET, MAX_REF

PREFIX = "/api/v1/"
_NUMBER = re.compile(r"0|[1-9][0-9]{0,9}")  # canonical decimal: what pydantic reads the same way
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_REF = re.compile(rf"[A-Za-z0-9._~-]{{1,{MAX_REF}}}")  # a key or id needing no escaping (others: FastAPI)
LANGUAGES = ("en", "ko", "zh", "other")
JSON_HEADERS = (b"content-type", b"application/json")

Query = dict[str, list[str]]
Answer = Callable[[Database, Principal, int, Any], Awaitable[bytes]]


class Unsure(Exception):
    """This request is one FastAPI should answer (raised while reading it; never leaves this module)."""


class FastReads:
    """ASGI middleware: the list and detail reads of incidents and documents, answered in place.

    ``served`` counts the requests answered here (the tests read it).
    """

    def __init__(self, app: ASGIApp, db: Database) -> None:
        self.app = app
        self.db = db
        self.served = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].startswith(PREFIX):
            body = await self._try(scope)
            if body is not None:
                self.served += 1
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [(b"content-length", str(len(body)).encode("ascii")), JSON_HEADERS],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    async def _try(self, scope: Scope) -> bytes | None:
        """The answer to this request, or None when FastAPI should give it."""
        try:
            answer, argument = _route(scope["path"][len(PREFIX) :], scope["query_string"])
            token = _bearer(scope["headers"])
            # One read of the data version serves the token check and the page's caches (a round trip
            # less on PostgreSQL); it is read now, for this request, so a revocation counts at once.
            version = current_version(self.db)
            caller = authenticate_token(self.db, token, version=version)
            return await answer(self.db, caller, version, argument)
        except (Unsure, RefwatchError):
            return None


def _bearer(headers: list[tuple[bytes, bytes]]) -> str:
    """The token of the one ``Authorization: Bearer`` header, as FastAPI's ``HTTPBearer`` reads it."""
    found = [value for name, value in headers if name == b"authorization"]
    if len(found) != 1:
        raise Unsure
    scheme, _, credentials = found[0].decode("latin-1").partition(" ")
    token = credentials.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unsure
    return token


def _route(rest: str, query_string: bytes) -> tuple[Answer, Any]:
    """Which read this is, and its argument, read from the path and query (:class:`Unsure` if in doubt)."""
    query = _query(query_string)
    if rest == "incidents":
        return _incident_page, _incident_args(query)
    if rest == "documents":
        return _document_page, _document_args(query)
    kind, slash, ref = rest.partition("/")
    if not slash or query:
        raise Unsure
    if kind == "incidents":
        return _incident, _number(ref, 1, MAX_ID)
    if kind == "documents" and _REF.fullmatch(ref) and ref != "by-key":
        return _document, ref
    raise Unsure


def _query(query_string: bytes) -> Query:
    """The query's values by name, decoded as Starlette decodes them (a blank value: in doubt)."""
    query: Query = {}
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if not value:
            raise Unsure
        query.setdefault(name, []).append(value)
    return query


def _one(query: Query, name: str) -> str | None:
    values = query.get(name)
    if values is None:
        return None
    if len(values) != 1:
        raise Unsure
    return values[0]


def _number(value: str | None, low: int, high: int) -> int:
    if value is None or not _NUMBER.fullmatch(value) or not low <= int(value) <= high:
        raise Unsure
    return int(value)


def _text(value: str | None, max_length: int) -> str | None:
    if value is not None and (len(value) > max_length or has_control_characters(value)):
        raise Unsure
    return value


def _choice(value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is not None and value not in allowed:
        raise Unsure
    return value


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    if not _DATE.fullmatch(value):
        raise Unsure
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Unsure from None


def _paging(query: Query) -> tuple[int, int]:
    limit = _one(query, "limit")
    offset = _one(query, "offset")
    return (
        50 if limit is None else _number(limit, 1, browse.MAX_PAGE),
        0 if offset is None else _number(offset, 0, MAX_OFFSET),
    )


def _known(query: Query, names: frozenset[str]) -> None:
    if not names.issuperset(query):
        raise Unsure


_INCIDENT_PARAMS = frozenset(
    ("review_state", "status", "event_type", "date_from", "date_to", "place", "limit", "offset")
)
_DOCUMENT_PARAMS = frozenset(("q", "language", "outlet", "limit", "offset"))


def _incident_args(query: Query) -> dict[str, Any]:
    """What ``web.api.list_incidents`` passes on, read with its parameters' bounds."""
    _known(query, _INCIDENT_PARAMS)
    states, statuses = query.get("review_state", []), query.get("status", [])
    if not set(states) <= set(REVIEW_STATES) or not set(statuses) <= set(STATUSES):
        raise Unsure
    limit, offset = _paging(query)
    return {
        "review_states": states,
        "statuses": statuses,
        "event_type": _choice(_one(query, "event_type"), EVENT_TYPES),
        "date_from": _date(_one(query, "date_from")),
        "date_to": _date(_one(query, "date_to")),
        "place": _text(_one(query, "place"), 200),
        "limit": limit,
        "offset": offset,
    }


def _document_args(query: Query) -> dict[str, Any]:
    """What ``web.api.list_documents`` passes on, read with its parameters' bounds."""
    _known(query, _DOCUMENT_PARAMS)
    limit, offset = _paging(query)
    return {
        "query": _text(_one(query, "q"), 200),
        "language": _choice(_one(query, "language"), LANGUAGES),
        "outlet": _text(_one(query, "outlet"), 300),
        "limit": limit,
        "offset": offset,
    }


async def _incident_page(db: Database, caller: Principal, version: int, args: dict[str, Any]) -> bytes:
    filters = browse.IncidentFilter(
        review_states=args["review_states"],
        statuses=args["statuses"],
        event_type=args["event_type"],
        date_from=args["date_from"],
        date_to=args["date_to"],
        place=args["place"],
        visible_groups=caller.visible_groups(),
    )
    return browse.incident_page(
        db, filters, limit=args["limit"], offset=args["offset"], version=version
    ).to_json()


async def _document_page(db: Database, caller: Principal, version: int, args: dict[str, Any]) -> bytes:
    groups = caller.visible_groups()
    page = functools.partial(browse.document_page, db, visible_groups=groups, version=version, **args)
    query = args["query"]
    if query and browse.search_not_kept(
        db,
        query,
        language=args["language"],
        outlet=args["outlet"],
        limit=args["limit"],
        offset=args["offset"],
        visible_groups=groups,
        version=version,
    ):
        return (await run_in_threadpool(page)).to_json()  # as the route does: a search, in a thread
    return page().to_json()


async def _incident(db: Database, caller: Principal, version: int, incident_id: int) -> bytes:
    return _dumps(browse.incident_detail(db, incident_id, visible_groups=caller.visible_groups()))


async def _document(db: Database, caller: Principal, version: int, ref: str) -> bytes:
    return _dumps(show_document(db, ref, visible_groups=caller.visible_groups()).to_dict())


def _dumps(value: Any) -> bytes:
    return orjson.dumps(value)  # as ``web.api.json_response`` writes it
