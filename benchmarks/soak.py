"""Soak: the REST API under steady load for minutes while ingest writes beside it; errors, memory, p99.

A short load run (``api_load.py``) says how fast the server is; it cannot show
a slow leak, a cache that grows without bound, a connection pool that runs dry
after a few thousand checkouts, or readers that fail while a writer holds the
database. This runs the same load for ``--minutes`` (default 10) against
``refwatch serve --workers N`` (default 2) while a background loop ingests
fresh reports into the same database every ``--ingest-every`` seconds with
``refwatch ingest`` in its own process, as a user would beside a running
server (extraction and linking on, as by default); back to back when one
run takes longer than that.

The database is generated as in ``api_load.py`` (fictional documents and
incidents, bulk inserts, SQLCipher file on SQLite); the load is its mix of
list, detail and search requests, from wrk (one process per kind, restarted
every minute, so connections are renewed each minute) or with ``--client
aiohttp`` from clients in this process that keep their connections for the
whole run. The reports ingested meanwhile are generated too: a made-up
incident ("Chinese police detained 7 North Koreans near Yanji ...") with
pseudonyms like "Person A-017" and filler sentences, about one in five in
Korean; never corpus text. The generated reports are linked once before the load starts
(a full relink, as every real database has had; not timed), so each ingest beside the load links
only the part its new reports can change (``refwatch.link.partial``), and detail requests
name only incidents that exist; a 404 for one a new report then joined to another is counted
apart (``gone``, aiohttp clients; wrk counts it as an error).

Every minute (``--interval``) it records: requests and req/s; errors (answers
other than 2xx, timeouts after 10 s, connection and socket errors) by sort;
p50/p95/p99 latency at the client; the resident memory of the server (RSS
summed over ``refwatch serve`` and every process under it, from /proc) at the
end of the minute and its highest sample; the server's CPU time; ingest runs,
documents stored and failed, and how long a run not yet finished has
been running. It prints the table, then three verdicts:

1. no errors: no failed request and no failed ingest, and the server still running;
2. memory flat: the RSS at the end within ``--rss-tolerance`` (10 %) of the RSS after minute 1;
3. p99 per minute: printed; judged only with ``--p99-ms`` (every minute at or under it).

The exit status is 1 when a judged verdict fails (for a soak job), 0 otherwise.
``--json`` prints the figures as one JSON document on stdout (the progress
goes to stderr).

On a small machine the clients, the ingest processes and the server share the
CPUs, so the latencies are those of the whole machine under both loads.

    python benchmarks/soak.py                                      # 50 clients, 10 minutes, SQLite
    python benchmarks/soak.py --minutes 2 --clients 20 --incidents 2000 --documents 1000
    python benchmarks/soak.py --backends sqlite postgres --json > soak.json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import uvloop
from sqlalchemy import select, update

import api_load  # beside this file
import wrk_clients  # beside this file
from refwatch.config import load_settings
from refwatch.domain.incidents import DateInterval, Evidence, Location, Perpetrator, Victims
from refwatch.domain.incidents import Incident as Extracted
from refwatch.security.keys import write_key_file
from refwatch.services.accounts import add_user, issue_token
from refwatch.services.setup import init_database
from refwatch.storage.database import Database
from refwatch.storage.tables import Incident, IncidentLocation, IncidentPerpetrator, IncidentSource

ERROR_SORTS = ("status", "timeout", "connect", "read", "write")
SAMPLE_S = 2.0  # how often the server's memory is sampled between the minutes' ends
PLACES = (
    ("Tumen", "Jilin", "투먼"),
    ("Yanji", "Jilin", "옌지"),
    ("Hunchun", "Jilin", "훈춘"),
    ("Changbai", "Jilin", "창바이"),
    ("Dandong", "Liaoning", "단둥"),
    ("Shenyang", "Liaoning", "선양"),
)


# --- the server's processes ----------------------------------------------------------------------


@dataclass
class Sample:
    """The server's process tree at one moment: resident memory, CPU time so far, process ids."""

    at: float  # time.perf_counter()
    rss: int  # bytes
    cpu: float  # seconds
    pids: frozenset[int]


