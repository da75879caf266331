"""Load on the REST API (/api/v1): requests/s and p50/p95/p99 latency under concurrent clients.

Generates a fictional database (default 100,000 incidents and 50,000
documents) with bulk inserts through the same ``Database`` that ``refwatch
init`` opens (SQLCipher file on SQLite, as in production; search indexes and
their triggers from the migrations), serves it with ``refwatch serve --workers N`` (uvicorn,
one worker per CPU unless told otherwise, in their own processes), and runs C concurrent clients (default 50,
each with its own connection) for S seconds, each looping over a mix of:

    incidents_list    GET /api/v1/incidents?offset=..        (some with a filter)
    incident_detail   GET /api/v1/incidents/{id}
    documents_list    GET /api/v1/documents?offset=..        (some with a language)
    documents_search  GET /api/v1/documents?q=<a word that occurs>
    document_detail   GET /api/v1/documents/{key}

The load comes from wrk (Debian's ``wrk``; see ``wrk_clients.py``), one
process per kind with its share of the connections, or with ``--client
aiohttp`` from aiohttp clients in this process, each picking its next kind
by the mix's weights. On a small machine the load generator shares the CPUs
with the server, and a Python client's own event loop adds to what it
measures (same server, same minute: p99 112-120 ms from aiohttp, 64-88 from
wrk), so wrk is the default. Latency is measured at the client, from sending
the request to having read the whole answer, so it includes queueing in the
server; client and server CPU time are printed. The load runs for
``--warmup`` seconds before the measured run while each worker's caches fill
(shown apart with wrk).
Prints, per backend and kind: requests, req/s, p50/p95/p99 (ms) and errors;
then, per backend, whether p99 <= 50 ms held for every kind in the measured run, and
p99 <= 100 ms in the warm-up load (the targets of #20). With ``--single-seconds 0``
the warm-up load starts as soon as the server answers, so it measures the
first seconds after ``refwatch serve`` starts (each server process warms its
caches before it listens, ``REFWATCH_WARMUP_SECONDS``).

Content is fictional: filler sentences, pseudonyms like "Person A-017",
"Outlet 1".."Outlet 50", dates 2010-2024. Original blobs are not generated (no
route measured here reads them). PostgreSQL gets VACUUM ANALYZE after the load
(what autovacuum would do soon after); SQLite gets a WAL checkpoint only.

    python benchmarks/api_load.py                                   # full size, both backends
    python benchmarks/api_load.py --incidents 5000 --documents 2500 --seconds 5
    python benchmarks/api_load.py --backends sqlite --clients 20
    python benchmarks/api_load.py --client aiohttp                  # without wrk
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import uvloop
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url

import wrk_clients  # beside this file
from refwatch.config import load_settings
from refwatch.domain.dates import ReferenceDate
from refwatch.domain.vocabulary import AGENCIES, EVENT_TYPES, LOCATION_ROLES, PRECISIONS, QUALIFIERS, STATUSES
from refwatch.security.keys import write_key_file
from refwatch.services.accounts import add_user, issue_token
from refwatch.services.setup import init_database
from refwatch.storage import dialects
from refwatch.storage.database import Database
from refwatch.storage.documents import reference_columns
from refwatch.storage.tables import (
    Claim,
    Document,
    Incident,
    IncidentLocation,
    IncidentPerpetrator,
    IncidentSource,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


KINDS = ("incidents_list", "incident_detail", "documents_list", "documents_search", "document_detail")
MIX = {  # relative weight of each kind in a client's loop
    "incidents_list": 25,
    "incident_detail": 25,
    "documents_list": 15,
    "documents_search": 10,
    "document_detail": 25,
}
TARGET_KINDS = ("incidents_list", "incident_detail", "documents_list", "document_detail")
TARGET_P99_MS = 50.0  # steady state, on both databases (#20)
FIRST_P99_MS = 100.0  # in the first seconds after `refwatch serve` starts, under the full load (#20)
BATCH = 5000
PATHS_PER_KIND = 30_000  # requests each wrk process cycles through (LuaJIT caps a table's constants)

EN_WORDS = (
    "fictional report border police detained people town river crossing group women children week month "
    "officials said according source organisation held centre returned released family missing city "
    "checkpoint bus train night morning province agency statement appeal government rights"
).split()
KO_WORDS = (
    "국경 경찰 체포 송환 가족 마을 강 여성 아이 구금 보고서 기관 석방 도시 주민 아침 밤 버스 기차 "
    "단체 정부 호소 성명 검문소 지역 소식 사람들 일행"
).split()
ADMIN1 = ("Jilin", "Liaoning", "Heilongjiang", "North Hamgyong", "Ryanggang", "Chagang", "North Pyongan")
CLAIM_FIELDS = ("count", "date", "status", "event_types", "location", "perpetrator")


def pseudonym(rng: random.Random) -> str:
    return f"Person {rng.choice('ABCDEFGH')}-{rng.randint(1, 999):03d}"


def random_date(rng: random.Random) -> dt.date:
    return dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(15 * 365))


# --- data --------------------------------------------------------------------------------------


@dataclass
class Generated:
    """What the clients need to know about the generated data, and how long it took."""

    incidents: int
    documents: int
    keys: list[str]
    search_words: list[str]
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    #: The incident ids detail requests name: None for 1..incidents (soak.py sets the ids a relink kept).
    incident_ids: list[int] | None = None


def _document_text(rng: random.Random, i: int, language: str, chars: int) -> str:
    words = KO_WORDS if language == "ko" else EN_WORDS
    parts = [f"FICTIONAL BENCHMARK DOCUMENT {i}."]
    size = len(parts[0])
    while size < chars:
        chosen = rng.choices(words, k=rng.randint(6, 16))
        if rng.random() < 0.3:
            chosen.insert(rng.randrange(len(chosen)), pseudonym(rng))
        sentence = " ".join(chosen).capitalize() + "."
        parts.append(sentence)
        size += len(sentence) + 1
    return " ".join(parts)


def _batches(rows: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(db: Database, table: Any, rows: Iterator[dict[str, Any]]) -> int:
    n = 0
    for batch in _batches(rows):
        with db.transaction() as session:
            session.execute(insert(table), batch)
        n += len(batch)
    with db.engine.begin() as conn:
        dialects.reset_id_sequence(conn, table)
    return n


def generate(db: Database, n_incidents: int, n_documents: int, *, doc_chars: int, seed: int = 7) -> Generated:
    """Fill an initialised, empty database with fictional documents and linked incidents."""
    rng = random.Random(seed)
    start = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    heads: list[str] = []  # the start of each text, for evidence quotes
    keys = [f"bench-{i:06d}" for i in range(1, n_documents + 1)]

    def documents() -> Iterator[dict[str, Any]]:
        for i, key in enumerate(keys, start=1):
            language = "ko" if rng.random() < 0.2 else "en"
            body = _document_text(rng, i, language, doc_chars)
            heads.append(body[:200])
            data = body.encode("utf-8")
            day = random_date(rng)
            dated = rng.random() < 0.9
            # Stored as ingest stores it (migration 0013): a document without one derives it on every read.
            reference = ReferenceDate.day(day, source="metadata", confidence="high", text=day.isoformat())
            yield {
                "id": i,
                "key": key,
                "sha256": hashlib.sha256(data).hexdigest(),
                "filename": f"{key}.txt",
                "media_type": "text/plain",
                "size_bytes": len(data),
                "charset": "utf-8",
                "text": body,
                "url": f"https://outlet{rng.randint(1, 50)}.example/{key}",
                "title": f"Fictional report {i} ({pseudonym(rng)})",
                "outlet": f"Outlet {rng.randint(1, 50)}",
                "publication_date": day if dated else None,
                **reference_columns(reference if dated else None),
                "publication_date_iso": day.isoformat(),
                "publication_date_text": day.strftime("%d %B %Y"),
                "language": language,
                "language_source": "metadata",
                "reliability": None,
                "ingested_by": "benchmark",
                "ingested_at": now,
            }

    rows = {"documents": _insert(db, Document.__table__, documents())}

    states = ("candidate",) * 60 + ("confirmed",) * 30 + ("rejected",) * 8 + ("merged",) * 2
    incident_rows: list[dict[str, Any]] = []
    for i in range(1, n_incidents + 1):
        start_day = random_date(rng)
        count = rng.randint(1, 30)
        state = rng.choice(states)
        dated = rng.random() < 0.95
        incident_rows.append(
            {
                "id": i,
                "review_state": state,
                "event_types": rng.sample(EVENT_TYPES, rng.randint(1, 3)),
                "status": rng.choice(STATUSES),
                "date_start": start_day if dated else None,
                "date_end": start_day + dt.timedelta(days=rng.randint(0, 30)) if dated else None,
                "date_precision": rng.choice(PRECISIONS),
                "count": count,
                "count_min": count,
                "count_max": count + rng.randint(0, 5),
                "count_qualifier": rng.choice(QUALIFIERS),
                "women": rng.randint(0, count),
                "men": None,
                "children": rng.randint(0, 3),
                "salience": "main",
                "disagreements": [],
                "overrides": {},
                "sources_locked": False,
                "merged_into_id": rng.randint(1, i - 1) if state == "merged" and i > 1 else None,
                "restricted_to": None,
                "created_at": now,
                "updated_at": now,
            }
        )
    rows["incidents"] = _insert(db, Incident.__table__, iter(incident_rows))
    del incident_rows

    ordinals = [0] * (n_documents + 1)
    sources: list[dict[str, Any]] = []
    claims: list[dict[str, Any]] = []
    for incident_id in range(1, n_incidents + 1):
        for document_id in rng.sample(range(1, n_documents + 1), min(n_documents, rng.randint(1, 3))):
            head = heads[document_id - 1]
            a = rng.randrange(0, max(1, len(head) - 40))
            evidence = [{"start": a, "end": a + 40, "quote": head[a : a + 40]}]
            source_id = len(sources) + 1
            sources.append(
                {
                    "id": source_id,
                    "incident_id": incident_id,
                    "document_id": document_id,
                    "ordinal": ordinals[document_id],
                    "extracted": {"evidence": evidence, "status": rng.choice(STATUSES)},
                    "extractor": "benchmark",
                    "link_score": round(rng.random(), 3),
                    "link_reason": "fictional benchmark link",
                }
            )
            ordinals[document_id] += 1
            for name in rng.sample(CLAIM_FIELDS, rng.randint(2, 4)):
                claims.append(
                    {
                        "id": len(claims) + 1,
                        "source_id": source_id,
                        "field": name,
                        "value": {"value": rng.randint(1, 30) if name == "count" else rng.choice(STATUSES)},
                        "evidence": evidence,
                    }
                )
    rows["incident_sources"] = _insert(db, IncidentSource.__table__, iter(sources))
    rows["claims"] = _insert(db, Claim.__table__, iter(claims))
    del sources, claims

    rows["incident_locations"] = _insert(
        db,
        IncidentLocation.__table__,
        (
            {
                "id": i,
                "incident_id": i,
                "country": rng.choice(("CN", "KP")),
                "admin1": rng.choice(ADMIN1),
                "place": f"Town {rng.randint(1, 200)}",
                "facility": None,
                "role": rng.choice(LOCATION_ROLES),
            }
            for i in range(1, n_incidents + 1)
        ),
    )
    rows["incident_perpetrators"] = _insert(
        db,
        IncidentPerpetrator.__table__,
        (
            {"incident_id": i, "state": rng.choice(("CN", "KP")), "agency": rng.choice(AGENCIES)}
            for i in range(1, n_incidents + 1)
            if rng.random() < 0.7
        ),
    )
    return Generated(
        n_incidents, n_documents, keys, regenerated(0, 0).search_words, rows, time.perf_counter() - start
    )


def regenerated(n_incidents: int, n_documents: int) -> Generated:
    """What :func:`generate` returned for a database kept from an earlier run (``--keep``)."""
    keys = [f"bench-{i:06d}" for i in range(1, n_documents + 1)]
    words = EN_WORDS[:10] + KO_WORDS[:5] + [pseudonym(random.Random(s)) for s in range(10)]
    return Generated(n_incidents, n_documents, keys, words)


def settle(db: Database) -> str:
    """Bring the freshly loaded database to a steady state; return its size."""
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        path = make_url(db.url).database or ""
        return f"{os.path.getsize(path) / 1e6:.0f} MB file"
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("VACUUM ANALYZE")
        size = conn.scalar(text("SELECT pg_database_size(current_database())"))
    return f"{int(size or 0) / 1e6:.0f} MB database"


# --- server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], port: int, log: Path, workers: int) -> subprocess.Popen[bytes]:
    """``refwatch serve`` (uvicorn, ``workers`` processes) on ``port``, in its own process group."""
    command = [sys.executable, "-m", "refwatch", "serve", "--port", str(port), "--workers", str(workers)]
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


#: How long a started server may take to answer its first request. It warms every cache before it
#: listens (up to ``REFWATCH_WARMUP_SECONDS``, 30 s by default) and, with workers, forks them after; a
#: busy machine (a CI runner beside other jobs) took over a minute for that with a tiny database.
READY_TIMEOUT_S = 180.0


async def wait_ready(base: str, token: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    async with aiohttp.ClientSession(base, headers={"Authorization": f"Bearer {token}"}) as client:
        while True:
            if server.poll() is not None:
                raise SystemExit(f"the server exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                async with client.get("/api/v1/documents", params={"limit": 1}) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:]
                raise SystemExit(f"the server did not answer in {READY_TIMEOUT_S:.0f} s: {tail}")
            await asyncio.sleep(0.2)


def _stat(pid: int | str) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its child processes (the server's workers; Linux /proc)."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat(entry.name)
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


# --- clients -----------------------------------------------------------------------------------


@dataclass
class Results:
    """Latencies per kind: every request's (aiohttp clients), or 1,000 quantiles of them (wrk)."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    requests: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    samples: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    kind_elapsed: dict[str, float] = field(default_factory=dict)  # when the kinds ran one after another
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    #: The warm-up load, started as soon as the server answers (with --single-seconds 0: its first seconds).
    first: Results | None = None

    def weighted(self, kinds: tuple[str, ...]) -> list[tuple[float, float]]:
        """(latency, how many requests it stands for) of these kinds, fastest first."""
        pairs: list[tuple[float, float]] = []
        for kind in kinds:
            values = self.latencies[kind]
            weight = self.requests[kind] / len(values) if values else 0.0
            pairs.extend((v, weight) for v in values)
        return sorted(pairs)


