"""``refwatch serve`` warms each process before it listens: the first request finds the caches full (#20)."""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from refwatch.config import Settings
from refwatch.services import accounts, browse
from refwatch.services.caching import caches, current_version
from refwatch.services.ingest import ingest_paths
from refwatch.services.setup import open_database
from refwatch.storage.database import Database
from refwatch.storage.tables import Incident
from refwatch.web import balance, workers
from refwatch.web.app import create_app
from refwatch.web.routes import dashboard

REPORTS = {
    "one.txt": "FICTIONAL. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors in "
    "Shenyang on March 3, 2031, a rights group said. They face forced repatriation.",
    "two.txt": "FICTIONAL. April 2, 2031 - Border guards in Yanji arrested 7 North Koreans on April 1, "
    "2031; five women among them were repatriated a week later.",
}


def _fill(settings: Settings, folder: Path) -> tuple[list[int], str]:
    """Ingest the fictional reports, restrict the first incident; the incident ids and a viewer's token."""
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = open_database(settings)
    try:
        ingest_paths(db, [folder])
        with db.transaction() as session:
            ids = list(session.scalars(select(Incident.id).order_by(Incident.id)))
            session.get_one(Incident, ids[0]).restricted_to = "partners"
        accounts.add_user(db, "vi", "fictional-password-2", "viewer")
        token = accounts.issue_token(db, "vi", "read")[1]
    finally:
        db.dispose()
    return ids, token


def _unfiltered_total_is_kept(db: Database, groups: tuple[str, ...] | None) -> bool:
    key = ("incidents", repr(browse.IncidentFilter(visible_groups=groups)))
    return caches(db).counts.get(current_version(db), key) is not None


def test_the_start_up_hook_fills_the_caches_before_the_first_request(
    settings: Settings, tmp_path: Path
) -> None:
    ids, token = _fill(settings, tmp_path)
    app = create_app(settings.model_copy(update={"warmup_seconds": 30.0}))
    db: Database = app.state.db
    assert not _unfiltered_total_is_kept(db, ())
    with TestClient(app) as client:  # runs the start-up hook, as uvicorn does before it listens
        report = app.state.warmup
        assert report.finished and report.pages > 0 and report.records > 0 and report.connections >= 1
        version = current_version(db)
        assert set(caches(db).incident_cards.get_many(version, ids)) == set(ids)  # cards: any reader's
        assert caches(db).document_cards.get_many(version, range(1, 3))
        assert _unfiltered_total_is_kept(db, ()) and _unfiltered_total_is_kept(db, None)
        assert db.engine.pool.checkedin() >= 1  # a connection open and waiting

        # What was warmed is what each reader may see: the restricted incident stays hidden.
        listed = client.get("/api/v1/incidents", headers={"Authorization": f"Bearer {token}"}).json()
        assert ids[0] not in [i["id"] for i in listed["items"]]
        assert listed["total"] == len(ids) - 1
        answer = client.get(f"/api/v1/incidents/{ids[0]}", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 404


def test_no_warm_up_when_it_is_turned_off(settings: Settings, tmp_path: Path) -> None:
    _fill(settings, tmp_path)
    app = create_app(settings.model_copy(update={"warmup_seconds": 0.0}))
    with TestClient(app):
        assert app.state.warmup is None
        assert not _unfiltered_total_is_kept(app.state.db, ())


def test_the_charts_are_ready_and_the_ready_hook_runs_before_the_first_request(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chart compiler is started before the process listens, not in a thread beside the first requests
    (it held the interpreter for about a second while fifty clients waited); then ``web.workers``'s hook
    (wait for the other workers) runs, with the caches already full (#20)."""
    _fill(settings, tmp_path)
    events: list[str] = []

    def charts() -> None:
        time.sleep(0.3)  # as long as a cold start of the compiler, or longer
        events.append("charts")

    monkeypatch.setattr(dashboard, "warm_charts", charts)
    app = create_app(settings.model_copy(update={"warmup_seconds": 30.0}))
    db: Database = app.state.db
    app.state.ready = lambda: events.append(f"ready, total kept: {_unfiltered_total_is_kept(db, ())}")
    with TestClient(app):
        assert events == ["charts", "ready, total kept: True"]  # in this order, both done


def test_workers_are_forked_from_an_application_warmed_once(settings: Settings, tmp_path: Path) -> None:
    """``refwatch serve --workers N`` warms one application and forks the workers from it: its caches are
    full, its templates compiled, its objects frozen out of the collector, and no database connection is
    open to cross the fork (each worker opens its own) (#20)."""
    ids, _ = _fill(settings, tmp_path)
    before = balance.ACTIVE
    threads = set(threading.enumerate())  # earlier tests in this process may have left their own
    app = workers.prepare(settings.model_copy(update={"warmup_seconds": 30.0}), 2)
    db: Database = app.state.db
    try:
        assert db.engine.pool.checkedin() == 0 and db.engine.pool.checkedout() == 0
        assert gc.get_freeze_count() > 0
        assert app.state.shared_warmup.finished
        assert _unfiltered_total_is_kept(db, ()) and _unfiltered_total_is_kept(db, None)
        assert set(caches(db).incident_cards.get_many(current_version(db), ids)) == set(ids)
        assert set(threading.enumerate()) <= threads  # the warm-up leaves no thread a fork would cut in half
        assert balance.ACTIVE is not None and len(balance.ACTIVE.loads) == 2
    finally:
        db.dispose()
        balance.ACTIVE = before
        gc.unfreeze()