def process_tree(root: int) -> list[int]:
    """``root`` and every process under it (uvicorn's workers, multiprocessing helpers), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int(api_load._stat(entry.name)[1])
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def sample(root: int) -> Sample:
    """RSS and CPU time summed over the server's processes (pages counted once per process)."""
    page, tick = os.sysconf("SC_PAGE_SIZE"), os.sysconf("SC_CLK_TCK")
    rss, ticks, alive = 0, 0, set()
    for pid in process_tree(root):
        try:
            rss += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
            fields = api_load._stat(pid)
        except (OSError, IndexError, ValueError):
            continue
        ticks += int(fields[11]) + int(fields[12])
        alive.add(pid)
    return Sample(time.perf_counter(), rss, ticks / tick, frozenset(alive))


class Sampler(threading.Thread):
    """Samples the server every ``SAMPLE_S`` seconds (for the highest RSS within a minute)."""

    def __init__(self, root: int) -> None:
        super().__init__(name="soak-sampler", daemon=True)
        self.root = root
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def take(self) -> Sample:
        taken = sample(self.root)
        with self.lock:
            self.samples.append(taken)
        return taken

    def run(self) -> None:
        while not self.stopping.wait(SAMPLE_S):
            self.take()

    def between(self, start: float, end: float) -> list[Sample]:
        with self.lock:
            return [s for s in self.samples if start <= s.at <= end]


# --- the generated database --------------------------------------------------------------------


def complete_sources(db: Database, data: api_load.Generated) -> int:
    """Make the generated database one that ingest can link into, as a real one is; return the sources.

    ``api_load`` stores only the evidence and a status in each source's
    extracted incident (no route it measures reads more); ingest's linking
    reads every stored one back and needs at least its document. Each gets
    the whole incident (schema shape), built from the generated incident's own
    fields, so the candidates look like what extraction stores. And an
    incident something was merged into gets its sources locked, as a merge
    does: otherwise relinking may empty and delete it while the merged one
    still points at it (a foreign key error that fails the whole ingest).
    """
    with db.engine.connect() as conn:
        incidents = {r["id"]: r for r in conn.execute(select(Incident.__table__)).mappings()}
        places = {r["incident_id"]: r for r in conn.execute(select(IncidentLocation.__table__)).mappings()}
        actors = {r["incident_id"]: r for r in conn.execute(select(IncidentPerpetrator.__table__)).mappings()}
        sources = conn.execute(select(IncidentSource.__table__)).mappings().all()
    rows = []
    for source in sources:
        i, loc, actor = (
            incidents[source["incident_id"]],
            places.get(source["incident_id"]),
            actors.get(source["incident_id"]),
        )
        start, end = i["date_start"], i["date_end"]
        extracted = Extracted(
            document=data.keys[source["document_id"] - 1],
            event_types=list(i["event_types"]),
            status=source["extracted"].get("status", i["status"]),
            date=DateInterval(
                start=start.isoformat() if start else None,
                end=end.isoformat() if end else None,
                precision=i["date_precision"],
            ),
            victims=Victims(*(i[k] for k in ("count", "count_min", "count_max", "count_qualifier"))),
            locations=[Location(*(loc[k] for k in ("country", "admin1", "place", "facility", "role")))]
            if loc
            else [],
            perpetrators=[Perpetrator(actor["state"], actor["agency"])] if actor else [],
            evidence=[Evidence(**e) for e in source["extracted"].get("evidence", [])],
        )
        rows.append({"id": source["id"], "extracted": extracted.to_dict()})
    for batch in api_load._batches(iter(rows)):
        with db.transaction() as session:
            session.execute(update(IncidentSource), batch)
    targets = select(Incident.merged_into_id).where(Incident.merged_into_id.is_not(None))
    with db.transaction() as session:
        session.execute(update(Incident).where(Incident.id.in_(targets)).values(sources_locked=True))
    return len(rows)


