"""The API's busiest reads answered by ``web.fastlane`` (#20), on SQLite and PostgreSQL.

They must answer byte for byte what the FastAPI routes answer (status, headers,
body), hide what the routes hide, refuse what the routes refuse, and skip
FastAPI's dependency solving, which was a third of a cached read's CPU time.
Reports are fictional (invented events in 2031).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import fastapi.routing
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import select

from refwatch.config import Settings
from refwatch.domain.vocabulary import EVENT_TYPES, REVIEW_STATES, STATUSES
from refwatch.services import accounts, review
from refwatch.services.ingest import ingest_paths
from refwatch.services.setup import open_database
from refwatch.storage.database import Database
from refwatch.storage.tables import Document, Incident
from refwatch.web import fastlane
from refwatch.web.app import create_app
from statement_counts import statements

REPORTS = {
    "one.txt": "FICTIONAL. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors in "
    "Shenyang on March 3, 2031, a rights group said. They face forced repatriation.",
    "two.txt": "FICTIONAL. April 2, 2031 - Border guards in Yanji arrested 7 North Koreans on April 1, "
    "2031; five women among them were repatriated a week later.",
    "three.txt": "가상 보도. 2031년 4월 2일 - 중국 공안이 지난 1일 옌지에서 탈북민 7명을 체포했다고 "
    "소식통이 전했다.",
}


@pytest.fixture
def world(settings: Settings, tmp_path: Path) -> dict[str, Any]:
    """Three fictional reports, the first incident restricted to "partners"; tokens of four readers."""
    for name, text in REPORTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    db = open_database(settings)
    try:
        ingest_paths(db, [tmp_path])
        with db.session() as session:
            ids = list(session.scalars(select(Incident.id).order_by(Incident.id)))
            keys = list(session.scalars(select(Document.key).order_by(Document.id)))
        review.restrict(db, ids[0], "partners", actor="test", reason="fictional restriction")
        with db.session() as session:
            hidden = session.execute(
                select(Document.key, Document.id).where(Document.restricted_to.is_not(None))
            )
            hidden_keys = [ref for row in hidden for ref in (row.key, str(row.id))]
        accounts.add_user(db, "vi", "fictional-password-2", "viewer")
        accounts.add_user(db, "pa", "fictional-password-3", "viewer")
        accounts.set_groups(db, "pa", ["partners"])
        accounts.add_user(db, "ad", "fictional-password-4", "admin")
        tokens = {
            "viewer": accounts.issue_token(db, "vi", "read")[1],
            "partner": accounts.issue_token(db, "pa", "read")[1],
            "admin": accounts.issue_token(db, "ad", "admin")[1],
        }
    finally:
        db.dispose()
    return {"ids": ids, "keys": keys, "hidden_keys": hidden_keys, "tokens": tokens}


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update={"warmup_seconds": 0.0}))) as test_client:
        yield test_client


def lane(client: TestClient) -> fastlane.FastReads:
    """The application's fast lane (in its middleware stack, built on the first request)."""
    client.get("/api/v1/openapi.json")
    layer: Any = client.app.middleware_stack  # type: ignore[attr-defined]
    while not isinstance(layer, fastlane.FastReads):
        layer = layer.app
    return layer