def pick(rng: random.Random, data: Generated) -> tuple[str, str, dict[str, Any]]:
    """A kind of request drawn by the mix's weights, and a request of that kind."""
    kind = rng.choices(KINDS, weights=[MIX[k] for k in KINDS])[0]
    return (kind, *pick_kind(rng, data, kind))


def pick_kind(rng: random.Random, data: Generated, kind: str) -> tuple[str, dict[str, Any]]:
    """A request of this kind: its path and query parameters."""
    if kind == "incidents_list":
        params: dict[str, Any] = {"limit": 50, "offset": rng.randrange(0, 500)}
        roll = rng.random()
        if roll < 0.15:
            params["review_state"] = "confirmed"
        elif roll < 0.30:
            params["status"] = rng.choice(STATUSES)
        elif roll < 0.40:
            params["event_type"] = rng.choice(EVENT_TYPES)
        return "/api/v1/incidents", params
    if kind == "incident_detail":
        chosen = rng.choice(data.incident_ids) if data.incident_ids else rng.randint(1, data.incidents)
        return f"/api/v1/incidents/{chosen}", {}
    if kind == "documents_list":
        params = {"limit": 50, "offset": rng.randrange(0, 500)}
        if rng.random() < 0.2:
            params["language"] = "ko"
        return "/api/v1/documents", params
    if kind == "documents_search":
        return "/api/v1/documents", {"q": rng.choice(data.search_words), "limit": 50}
    return f"/api/v1/documents/{rng.choice(data.keys)}", {}