def link_generated(db: Database) -> list[int]:
    """Link the generated reports as every real database is linked; return the incident ids kept.

    The generated incidents were never clustered: left so, the first ingest of the load would
    have to relink all of them (and delete the ones linking joins, under the clients' feet).
    Linked once here, each ingest beside the load links only what its new reports reach, and the
    clients ask only for incidents that exist (an incident a new report joins to another may
    still go: that 404 is counted apart, as ``gone``).
    """
    from refwatch.services.ingest import relink_all

    relink_all(db, actor="soak", threshold=None, window_days=45)
    with db.session() as session:
        return list(session.scalars(select(Incident.id).order_by(Incident.id)))


# --- ingest beside the load ----------------------------------------------------------------------


def soak_document(rng: random.Random, serial: int) -> str:
    """A fictional report of one made-up incident, in English or (one in five) Korean."""
    day = api_load.random_date(rng)
    place, province, place_ko = rng.choice(PLACES)
    count = rng.randint(2, 12)
    person = api_load.pseudonym(rng)
    weeks = rng.randint(2, 6)
    head = f"FICTIONAL SOAK REPORT {serial} - pseudonyms, not real people or events."
    if rng.random() < 0.2:
        story = (
            f"{day.year}년 {day.month}월 {day.day}일 {place_ko}에서 탈북민 {count}명이 "
            f"중국 공안에 체포됐다고 가족 {person} 씨가 전했다. "
            f"이들은 국경 구류소에 갇혀 있다가 {weeks}주 뒤 북한으로 강제송환됐다."
        )
        return "\n\n".join((head, story, api_load._document_text(rng, serial, "ko", 600)))
    story = (
        f"Chinese police detained {count} North Koreans near {place}, {province} province, on "
        f"{day:%d %B %Y}, according to {person}, a relative of one of them. The group was held at a "
        f"border detention centre and handed over to North Korean border guards {weeks} weeks later."
    )
    return "\n\n".join((head, story, api_load._document_text(rng, serial, "en", 1200)))


@dataclass
class IngestRun:
    """One ``refwatch ingest`` run: when it ended, what it stored, what failed and why."""

    ended: float
    seconds: float
    documents: int
    stored: int
    failed: int
    incidents: int
    error: str = ""


class IngestLoop(threading.Thread):
    """Every ``every`` seconds, ``refwatch ingest`` a folder of ``batch`` new fictional reports."""

    def __init__(
        self, env: dict[str, str], folder: Path, every: float, batch: int, seed: int, timeout: float = 600.0
    ) -> None:
        super().__init__(name="soak-ingest", daemon=True)
        self.env, self.folder, self.every, self.batch, self.timeout = env, folder, every, batch, timeout
        self.running_since: float | None = None  # when the ingest now running started
        self.rng = random.Random(seed)
        self.runs: list[IngestRun] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.serial = 0
        self.last_key: str | None = None

    def run(self) -> None:
        due = time.perf_counter() + self.every
        while not self.stopping.wait(max(0.0, due - time.perf_counter())):
            result = self.once()
            with self.lock:
                self.runs.append(result)
            due = max(due + self.every, time.perf_counter())

    def once(self) -> IngestRun:
        folder = self.folder / f"run-{self.serial:06d}"
        folder.mkdir(parents=True, mode=0o700)
        for _ in range(self.batch):
            self.serial += 1
            text = soak_document(self.rng, self.serial)
            (folder / f"soak-{self.serial:06d}.txt").write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "refwatch", "ingest", str(folder), "--format", "json"]
        began = self.running_since = time.perf_counter()
        try:
            done = subprocess.run(
                command, env=self.env, capture_output=True, text=True, timeout=self.timeout, check=False
            )
        except subprocess.TimeoutExpired:
            ended = time.perf_counter()
            why = f"ingest did not finish in {self.timeout:g} s"
            return IngestRun(ended, ended - began, self.batch, 0, self.batch, 0, why)
        finally:
            self.running_since = None
            shutil.rmtree(folder, ignore_errors=True)
        ended = time.perf_counter()
        try:
            rows = json.loads(done.stdout)
        except ValueError:
            rows = []
        stored = [r for r in rows if r.get("outcome") == "stored"]
        failed = self.batch - len(stored)  # failed, unchanged (they are new) or missing from the answer
        if stored:
            self.last_key = str(stored[-1]["key"])
        why = ""
        if failed or done.returncode != 0:
            reasons = sorted({str(r.get("reason")) for r in rows if r.get("outcome") != "stored"})
            why = f"exit status {done.returncode}; {'; '.join(reasons) or cause(done.stderr)}"
        incidents = sum(int(r.get("incidents") or 0) for r in stored)
        return IngestRun(ended, ended - began, self.batch, len(stored), max(failed, 0), incidents, why)

    def ended_between(self, start: float, end: float) -> list[IngestRun]:
        with self.lock:
            return [r for r in self.runs if start <= r.ended < end]