@contextmanager
def routes_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every request answered by the FastAPI routes, as before the fast lane."""

    async def unsure(self: fastlane.FastReads, scope: Any) -> None:
        return None

    with monkeypatch.context() as patched:
        patched.setattr(fastlane.FastReads, "_try", unsure)
        yield


def both_ways(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, url: str, token: str | None
) -> tuple[Any, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    fast = client.get(url, headers=headers)
    with routes_only(monkeypatch):
        slow = client.get(url, headers=headers)
    return fast, slow


def same(fast: Any, slow: Any) -> bool:
    return bool(
        fast.status_code == slow.status_code
        and fast.content == slow.content
        and sorted(fast.headers.multi_items()) == sorted(slow.headers.multi_items())
    )


def hot_urls(world: dict[str, Any]) -> list[str]:
    ids, keys = world["ids"], world["keys"]
    return [
        "/api/v1/incidents",
        "/api/v1/incidents?limit=1&offset=1",
        "/api/v1/incidents?review_state=candidate&review_state=confirmed",
        f"/api/v1/incidents?status={STATUSES[0]}&event_type={EVENT_TYPES[0]}",
        "/api/v1/incidents?date_from=2031-01-01&date_to=2031-12-31&place=Shenyang",
        *(f"/api/v1/incidents/{i}" for i in ids),
        "/api/v1/documents",
        "/api/v1/documents?language=ko&limit=2",
        "/api/v1/documents?" + urlencode({"q": "체포"}),
        "/api/v1/documents?q=arrested&offset=1",
        "/api/v1/documents?q=ar",  # too short for SQLite's index: a scan, in a worker thread
        *(f"/api/v1/documents/{k}" for k in keys),
        *(f"/api/v1/documents/{n}" for n in range(1, len(keys) + 1)),
    ]


def test_hot_reads_skip_fastapi_and_answer_exactly_as_the_routes(
    client: TestClient, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    solved = []
    real = fastapi.routing.solve_dependencies

    async def counting(*args: Any, **kwargs: Any) -> Any:
        solved.append(1)
        return await real(*args, **kwargs)

    monkeypatch.setattr(fastapi.routing, "solve_dependencies", counting)
    served = lane(client)
    for name, token in world["tokens"].items():
        for url in hot_urls(world):
            before, solved_before = served.served, len(solved)
            fast = client.get(url, headers={"Authorization": f"Bearer {token}"})
            fast_solved = len(solved) - solved_before
            with routes_only(monkeypatch):
                slow = client.get(url, headers={"Authorization": f"Bearer {token}"})
            visible = name != "viewer" or not (
                url.endswith(f"/incidents/{world['ids'][0]}")
                or any(url.endswith(f"/documents/{k}") for k in world["hidden_keys"])
            )
            assert fast.status_code == (200 if visible else 404), (name, url, fast.text)
            assert same(fast, slow), (name, url, fast.content, slow.content)
            if visible:  # answered in the lane, without solving a single dependency
                assert served.served == before + 1 and fast_solved == 0, (name, url)
            else:  # left to the route, which answers the 404 in its own shape
                assert served.served == before and fast_solved > 0, (name, url)
            assert fast.headers["content-security-policy"].startswith("default-src 'self'")


def test_a_restricted_incident_never_reaches_a_reader_outside_its_group(
    client: TestClient, world: dict[str, Any]
) -> None:
    hidden = world["ids"][0]
    for name, sees in [("viewer", False), ("partner", True), ("admin", True)]:
        headers = {"Authorization": f"Bearer {world['tokens'][name]}"}
        listed = client.get("/api/v1/incidents", headers=headers).json()
        assert (hidden in [i["id"] for i in listed["items"]]) is sees, name
        assert listed["total"] == len(world["ids"]) - (0 if sees else 1)
        assert client.get(f"/api/v1/incidents/{hidden}", headers=headers).status_code == (
            200 if sees else 404
        )
        documents = client.get("/api/v1/documents", headers=headers).json()["items"]
        shown = {ref for d in documents for ref in (d["key"], str(d["id"]))}
        assert set(world["hidden_keys"]) <= shown if sees else not set(world["hidden_keys"]) & shown, name


def test_a_revoked_token_is_refused_at_once(
    client: TestClient, world: dict[str, Any], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(settings)
    try:
        token_id, token = accounts.issue_token(db, "vi", "read")
        headers = {"Authorization": f"Bearer {token}"}
        for url in ("/api/v1/incidents", f"/api/v1/incidents/{world['ids'][1]}", "/api/v1/documents"):
            assert client.get(url, headers=headers).status_code == 200  # its principal now cached
        accounts.revoke_token(db, token_id)
        for url in ("/api/v1/incidents", f"/api/v1/incidents/{world['ids'][1]}", "/api/v1/documents"):
            fast, slow = both_ways(client, monkeypatch, url, token)
            assert fast.status_code == 401 and same(fast, slow), url
        accounts.set_active(db, "pa", False, reason="fictional")  # a deactivated account: the same
        fast, slow = both_ways(client, monkeypatch, "/api/v1/incidents", world["tokens"]["partner"])
        assert fast.status_code == 401 and same(fast, slow)
    finally:
        db.dispose()


def test_a_cached_list_reads_the_data_version_once(client: TestClient, world: dict[str, Any]) -> None:
    """The token check and the page's caches share one version read: two statements (were three)."""
    db: Database = client.app.state.db  # type: ignore[attr-defined]
    headers = {"Authorization": f"Bearer {world['tokens']['viewer']}"}
    for url in ("/api/v1/incidents?limit=2", "/api/v1/documents?limit=2"):
        for _ in range(6):  # total, cards and principal kept; statements prepared on PostgreSQL
            assert client.get(url, headers=headers).status_code == 200
        with statements(db) as counted:
            assert client.get(url, headers=headers).status_code == 200
        assert counted[0] == 2, (url, counted[0])  # the version, then the page's ids