def request_paths(data: Generated, kind: str, n: int, seed: int) -> list[str]:
    """``n`` requests of one kind as paths with their query strings (for wrk)."""
    rng = random.Random(seed)
    paths = []
    for _ in range(n):
        path, params = pick_kind(rng, data, kind)
        paths.append(f"{path}?{urlencode(params)}" if params else path)
    return paths


async def client_loop(
    n: int, base: str, token: str, data: Generated, until: float, results: Results | None
) -> None:
    rng = random.Random(1000 + n)
    async with aiohttp.ClientSession(
        base,
        headers={"Authorization": f"Bearer {token}"},
        timeout=aiohttp.ClientTimeout(total=120),
        connector=aiohttp.TCPConnector(limit=1),  # one connection per client, kept alive
    ) as client:
        while time.perf_counter() < until:
            kind, url, params = pick(rng, data)
            began = time.perf_counter()
            try:
                async with client.get(url, params=params) as response:
                    body = await response.read()
                ok, why = response.status == 200, f"{response.status} {body[:200]!r}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                ok, why = False, f"{type(exc).__name__}: {exc}"
            took = time.perf_counter() - began
            if results is None:
                continue
            if ok:
                results.latencies[kind].append(took)
                results.requests[kind] += 1
            else:
                results.errors[kind] += 1
                if len(results.samples) < 5:
                    results.samples.append(f"{kind} {url} {params}: {why}")