def cause(stderr: str) -> str:
    """The line of a failed command's output that names the error (a traceback's exception line)."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    named = [line for line in lines if "Error" in line or line.lower().startswith("error")]
    return (named or lines or ["no output"])[-1][:300]


# --- the load, minute by minute ------------------------------------------------------------------


@dataclass
class Bucket:
    """What the clients saw in one interval: latencies of the answered requests (with weights), errors."""

    start: float
    end: float = 0.0
    pairs: list[tuple[float, float]] = field(default_factory=list)  # (seconds, requests it stands for)
    requests: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    gone: int = 0  # 404s for an incident a new report joined to another (aiohttp clients only)


def wrk_minutes(
    wrk: str, base: str, token: str, data: api_load.Generated, folder: Path, args: argparse.Namespace
) -> Iterator[Bucket]:
    """One wrk run per interval (each kind in its own process, as in ``api_load``)."""
    folder.mkdir(mode=0o700)
    paths = {
        k: api_load.request_paths(data, k, api_load.PATHS_PER_KIND, seed=1000 + i)
        for i, k in enumerate(api_load.KINDS)
    }
    scripts = wrk_clients.write_scripts(folder, token, paths)
    share = wrk_clients.connections(args.clients, api_load.MIX)
    for _ in range(args.intervals):
        bucket = Bucket(time.perf_counter())
        found = wrk_clients.run(wrk, base, scripts, share, args.interval)
        bucket.end = time.perf_counter()
        for kind, result in found.items():
            weight = result.requests / len(result.quantiles) if result.quantiles else 0.0
            bucket.pairs.extend((q, weight) for q in result.quantiles)
            bucket.requests += result.requests
            bucket.errors.update({k: v for k, v in result.errors.items() if v})
            if any(result.errors.values()) and len(bucket.samples) < 5:
                bucket.samples.append(f"{kind}: {result.errors}")
        bucket.pairs.sort()
        yield bucket


async def aiohttp_minutes(
    base: str, token: str, data: api_load.Generated, args: argparse.Namespace, sampler: Sampler
) -> list[Bucket]:
    """Clients that keep their connection for the whole run; requests counted in the interval they end in."""
    began = time.perf_counter()
    buckets = [
        Bucket(began + i * args.interval, began + (i + 1) * args.interval) for i in range(args.intervals)
    ]
    until = buckets[-1].end

    def bucket_at(now: float) -> Bucket:
        return buckets[min(len(buckets) - 1, int((now - began) // args.interval))]

    async def client(n: int) -> None:
        rng = random.Random(1000 + n)
        async with aiohttp.ClientSession(
            base,
            headers={"Authorization": f"Bearer {token}"},
            timeout=aiohttp.ClientTimeout(total=wrk_clients.TIMEOUT_S),
            connector=aiohttp.TCPConnector(limit=1),  # one connection per client, kept alive
        ) as session:
            while (sent := time.perf_counter()) < until:
                kind, url, params = api_load.pick(rng, data)
                sort, why = "", ""
                try:
                    async with session.get(url, params=params) as response:
                        body = await response.read()
                    # An incident that the ingest beside the load re-linked away answers 404, as it
                    # should: the generated paths name incidents that a relink may merge and remove.
                    gone = response.status == 404 and kind == "incident_detail"
                    if gone:
                        bucket_at(time.perf_counter()).gone += 1
                    if not 200 <= response.status < 300 and not gone:
                        sort, why = "status", f"{response.status} {body[:200]!r}"
                except TimeoutError:
                    sort, why = "timeout", "no answer in time"
                except aiohttp.ClientConnectorError as exc:
                    sort, why = "connect", str(exc)
                except aiohttp.ClientError as exc:
                    sort, why = "read", f"{type(exc).__name__}: {exc}"
                now = time.perf_counter()
                bucket = bucket_at(now)
                if sort:
                    bucket.errors[sort] += 1
                    if len(bucket.samples) < 5:
                        bucket.samples.append(f"{kind} {url} {params}: {why}")
                else:
                    bucket.pairs.append((now - sent, 1.0))
                    bucket.requests += 1

    async def boundaries() -> None:
        for bucket in buckets:
            await asyncio.sleep(max(0.0, bucket.end - time.perf_counter()))
            await asyncio.to_thread(sampler.take)

    await asyncio.gather(boundaries(), *(client(n) for n in range(args.clients)))
    for bucket in buckets:
        bucket.pairs.sort()
    return buckets


# --- one backend ---------------------------------------------------------------------------------


@dataclass
class Minute:
    """One row of the table."""

    minute: int
    seconds: float
    requests: int
    req_per_s: float
    errors: int
    errors_by_sort: dict[str, int]
    p50_ms: float
    p95_ms: float
    p99_ms: float
    rss_mb: float  # at the end of the interval
    rss_max_mb: float
    server_cpu_s: float
    server_processes: int
    ingest_runs: int
    ingest_stored: int
    ingest_failed: int
    ingest_incidents: int
    ingest_max_s: float
    ingest_running_s: float  # how long the ingest still running at the end of the interval had run
    error_samples: list[str]
    gone: int = 0


def _none_if_nan(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 1)


def minute_row(index: int, bucket: Bucket, sampler: Sampler, ingest: IngestLoop, before: Sample) -> Minute:
    end = sampler.between(bucket.end - 0.5, math.inf)
    last = end[0] if end else sampler.take()
    within = sampler.between(bucket.start, last.at)
    runs = ingest.ended_between(bucket.start, bucket.end)
    running = ingest.running_since
    samples = list(bucket.samples) + [f"ingest: {r.error}" for r in runs if r.error][:5]
    p50, p95, p99 = (api_load.percentile(bucket.pairs, p) * 1000 for p in (50, 95, 99))
    seconds = bucket.end - bucket.start
    return Minute(
        minute=index,
        seconds=round(seconds, 1),
        requests=bucket.requests,
        req_per_s=round(bucket.requests / seconds, 1) if seconds > 0 else 0.0,
        errors=sum(bucket.errors.values()),
        errors_by_sort=dict(bucket.errors),
        p50_ms=round(p50, 1),
        p95_ms=round(p95, 1),
        p99_ms=round(p99, 1),
        rss_mb=round(last.rss / 1e6, 1),
        rss_max_mb=round(max(s.rss for s in [*within, last]) / 1e6, 1),
        server_cpu_s=round(last.cpu - before.cpu, 1),
        server_processes=len(last.pids),
        ingest_runs=len(runs),
        ingest_stored=sum(r.stored for r in runs),
        ingest_failed=sum(r.failed for r in runs),
        ingest_incidents=sum(r.incidents for r in runs),
        ingest_max_s=round(max((r.seconds for r in runs), default=0.0), 1),
        ingest_running_s=round(bucket.end - running, 1)
        if running is not None and running < bucket.end
        else 0.0,
        error_samples=samples,
        gone=bucket.gone,
    )


def run_backend(backend: str, url: str | None, tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Generate the database, serve it, load it and ingest beside it; the rows and verdicts."""
    home, key = tmp / f"home-{backend}", tmp / "soak.key"
    home.mkdir(parents=True, exist_ok=True)
    if not key.exists():
        write_key_file(key)
    db, _ = init_database(load_settings(home=home, database_url=url, key_file=key))
    try:
        data = api_load.generate(db, args.incidents, args.documents, doc_chars=args.doc_chars)
        completed = time.perf_counter()
        complete_sources(db, data)
        data.seconds += time.perf_counter() - completed
        linked = time.perf_counter()
        data.incident_ids = link_generated(db)
        print(f"{backend}: linked the generated reports in {time.perf_counter() - linked:.1f} s", flush=True)
        add_user(db, "soak", "soak-benchmark-password-0", "viewer")
        _, token = issue_token(db, "soak", "read")
        size = api_load.settle(db)
    finally:
        db.dispose()
    counts = ", ".join(f"{n} {t}" for t, n in data.rows.items())
    print(f"{backend}: generated {counts} in {data.seconds:.1f} s ({size})", flush=True)

    env = {k: v for k, v in os.environ.items() if not k.startswith("REFWATCH_")}
    env.update({"REFWATCH_HOME": str(home), "REFWATCH_KEY_FILE": str(key), "REFWATCH_USER": "soak"})
    if url:
        env["REFWATCH_DATABASE_URL"] = url
    port, log = api_load.free_port(), tmp / f"server-{backend}.log"
    server = api_load.start_server(env, port, log, args.workers)
    base = f"http://127.0.0.1:{port}"
    sampler = Sampler(server.pid)
    ingest = IngestLoop(
        env, tmp / f"ingest-{backend}", args.ingest_every, args.ingest_batch, 11, args.ingest_timeout
    )
    rows: list[Minute] = []
    try:
        asyncio.run(api_load.wait_ready(base, token, server, log))
        print(
            f"{backend}: serving with {args.workers} worker(s); {args.clients} clients from {args.client} "
            f"for {args.intervals} x {args.interval:g} s, ingest of {args.ingest_batch} reports every "
            f"{args.ingest_every:g} s",
            flush=True,
        )
        before = sampler.take()
        load_end = math.inf
        sampler.start()
        ingest.start()
        if args.client == "wrk":
            buckets: Iterator[Bucket] | list[Bucket] = wrk_minutes(
                args.wrk, base, token, data, tmp / f"wrk-{backend}", args
            )
        else:
            buckets = uvloop.run(aiohttp_minutes(base, token, data, args, sampler))
        for index, bucket in enumerate(buckets, start=1):
            if args.client == "wrk":
                sampler.take()
            row = minute_row(index, bucket, sampler, ingest, before)
            before = sampler.between(bucket.end - 0.5, math.inf)[0]
            rows.append(row)
            load_end = bucket.end
            label = "minute" if args.interval == 60 else "interval"
            print(
                f"  {label} {index}: {row.requests} requests, {row.errors} errors, p99 {row.p99_ms:.1f} ms, "
                f"RSS {row.rss_mb:.0f} MB, ingest {row.ingest_stored} stored / {row.ingest_failed} failed"
                + (f" (one running for {row.ingest_running_s:.0f} s)" if row.ingest_running_s else "")
                + (f", {row.gone} incidents gone (404)" if row.gone else ""),
                flush=True,
            )
        ingest.stopping.set()
        ingest.join(args.ingest_timeout + 10)
        late = ingest.ended_between(load_end, math.inf)
        if rows and late:  # an ingest that was running when the load stopped counts in the last minute
            rows[-1].ingest_runs += len(late)
            rows[-1].ingest_stored += sum(r.stored for r in late)
            rows[-1].ingest_failed += sum(r.failed for r in late)
            rows[-1].ingest_incidents += sum(r.incidents for r in late)
            rows[-1].ingest_max_s = max(rows[-1].ingest_max_s, *(round(r.seconds, 1) for r in late))
            rows[-1].error_samples += [f"ingest: {r.error}" for r in late if r.error][:5]
        alive = server.poll() is None
        visible = asyncio.run(document_visible(base, token, ingest.last_key)) if alive else None
    finally:
        ingest.stopping.set()
        sampler.stopping.set()
        api_load.stop_server(server, log, backend)
    return {
        "backend": backend,
        "database": size,
        "generated": data.rows,
        "generated_seconds": round(data.seconds, 1),
        "minutes": [asdict(r) for r in rows],
        "server_alive": alive,
        "last_ingested_visible": visible,
        "processes_started": sorted(
            {p for s in sampler.samples for p in s.pids} - set(sampler.samples[0].pids)
            if sampler.samples
            else ()
        ),
        "verdicts": verdicts(rows, alive, args),
    }


