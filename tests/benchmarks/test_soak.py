"""The soak benchmark: its reports, memory sums, minute rows and verdicts, and one short run end to end."""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from refwatch.config import Settings
from refwatch.domain.incidents import Incident as Extracted
from refwatch.services.ingest import relink_all
from refwatch.storage.database import Database
from refwatch.storage.tables import Incident, IncidentSource

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import api_load  # noqa: E402
import soak  # noqa: E402


def minute(n: int, *, rss: float = 500.0, errors: int = 0, failed: int = 0, p99: float = 40.0) -> soak.Minute:
    return soak.Minute(
        minute=n,
        seconds=60.0,
        requests=1000,
        req_per_s=16.7,
        errors=errors,
        errors_by_sort={"status": errors} if errors else {},
        p50_ms=5.0,
        p95_ms=20.0,
        p99_ms=p99,
        rss_mb=rss,
        rss_max_mb=rss,
        server_cpu_s=50.0,
        server_processes=4,
        ingest_runs=6,
        ingest_stored=30 - failed,
        ingest_failed=failed,
        ingest_incidents=30,
        ingest_max_s=3.0,
        ingest_running_s=0.0,
        error_samples=[],
    )


def options(**changes: object) -> argparse.Namespace:
    return argparse.Namespace(**{"rss_tolerance": 10.0, "p99_ms": None, **changes})


def test_soak_reports_are_fictional_new_and_partly_korean() -> None:
    rng = random.Random(3)
    texts = [soak.soak_document(rng, n) for n in range(1, 41)]
    assert len(set(texts)) == len(texts)  # ingest would skip a repeated one as unchanged
    assert all(t.startswith(f"FICTIONAL SOAK REPORT {n} - pseudonyms") for n, t in enumerate(texts, 1))
    assert all(re.search(r"Person [A-H]-\d{3}", t) for t in texts)
    korean = [t for t in texts if "탈북민" in t]
    assert 0 < len(korean) < len(texts)


@pytest.mark.slow
def test_the_generated_database_can_be_relinked_as_ingest_does(db: Database, settings: Settings) -> None:
    """Without it, ingest beside the load failed on every run: linking reads each stored report back."""
    data = api_load.generate(db, 400, 60, doc_chars=300)
    assert soak.complete_sources(db, data) == data.rows["incident_sources"]
    with db.transaction() as session:
        sources = session.scalars(select(IncidentSource)).all()
        assert {Extracted.from_dict(s.extracted).document for s in sources} <= set(data.keys)
        targets = set(session.scalars(select(Incident.merged_into_id).where(Incident.merged_into_id > 0)))
        locked = set(session.scalars(select(Incident.id).where(Incident.sources_locked.is_(True))))
        assert targets and targets == locked  # as a merge leaves them: relinking cannot delete them
    summary = relink_all(db, actor="test", threshold=None, window_days=settings.link_window_days)
    assert summary.reports == data.rows["incident_sources"]


def test_a_failed_ingest_is_named_by_its_error_line() -> None:
    traceback = (
        'Traceback (most recent call last):\n  File "x.py", line 1, in <module>\n'
        "sqlalchemy.exc.IntegrityError: (raised as a result of autoflush)\n"
        "(sqlcipher3.dbapi2.IntegrityError) FOREIGN KEY constraint failed\n"
        "(Background on this error at: https://sqlalche.me/e/21/gkpj)\n"
    )
    assert soak.cause(traceback) == "(sqlcipher3.dbapi2.IntegrityError) FOREIGN KEY constraint failed"
    assert soak.cause("error: cannot read the key file\n") == "error: cannot read the key file"
    assert soak.cause("") == "no output"


def test_server_memory_is_summed_over_every_process_under_it() -> None:
    code = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as parent:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        try:
            taken = soak.sample(parent.pid)
            alone = soak.sample(child)
        finally:
            os.kill(child, 9)
            parent.kill()
    assert {parent.pid, child} <= taken.pids
    assert alone.pids == {child}
    assert taken.rss > alone.rss > 0