async def load(
    base: str, token: str, data: Generated, *, clients: int, seconds: float, warmup: float, server_pid: int
) -> Results:
    if warmup > 0:
        until = time.perf_counter() + warmup
        await asyncio.gather(*(client_loop(n, base, token, data, until, None) for n in range(clients)))
    results = Results()
    cpu0, server0 = resource.getrusage(resource.RUSAGE_SELF), cpu_seconds(server_pid)
    began = time.perf_counter()
    until = began + seconds
    await asyncio.gather(*(client_loop(n, base, token, data, until, results) for n in range(clients)))
    results.elapsed = time.perf_counter() - began
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    results.client_cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    results.server_cpu = cpu_seconds(server_pid) - server0
    return results


def percentile(pairs: list[tuple[float, float]], p: float) -> float:
    """Nearest-rank percentile of (value, weight) pairs in ascending order (weights: requests per value)."""
    total = sum(w for _, w in pairs)
    if not total:
        return float("nan")
    needed = total * p / 100 * (1 - 1e-12)  # the rank, less a hair for rounding in the weights
    seen = 0.0
    for value, weight in pairs:
        seen += weight
        if seen >= needed:
            return value
    return pairs[-1][0]


# --- one backend -------------------------------------------------------------------------------


def run_backend(backend: str, url: str | None, tmp: Path, args: argparse.Namespace) -> dict[str, Results]:
    keep = args.keep is not None and backend == "sqlite"
    folder = args.keep if keep else tmp
    plain = "-plain" if args.no_sqlcipher and backend == "sqlite" else ""
    home, key = folder / f"home-{backend}{plain}", folder / "bench.key"
    reuse = keep and (home / "refwatch.db").exists()
    home.mkdir(parents=True, exist_ok=True)
    if not key.exists():
        write_key_file(key)
    settings = load_settings(
        home=home, database_url=url, key_file=key, sqlite_encryption=not args.no_sqlcipher
    )
    db, _ = init_database(settings)
    try:
        if reuse:
            data = regenerated(args.incidents, args.documents)
        else:
            data = generate(db, args.incidents, args.documents, doc_chars=args.doc_chars)
            add_user(db, "bench", "benchmark-password-0", "viewer")
        _, token = issue_token(db, "bench", "read")
        size = settle(db)
    finally:
        db.dispose()
    if reuse:
        print(f"{backend}: reusing the database in {home} ({size})", flush=True)
    else:
        counts = ", ".join(f"{n} {t}" for t, n in data.rows.items())
        print(f"{backend}: generated {counts} in {data.seconds:.1f} s ({size})", flush=True)

    env = {k: v for k, v in os.environ.items() if not k.startswith("REFWATCH_")}
    env.update({"REFWATCH_HOME": str(home), "REFWATCH_KEY_FILE": str(key)})
    if args.no_sqlcipher:
        env["REFWATCH_SQLITE_ENCRYPTION"] = "false"
    if url:
        env["REFWATCH_DATABASE_URL"] = url
    variants: list[tuple[str, str | None]] = [(backend, None)]
    if args.compare:  # the same data served by the older code and this one, taking turns
        variants = [
            (f"{backend} {name} #{n + 1}", src)
            for n in range(args.rounds)
            for name, src in (("old", str(args.compare)), ("new", None))
        ]
    found: dict[str, Results] = {}
    for name, src in variants:
        served = dict(env)
        if src:
            served["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
        found[name] = serve_and_load(name, served, data, token, tmp, args)
        report(f"{name}, {args.clients} clients", found[name])
    return found


def serve_and_load(
    name: str, env: dict[str, str], data: Generated, token: str, tmp: Path, args: argparse.Namespace
) -> Results:
    """Start ``refwatch serve`` with ``env``, wait until it answers, load it, stop it."""
    slug = name.replace(" ", "-").replace("#", "")
    port, log = free_port(), tmp / f"server-{slug}.log"
    began = time.monotonic()
    server = start_server(env, port, log, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(wait_ready(base, token, server, log))
        print(
            f"\n{name}: answering {time.monotonic() - began:.1f} s after start ({load_average()})", flush=True
        )
        if args.client == "wrk":
            return wrk_load(name, base, token, data, tmp / f"wrk-{slug}", args, server.pid)
        if args.single_seconds > 0:
            alone = asyncio.run(
                load(
                    base, token, data, clients=1, seconds=args.single_seconds, warmup=1, server_pid=server.pid
                )
            )
            report(f"{name}, 1 client (service time without contention)", alone)
        return uvloop.run(
            load(
                base,
                token,
                data,
                clients=args.clients,
                seconds=args.seconds,
                warmup=args.warmup,
                server_pid=server.pid,
            )
        )
    finally:
        stop_server(server, log, name)


def stop_server(server: subprocess.Popen[bytes], log: Path, backend: str) -> None:
    """Stop the server; one that stopped by itself during the run is reported with its log's end."""
    if server.poll() is not None:
        print(
            f"{backend}: THE SERVER STOPPED during the run (exit status {server.returncode}"
            f"{', SIGSEGV' if server.returncode == -11 else ''}); its log ends:\n"
            f"{log.read_text(errors='replace')[-2000:]}",
            flush=True,
        )
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def wrk_load(
    backend: str,
    base: str,
    token: str,
    data: Generated,
    folder: Path,
    args: argparse.Namespace,
    server_pid: int,
) -> Results:
    """The same load from wrk processes, one per kind (see ``wrk_clients``)."""
    wrk = args.wrk  # found before anything was generated
    folder.mkdir(mode=0o700)
    paths = {k: request_paths(data, k, PATHS_PER_KIND, seed=1000 + i) for i, k in enumerate(KINDS)}
    scripts = wrk_clients.write_scripts(folder, token, paths)
    if args.single_seconds > 0:
        one = dict.fromkeys(KINDS, 1)
        each = args.single_seconds / len(KINDS)
        alone = measured(
            lambda: wrk_clients.run(wrk, base, scripts, one, each, sequential=True),
            server_pid,
            sequential=True,
        )
        report(f"{backend}, 1 client, each kind in turn (service time without contention)", alone)
    share = wrk_clients.connections(args.clients, MIX)
    if args.warmup > 0:
        # Shown, not judged: each worker's caches fill in these first seconds (a few slow requests).
        warming = measured(lambda: wrk_clients.run(wrk, base, scripts, share, args.warmup), server_pid)
        started = "right after start-up" if args.single_seconds <= 0 else "after the 1-client run"
        report(f"{backend}, {args.clients} clients, first {args.warmup:g} s ({started})", warming)
    steady = measured(lambda: wrk_clients.run(wrk, base, scripts, share, args.seconds), server_pid)
    steady.first = warming if args.warmup > 0 else None
    return steady


def measured(
    load: Callable[[], dict[str, wrk_clients.KindResult]], server_pid: int, *, sequential: bool = False
) -> Results:
    """Run ``load`` and gather what it reports, with the CPU time of wrk and of the server meanwhile."""
    children, server = resource.getrusage(resource.RUSAGE_CHILDREN), cpu_seconds(server_pid)
    found = load()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    results = Results()
    results.server_cpu = cpu_seconds(server_pid) - server
    results.client_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    seconds = [r.seconds for r in found.values()]
    results.elapsed = sum(seconds) if sequential else max(seconds)
    for kind, result in found.items():
        if sequential:
            results.kind_elapsed[kind] = result.seconds
        results.latencies[kind] = result.quantiles
        results.requests[kind] = result.requests
        results.errors[kind] = sum(result.errors.values())
        if results.errors[kind] and len(results.samples) < 5:
            results.samples.append(f"{kind}: {result.errors}")
    return results


def report(backend: str, results: Results) -> None:
    print(
        f"\n{backend}: {sum(results.requests.values())} requests in "
        f"{results.elapsed:.1f} s; CPU: server {results.server_cpu:.1f} s, client {results.client_cpu:.1f} s"
    )
    heads = ("requests", "req/s", "p50 ms", "p95 ms", "p99 ms")
    print(f"{'kind':17s} " + " ".join(f"{h:>8s}" for h in heads) + f" {'errors':>7s}")
    rows = [(k, (k,)) for k in KINDS] + [("all", KINDS)]
    for name, kinds in rows:
        pairs = results.weighted(kinds)
        n = sum(results.requests[k] for k in kinds)
        errors = sum(results.errors[k] for k in kinds)
        seconds = results.kind_elapsed.get(name, results.elapsed)
        p50, p95, p99 = (percentile(pairs, p) * 1000 for p in (50, 95, 99))
        print(f"{name:17s} {n:9d} {n / seconds:8.1f} {p50:8.1f} {p95:8.1f} {p99:8.1f} {errors:7d}")
    for sample in results.samples:
        print(f"  error: {sample}")


def cpu_reference() -> float:
    """Milliseconds for a fixed pure-Python loop (best of five): how fast this machine is right now.

    Shared virtual machines vary: on the 2-CPU machine these figures come from,
    it read 16 to 33 ms within minutes, and requests/s moved with it.
    """
    return min(timeit.repeat("sum(range(1_000_000))", number=5, repeat=5)) / 5 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--doc-chars", type=int, default=2000, help="length of each document's text")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument(
        "--no-sqlcipher",
        action="store_true",
        help="a plain SQLite file, to measure what SQLCipher costs (not a way to run refwatch)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="keep the generated SQLite database in this folder and reuse it on later runs (same sizes)",
    )
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="server processes (default: one per CPU)"
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="measured time per backend")
    parser.add_argument(
        "--warmup",
        type=float,
        default=10.0,
        help="load before the measured run, while the server's caches fill (reported apart with wrk)",
    )
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"]
    )
    parser.add_argument(
        "--client",
        choices=["wrk", "aiohttp"],
        default="wrk",
        help="load generator: wrk (C; default) or aiohttp clients in this process (their own CPU and "
        "event loop add to the latencies they measure on a small machine)",
    )
    parser.add_argument(
        "--single-seconds",
        type=float,
        default=5.0,
        help="first measure with one client for this long (0: skip)",
    )
    parser.add_argument(
        "--compare",
        type=Path,
        default=None,
        metavar="SRC",
        help="also serve the same data with the refwatch package in this folder (the src/ of another "
        "checkout, e.g. `git worktree add /tmp/old <commit>`), taking turns with this one",
    )
    parser.add_argument("--rounds", type=int, default=1, help="with --compare: how many turns each takes")
    args = parser.parse_args()
    if args.incidents < 1 or args.documents < 3:
        parser.error("need at least 1 incident and 3 documents")
    args.wrk = wrk_clients.find_wrk()
    if args.client == "wrk" and args.wrk is None:
        parser.error(
            "wrk is not installed: `make bench-api` installs Debian's package (as root), or "
            "`apt install wrk`; or pass --client aiohttp"
        )
    if args.client == "wrk" and args.clients < len(KINDS):
        parser.error(f"--client wrk needs at least {len(KINDS)} clients (one per kind of request)")

    print(
        f"{args.incidents} incidents, {args.documents} documents, {args.clients} clients, "
        f"{args.seconds:g} s per backend (after {args.warmup:g} s warm-up), {os.cpu_count()} CPUs, "
        f"load from {args.client}; "
        f"CPU reference {cpu_reference():.1f} ms (lower is faster); {load_average()}",
        flush=True,
    )
    server = None
    results: dict[str, Results] = {}
    tmp = Path(tempfile.mkdtemp(prefix="refwatch-apiload-"))
    try:
        for backend in args.backends:
            url = None
            if backend == "postgres":
                from pg import create_database, start_postgres

                try:
                    server = start_postgres()
                except RuntimeError as exc:
                    print(f"postgres: SKIPPED, no PostgreSQL server could be started ({exc})", flush=True)
                    continue
                url = create_database(server, "bench_api")
            results.update(run_backend(backend, url, tmp, args))
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nCPU reference after the runs: {cpu_reference():.1f} ms; {load_average()}")
    for backend, r in results.items():
        verdict(f"{backend}, steady", r, TARGET_P99_MS)
        if r.first is not None:
            verdict(f"{backend}, first {args.warmup:g} s", r.first, FIRST_P99_MS)


def verdict(name: str, r: Results, target: float) -> None:
    """Whether p99 of every kind (and of all together) stayed within ``target`` ms, without errors."""
    worst = {k: percentile(r.weighted((k,)), 99) * 1000 for k in KINDS}
    worst["all"] = percentile(r.weighted(KINDS), 99) * 1000
    failed = any(r.errors.values()) or not all(v <= target for v in worst.values())
    figures = ", ".join(f"{k} {v:.0f}" for k, v in worst.items())
    print(f"target p99 <= {target:.0f} ms, {name}: {'NOT MET' if failed else 'met'} ({figures} ms)")


def load_average() -> str:
    """The machine's load average (1, 5, 15 min): others' work on a shared machine moves every figure."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


if __name__ == "__main__":
    main()