async def document_visible(base: str, token: str, key: str | None) -> bool | None:
    """Whether the server answers the last report ingested beside it (None when none was stored)."""
    if key is None:
        return None
    async with (
        aiohttp.ClientSession(base, headers={"Authorization": f"Bearer {token}"}) as session,
        session.get(f"/api/v1/documents/{key}") as response,
    ):
        return response.status == 200


# --- verdicts and the table ----------------------------------------------------------------------


def verdicts(rows: list[Minute], alive: bool, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """The three verdicts; ``met`` is None for one that is not judged."""
    api_errors = sum(r.errors for r in rows)
    ingest_failed = sum(r.ingest_failed for r in rows)
    errors = {
        "met": api_errors == 0 and ingest_failed == 0 and alive and bool(rows),
        "api_errors": api_errors,
        "ingest_failed": ingest_failed,
        "ingest_stored": sum(r.ingest_stored for r in rows),
        "server_alive": alive,
    }
    memory: dict[str, Any] = {"met": None, "tolerance_percent": args.rss_tolerance}
    if len(rows) >= 2:
        first, last = rows[0].rss_mb, rows[-1].rss_mb
        change = (last - first) / first * 100 if first else math.inf
        memory.update(
            met=abs(change) <= args.rss_tolerance,
            minute_1_mb=first,
            end_mb=last,
            change_percent=round(change, 1),
        )
    p99s = [r.p99_ms for r in rows]
    p99: dict[str, Any] = {"met": None, "per_minute_ms": [_none_if_nan(v) for v in p99s]}
    if args.p99_ms is not None:
        p99.update(met=bool(rows) and all(v <= args.p99_ms for v in p99s), target_ms=args.p99_ms)
    return {"no_errors": errors, "memory_flat": memory, "p99": p99}


def print_backend(result: dict[str, Any], args: argparse.Namespace) -> None:
    print(f"\n{result['backend']} ({result['database']}), {args.clients} clients, {args.workers} workers:")
    heads = ("req", "req/s", "errors", "p50 ms", "p95 ms", "p99 ms", "RSS MB", "max MB", "CPU s", "procs")
    print(f"{'min':>4s} " + " ".join(f"{h:>8s}" for h in heads) + "  ingest runs/stored/failed (max s)")
    for r in (Minute(**m) for m in result["minutes"]):
        figures = (
            r.req_per_s,
            r.errors,
            r.p50_ms,
            r.p95_ms,
            r.p99_ms,
            r.rss_mb,
            r.rss_max_mb,
            r.server_cpu_s,
        )
        print(
            f"{r.minute:4d} {r.requests:8d} "
            + " ".join(f"{v:8.1f}" if isinstance(v, float) else f"{v:8d}" for v in figures)
            + f" {r.server_processes:8d}  {r.ingest_runs}/{r.ingest_stored}/{r.ingest_failed}"
            + f" ({r.ingest_max_s:.1f})"
            + (f", one running for {r.ingest_running_s:.0f} s" if r.ingest_running_s else "")
        )
        for by_sort in [r.errors_by_sort] if r.errors_by_sort else []:
            print(f"       errors by sort: {by_sort}")
        for line in r.error_samples:
            print(f"       {line}")
    if result["processes_started"]:
        print(f"  processes started under the server during the run: {result['processes_started']}")
    if result["last_ingested_visible"] is False:
        print("  the last report ingested during the run is NOT answered by the API")
    v = result["verdicts"]
    e, m, p = v["no_errors"], v["memory_flat"], v["p99"]
    print("verdicts:")
    print(
        f"  no errors: {word(e['met'])} ({e['api_errors']} failed requests, {e['ingest_failed']} failed "
        f"ingests of {e['ingest_stored'] + e['ingest_failed']} reports, server "
        f"{'running' if e['server_alive'] else 'STOPPED'})"
    )
    if m["met"] is None:
        print("  memory flat: not judged (needs two intervals)")
    else:
        print(
            f"  memory flat (RSS at the end within {m['tolerance_percent']:g} % of minute 1): "
            f"{word(m['met'])} ({m['minute_1_mb']:.0f} -> {m['end_mb']:.0f} MB, {m['change_percent']:+.1f} %)"
        )
    p99s = ", ".join("-" if x is None else f"{x:.0f}" for x in p["per_minute_ms"])
    judged = f"{word(p['met'])} (<= {p['target_ms']:g} ms each minute)" if p["met"] is not None else "printed"
    print(f"  p99 per minute: {judged}: {p99s} ms")


def no_nan(value: Any) -> Any:
    """``value`` with NaN (a percentile of a minute without answers) as null, which JSON can hold."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: no_nan(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [no_nan(v) for v in value]
    return value


def word(met: bool | None) -> str:
    return {True: "met", False: "NOT MET", None: "not judged"}[met]


def failed(results: list[dict[str, Any]]) -> bool:
    return any(v["met"] is False for r in results for v in r["verdicts"].values())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="how long the load runs")
    parser.add_argument("--interval", type=float, default=60.0, help="seconds per row of the table")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--incidents", type=int, default=20_000, help="incidents in the generated database")
    parser.add_argument("--documents", type=int, default=10_000, help="documents in the generated database")
    parser.add_argument(
        "--doc-chars", type=int, default=2000, help="length of each generated document's text"
    )
    parser.add_argument("--backends", nargs="+", default=["sqlite"], choices=["sqlite", "postgres"])
    parser.add_argument("--ingest-every", type=float, default=10.0, help="seconds between ingest runs")
    parser.add_argument("--ingest-batch", type=int, default=5, help="reports per ingest run")
    parser.add_argument(
        "--ingest-timeout",
        type=float,
        default=600.0,
        help="seconds after which an ingest run counts as failed",
    )
    parser.add_argument("--client", choices=["wrk", "aiohttp"], default="wrk", help="load generator")
    parser.add_argument("--rss-tolerance", type=float, default=10.0, help="percent, for the memory verdict")
    parser.add_argument("--p99-ms", type=float, default=None, help="judge each minute's p99 against this")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on stdout")
    args = parser.parse_args()
    if args.incidents < 1 or args.documents < 3:
        parser.error("need at least 1 incident and 3 documents")
    if args.interval < 1 or args.minutes * 60 < args.interval:
        parser.error("--interval must be at least 1 s and no longer than --minutes")
    if args.ingest_every <= 0 or args.ingest_batch < 1:
        parser.error("--ingest-every must be positive and --ingest-batch at least 1")
    args.intervals = max(1, round(args.minutes * 60 / args.interval))
    args.wrk = wrk_clients.find_wrk()
    if args.client == "wrk" and args.wrk is None:
        parser.error(
            "wrk is not installed: `make bench-soak` installs Debian's package, or pass --client aiohttp"
        )
    if args.client == "wrk" and args.clients < len(api_load.KINDS):
        parser.error(f"--client wrk needs at least {len(api_load.KINDS)} clients (one per kind of request)")

    results: list[dict[str, Any]] = []
    tmp = Path(tempfile.mkdtemp(prefix="refwatch-soak-"))
    progress = contextlib.redirect_stdout(sys.stderr) if args.json else contextlib.nullcontext()
    with progress:
        reference = api_load.cpu_reference()
        print(
            f"{args.incidents} incidents, {args.documents} documents, {os.cpu_count()} CPUs, "
            f"CPU reference {reference:.1f} ms (lower is faster)",
            flush=True,
        )
        pg = None
        try:
            for backend in args.backends:
                url = None
                if backend == "postgres":
                    from pg import (  # type: ignore[import-not-found]  # tests/pg.py, on the path api_load set
                        create_database,
                        start_postgres,
                    )

                    try:
                        pg = start_postgres()
                    except RuntimeError as exc:
                        print(f"postgres: SKIPPED, no PostgreSQL server could be started ({exc})", flush=True)
                        continue
                    url = create_database(pg, "bench_soak")
                results.append(run_backend(backend, url, tmp, args))
                print_backend(results[-1], args)
        finally:
            if pg is not None:
                pg.stop()
            shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        settings = {k: v for k, v in vars(args).items() if k not in ("wrk", "json")}
        document = {"settings": settings, "cpu_reference_ms": round(reference, 1), "backends": results}
        document["passed"] = not failed(results)
        print(json.dumps(no_nan(document), indent=2, allow_nan=False, default=str))
    sys.exit(1 if failed(results) or not results else 0)


if __name__ == "__main__":
    main()