KEYS = st.sampled_from(
    ["review_state", "status", "event_type", "limit", "offset", "q", "language", "place", "date_from", "x"]
)
VALUES = st.one_of(
    st.sampled_from([*REVIEW_STATES, *STATUSES, *EVENT_TYPES, "en", "ko", "zz", "2031-02-30", "2031-03-01"]),
    st.sampled_from(["0", "1", "2", "00", "+1", "-1", " 1", "200", "201", "1e2", "9" * 30, "", "%", "\x00"]),
    st.text(max_size=6),
)
QUERIES = st.lists(st.tuples(KEYS, VALUES), max_size=4)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=QUERIES, path=st.sampled_from(["/api/v1/incidents", "/api/v1/documents"]))
def test_any_query_is_answered_as_the_routes_answer_it(
    client: TestClient,
    world: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    query: list[tuple[str, str]],
    path: str,
) -> None:
    """Whatever the query: the lane answers it exactly as FastAPI would, or leaves it to FastAPI."""
    url = f"{path}?{urlencode(query)}" if query else path
    fast, slow = both_ways(client, monkeypatch, url, world["tokens"]["viewer"])
    assert same(fast, slow), (url, fast.status_code, fast.content[:300], slow.content[:300])


def test_a_search_not_kept_runs_in_a_thread_both_ways(
    client: TestClient, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search still to be made goes to a worker thread, also one SQLite's FTS index answers: in the first
    seconds after a start, when none was kept, the event loop's other requests queued behind them (#20).
    One whose page and total are kept is answered in place. Both lanes alike, with the same answer."""
    from refwatch.web import api

    threaded: list[str] = []

    def counting(module: Any) -> Any:
        original = module.run_in_threadpool

        async def run(func: Any, *args: Any, **kwargs: Any) -> Any:
            threaded.append(module.__name__)
            return await original(func, *args, **kwargs)

        return run

    monkeypatch.setattr(fastlane, "run_in_threadpool", counting(fastlane))
    monkeypatch.setattr(api, "run_in_threadpool", counting(api))
    headers = {"Authorization": f"Bearer {world['tokens']['viewer']}"}
    for word, lane_name in (("arrested", "refwatch.web.fastlane"), ("repatriated", "refwatch.web.api")):
        url = f"/api/v1/documents?q={word}"
        if lane_name == "refwatch.web.api":
            with routes_only(monkeypatch):
                first, again = client.get(url, headers=headers), client.get(url, headers=headers)
        else:
            first, again = client.get(url, headers=headers), client.get(url, headers=headers)
        assert first.status_code == 200 and first.json()["total"] >= 1
        assert again.content == first.content
        assert threaded == [lane_name], word  # the first one only: the second was kept
        threaded.clear()