def test_a_minute_row_takes_its_own_requests_memory_and_ingests() -> None:
    sampler = soak.Sampler(os.getpid())
    ingest = soak.IngestLoop({}, Path("unused"), every=10.0, batch=5, seed=1)
    before = soak.Sample(at=0.0, rss=400_000_000, cpu=10.0, pids=frozenset({1, 2}))
    sampler.samples = [
        soak.Sample(at=30.0, rss=520_000_000, cpu=20.0, pids=frozenset({1, 2})),
        soak.Sample(at=60.0, rss=500_000_000, cpu=40.0, pids=frozenset({1, 2, 3})),
        soak.Sample(at=90.0, rss=900_000_000, cpu=70.0, pids=frozenset({1, 2, 3})),  # the next minute
    ]
    ingest.runs = [
        soak.IngestRun(ended=20.0, seconds=4.0, documents=5, stored=5, failed=0, incidents=5),
        soak.IngestRun(ended=50.0, seconds=9.0, documents=5, stored=3, failed=2, incidents=3, error="boom"),
        soak.IngestRun(ended=61.0, seconds=1.0, documents=5, stored=5, failed=0, incidents=5),
    ]
    ingest.running_since = 45.0  # a fourth run, not finished at the end of the minute
    bucket = soak.Bucket(start=0.0, end=60.0, requests=100, pairs=[(0.001 * n, 1.0) for n in range(1, 101)])
    bucket.errors["timeout"] = 2
    row = soak.minute_row(1, bucket, sampler, ingest, before)
    assert (row.requests, row.errors, row.errors_by_sort) == (100, 2, {"timeout": 2})
    assert (row.p50_ms, row.p95_ms, row.p99_ms) == (50.0, 95.0, 99.0)
    assert (row.rss_mb, row.rss_max_mb, row.server_cpu_s, row.server_processes) == (500.0, 520.0, 30.0, 3)
    assert (row.ingest_runs, row.ingest_stored, row.ingest_failed, row.ingest_max_s) == (2, 8, 2, 9.0)
    assert row.ingest_running_s == 15.0
    assert row.error_samples == ["ingest: boom"]


def test_memory_is_flat_only_within_the_tolerance_of_minute_one() -> None:
    def memory(*rss: float) -> dict[str, object]:
        rows = [minute(n, rss=r) for n, r in enumerate(rss, 1)]
        return soak.verdicts(rows, True, options())["memory_flat"]

    assert memory(500, 700, 540)["met"] is True  # a peak inside the run is not the end
    assert memory(500, 520, 560) == {
        "met": False,
        "tolerance_percent": 10.0,
        "minute_1_mb": 500,
        "end_mb": 560,
        "change_percent": 12.0,
    }
    assert memory(500, 440)["met"] is False  # a worker that died and restarted shows as a drop
    assert memory(500)["met"] is None  # one interval: nothing to compare


def test_any_failed_request_ingest_or_stopped_server_is_an_error() -> None:
    assert soak.verdicts([minute(1), minute(2)], True, options())["no_errors"]["met"] is True
    assert soak.verdicts([minute(1), minute(2, errors=1)], True, options())["no_errors"]["met"] is False
    assert soak.verdicts([minute(1, failed=1), minute(2)], True, options())["no_errors"]["met"] is False
    assert soak.verdicts([minute(1), minute(2)], False, options())["no_errors"]["met"] is False
    assert soak.verdicts([], True, options())["no_errors"]["met"] is False


def test_p99_is_printed_and_judged_only_against_a_given_target() -> None:
    rows = [minute(1, p99=80.0), minute(2, p99=float("nan"))]  # a minute without a single answer
    shown = soak.verdicts(rows, True, options())["p99"]
    assert shown == {"met": None, "per_minute_ms": [80.0, None]}
    assert soak.verdicts(rows[:1], True, options(p99_ms=100.0))["p99"]["met"] is True
    assert soak.verdicts(rows[:1], True, options(p99_ms=50.0))["p99"]["met"] is False
    assert soak.verdicts(rows, True, options(p99_ms=100.0))["p99"]["met"] is False
    results = [{"verdicts": soak.verdicts(rows[:1], True, options())}]
    assert soak.failed(results) is False  # not judged is not failed
    results.append({"verdicts": soak.verdicts(rows[:1], True, options(p99_ms=50.0))})
    assert soak.failed(results) is True
    assert soak.no_nan({"a": [float("nan"), 1.0]}) == {"a": [None, 1.0]}


@pytest.mark.slow
def test_a_short_soak_serves_and_ingests_without_errors(tmp_path: Path) -> None:
    """A few seconds against a tiny database: the load, the ingest beside it and the JSON all work.

    Ingest links each new report against the generated incidents: this fails
    when their stored extraction lacks what linking reads back.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFWATCH_")}
    command = [
        sys.executable,
        str(BENCHMARKS / "soak.py"),
        "--client=aiohttp",
        "--minutes=0.2",
        "--interval=4",
        "--clients=4",
        "--incidents=60",
        "--documents=30",
        "--ingest-every=2",
        "--ingest-batch=2",
        "--rss-tolerance=1000",  # a server's first seconds are not flat; the test is the plumbing
        "--json",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout)
    assert found["passed"] is True
    (sqlite,) = found["backends"]
    assert [m["minute"] for m in sqlite["minutes"]] == [1, 2, 3]
    assert all(m["requests"] > 0 and m["rss_mb"] > 0 for m in sqlite["minutes"])
    assert sqlite["verdicts"]["no_errors"]["ingest_stored"] >= 2
    assert sqlite["last_ingested_visible"] is True
    assert "interval 1:" in done.stderr  # the progress goes to stderr with --json
