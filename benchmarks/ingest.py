"""Ingest throughput into SQLite and PostgreSQL, and what each security measure costs.

Generates N fictional documents (random sentences from a small vocabulary,
about 2 KB each, like the dev reports), ingests them through the same service
as ``refwatch ingest`` (50 documents per transaction; SQLCipher file and sealed
originals, as in production), and prints documents/s
and MB/s per backend, and how time grows from the smallest N to the largest.

    python benchmarks/ingest.py                  # N = 1000 and 10000, both backends
    python benchmarks/ingest.py --sizes 1000 --backends sqlite --extract
    python benchmarks/ingest.py --sizes 200 1000 --backends sqlite --extract --events [--workers 2]

With ``--events`` the documents are fictional news reports instead of random sentences:
each fictional event is told by 2 to 6 outlets with the usual variations (a day or part of
a month, a round figure, a city or only its province), so extraction finds incidents and
linking has something to join; the number of tellers per event does not grow with N.

With ``--measures`` it runs the same ingest under several configurations, each
in a fresh data directory and database, and prints a table with the slowdown
of each against the baseline with every measure off:

1. all off: plain SQLite file, originals stored unsealed, no audit entries;
2. + SQLCipher only (``sqlite_encryption``; SQLite only);
3. + sealed originals only (AES-256-GCM envelope encryption of each original);
4. + audit log only (one hash-chained entry per document);
5. all on: the production default.

    python benchmarks/ingest.py --measures --sizes 1000 --backends sqlite --repeat 3

The "off" variants exist only to measure what each measure costs. They are made
by patching refwatch inside this benchmark process (``unittest.mock``): the
``DocumentBlob.data`` sealing descriptor is replaced by one that stores the
bytes as they are, and ``refwatch.storage.audit.record`` and ``record_many`` by no-ops. They are
not a supported way to run refwatch: originals stored that way cannot be read
back by refwatch, and documents ingested without audit entries leave no record
of who stored them (the chain still verifies, so nothing would show the gap).
Only ``sqlite_encryption`` is a real setting.
After each run the benchmark checks that every document was stored and that
each measure is really on or off (the file header, the stored blob bytes, the
number of audit entries).

Each configuration runs ``--repeat`` times after an untimed warm-up; the order
of configurations rotates between repetitions. The table gives docs/s and MB/s
as median [min-max], and the slowdown (time per document against "all off")
three ways: from the median times; paired, from the ratio for each chunk
(a whole ingest unless ``--chunk``), median [min-max], or [quartiles] when
there are more than five ratios; and from this process's CPU time. On a
machine shared with other work, whole ingests that run a few seconds apart
can differ by half, so use ``--chunk K``: the documents are ingested K at a
time, each chunk under every configuration (into the same per-configuration
databases) before the next, so other load falls on all configurations alike.

    python benchmarks/ingest.py --measures --sizes 1000 --repeat 3 --chunk 25
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from sqlalchemy import func, select

from refwatch.config import load_settings
from refwatch.security.keys import write_key_file
from refwatch.services import ingest as ingest_service
from refwatch.services.ingest import ingest_paths
from refwatch.services.setup import init_database
from refwatch.storage import sealing
from refwatch.storage.database import Database
from refwatch.storage.tables import AuditEvent, Document, DocumentBlob

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

WORDS = (
    "fictional report border police detained people town river crossing group women children week month "
    "officials said according source organisation held centre returned released family missing city "
    "checkpoint bus train night morning province agency statement appeal government rights"
).split()

SQLITE_HEADER = b"SQLite format 3\x00"


def generate(folder: Path, n: int, seed: int = 7) -> int:
    """Write ``n`` fictional documents; return their total size in bytes."""
    rng = random.Random(seed)
    total = 0
    for i in range(n):
        sentences = []
        while sum(len(s) for s in sentences) < 2000:
            words = rng.choices(WORDS, k=rng.randint(8, 20))
            sentences.append(" ".join(words).capitalize() + ".")
        text = f"FICTIONAL BENCHMARK DOCUMENT {i}. " + " ".join(sentences)
        data = text.encode("utf-8")
        (folder / f"doc{i:06d}.txt").write_bytes(data)
        total += len(data)
    return total


# --- fictional news: each event told by several outlets (``--events``) -----------------------

CITIES = (
    ("Tumen", "Jilin"),
    ("Yanji", "Jilin"),
    ("Helong", "Jilin"),
    ("Dandong", "Liaoning"),
    ("Shenyang", "Liaoning"),
    ("Kunming", "Yunnan"),
    ("Qingdao", "Shandong"),
    ("Harbin", "Heilongjiang"),
)
OUTLETS = (
    "Daily Fiction",
    "Northern Wire",
    "Border Monitor",
    "Free Voice Radio",
    "Peninsula Post",
    "Open Eye",
)
NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}
MONTHS = ("January February March April May June July August September October November December").split()
FILLER = (
    "Rights groups have long urged Beijing to stop sending people back across the border.",
    "The ministry did not answer a request for comment on the fictional case.",
    "Those returned are held for questioning and may be sent to labour camps, activists say.",
    "An aid worker said the group had hidden in a rented flat for several weeks before the raid.",
    "China treats people who cross the border without papers as illegal migrants, not refugees.",
    "Relatives abroad said they had lost contact with the group after the arrests.",
    "The United Nations rapporteur has repeatedly asked China to respect the principle of non-refoulement.",
    "A church network had been helping the group travel towards a third country.",
)


def _day_text(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def _count_text(count: int, rng: random.Random) -> str:
    style = rng.choice(("word", "digits", "about"))
    if style == "word" and count in NUMBER_WORDS:
        return NUMBER_WORDS[count]
    if style == "about" and count >= 10:
        return f"about {round(count, -1)}"
    return str(count)


def news_event(rng: random.Random, event: int, tellers: int) -> list[tuple[str, str]]:
    """One fictional event told by ``tellers`` outlets: (file name, text) for each.

    The tellers disagree as real reports do: a day or a month for the date, a round
    figure, a city or only its province, an arrest or the return that followed.
    """
    day = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(0, 7000))
    city, province = rng.choice(CITIES)
    count = rng.choice((2, 3, 4, 5, 7, 8, 9, 12, 15, 20, 30, 50))
    women = rng.random() < 0.4
    out = []
    for teller in rng.sample(range(len(OUTLETS)), tellers):
        outlet = OUTLETS[teller]
        published = day + dt.timedelta(days=rng.randint(1, 12))
        when = (
            f"on {_day_text(day)}"
            if rng.random() < 0.6
            else f"in {'early' if day.day <= 10 else 'late' if day.day > 20 else 'mid-'}"
            f"{' ' if day.day <= 10 or day.day > 20 else ''}{MONTHS[day.month - 1]}"
        )
        where = f"in {city}, {province} province" if rng.random() < 0.75 else f"in {province} province"
        who = f"{_count_text(count, rng)} North Korean defectors" + (", most of them women," if women else "")
        body = rng.choice(
            (
                f"Chinese police detained {who} {where} {when}, {outlet} said, citing a source. "
                "They face forced repatriation to North Korea.",
                f"{who[0].upper()}{who[1:]} were arrested by Chinese public security agents {where} {when}, "
                f"according to {outlet}. Activists fear they will be sent back to North Korea.",
                f"{who[0].upper()}{who[1:]} caught {where} {when} were handed over to North Korean "
                f"border guards, {outlet} reported.",
            )
        )
        filler = " ".join(rng.sample(FILLER, 4))
        text = (
            f"{_day_text(published)}\n\nFictional benchmark event {event}\n\n"
            f"SEOUL ({outlet}) - {body}\n\n{filler}\n"
        )
        out.append((f"e{event:05d}-{teller}.txt", text))
    return out


def generate_news(folder: Path, n: int, seed: int = 7) -> int:
    """Write ``n`` fictional news reports of events each told by 2 to 6 outlets; return the bytes.

    The number of tellers per event does not grow with ``n``: more reports are more events,
    as when an archive grows, so linking should cost time in proportion to ``n``.
    """
    rng = random.Random(seed)
    total = written = event = 0
    while written < n:
        for name, text in news_event(rng, event, min(rng.randint(2, 6), n - written)):
            data = text.encode("utf-8")
            (folder / name).write_bytes(data)
            total += len(data)
            written += 1
        event += 1
    return total


def run(url: str, home: Path, folder: Path, *, extract: bool, workers: int = 1) -> float:
    key = home / "bench.key"
    home.mkdir(parents=True, exist_ok=True)
    if not key.exists():
        write_key_file(key)
    db, _ = init_database(load_settings(home=home, database_url=url, key_file=key))
    start, cpu = time.perf_counter(), time.process_time()
    report = ingest_paths(db, [folder], extract=extract, workers=workers)
    elapsed = time.perf_counter() - start
    # This process's CPU time: the whole ingest's with --workers 1; on a shared machine it says
    # more than the wall time, which other work stretches.
    print(f"  (CPU {time.process_time() - cpu:.2f} s in the ingesting process)", flush=True)
    db.dispose()
    if report.failed:
        raise SystemExit(f"benchmark ingest failed: {[r.reason for r in report.results if r.reason][:3]}")
    return elapsed


# --- the measures, and switching them off for the benchmark only -------------------------------


@dataclass(frozen=True, slots=True)
class Measures:
    """One configuration of the security measures."""

    name: str
    sqlcipher: bool
    sealed: bool
    audit_log: bool


CONFIGS = (
    Measures("all off", sqlcipher=False, sealed=False, audit_log=False),
    Measures("+ SQLCipher only", sqlcipher=True, sealed=False, audit_log=False),
    Measures("+ sealed originals only", sqlcipher=False, sealed=True, audit_log=False),
    Measures("+ audit log only", sqlcipher=False, sealed=False, audit_log=True),
    Measures("all on (production)", sqlcipher=True, sealed=True, audit_log=True),
)


class _UnsealedBlobData:
    """Benchmark-only stand-in for ``DocumentBlob.data``: keeps the original bytes unencrypted."""

    def __get__(self, obj: object | None, owner: type) -> Any:
        if obj is None:
            return self
        return obj._data  # type: ignore[attr-defined]

    def __set__(self, obj: object, value: bytes) -> None:
        obj._data = value  # type: ignore[attr-defined]


def _no_audit_record(*_args: object, **_kwargs: object) -> None:
    """Benchmark-only stand-in for ``audit.record``: writes nothing."""
    return None


@contextmanager
def measures_patched(measures: Measures) -> Iterator[None]:
    """Switch off, in this process only, the measures that ``measures`` leaves off.

    Patched where they are looked up: ``_store`` assigns ``blob.data`` (the class
    attribute of :class:`DocumentBlob`) and calls ``audit.record`` through the
    ``audit`` module object that ``refwatch.services.ingest`` imported.
    """
    with ExitStack() as stack:
        if not measures.sealed:
            stack.enter_context(mock.patch.object(DocumentBlob, "data", _UnsealedBlobData()))
        if not measures.audit_log:
            stack.enter_context(mock.patch.object(ingest_service.audit, "record", _no_audit_record))
            stack.enter_context(mock.patch.object(ingest_service.audit, "record_many", _no_audit_record))
        yield


def _checker(
    measures: Measures, *, backend: str, n: int, folder: Path, extract: bool
) -> Callable[[Database], None]:
    """A check that the run stored every document with each measure really on or off."""

    def check(db: Database) -> None:
        with db.session() as session:
            docs = session.scalar(select(func.count()).select_from(Document))
            blobs = session.scalar(select(func.count()).select_from(DocumentBlob))
            events = session.scalar(select(func.count()).select_from(AuditEvent))
            name, raw = session.execute(
                select(Document.filename, DocumentBlob._data).join(DocumentBlob.document).limit(1)
            ).one()
        problems = []
        if docs != n or blobs != n:
            problems.append(f"{docs} documents and {blobs} blobs stored, expected {n}")
        original = next(folder.rglob(name)).read_bytes()
        if measures.sealed and (not bytes(raw).startswith(b"e1") or original in bytes(raw)):
            problems.append("originals are not sealed")
        if not measures.sealed and bytes(raw) != original:
            problems.append("unsealed original does not match the file")
        batches = -(-n // ingest_service.BATCH_FILES)  # each batch of files is linked once
        expected_events = n + (batches if extract else 0) if measures.audit_log else 0
        if events != expected_events:
            problems.append(f"{events} audit entries, expected {expected_events}")
        if backend == "sqlite":
            if db.encrypted_file != measures.sqlcipher:
                problems.append(f"SQLCipher is {'on' if db.encrypted_file else 'off'}")
            path = Path(db.engine.url.database or "")
            plain = path.read_bytes()[:16] == SQLITE_HEADER
            if plain == measures.sqlcipher:
                problems.append(f"database file header is {'plain' if plain else 'encrypted'}")
        if problems:
            raise SystemExit(f"benchmark check failed for {backend} '{measures.name}': {'; '.join(problems)}")

    return check


@dataclass(slots=True)
class Runs:
    """The timings of one configuration."""

    measures: Measures
    times: list[float]
    cpu: list[float]
    chunks: list[float]  # wall time of each chunk, in the same order for every configuration


def _open(measures: Measures, *, backend: str, run_dir: Path, server: Any) -> Database:
    """A fresh data directory and database for one run."""
    if backend == "sqlite":
        url = f"sqlite:///{run_dir / 'bench.db'}"
    else:
        from pg import create_database

        url = create_database(server, run_dir.name.replace("-", "_"))
    home = run_dir / "home"
    home.mkdir(parents=True)
    key = home / "bench.key"
    write_key_file(key)
    settings = load_settings(home=home, database_url=url, key_file=key, sqlite_encryption=measures.sqlcipher)
    return init_database(settings)[0]


def _ingest_timed(db: Database, measures: Measures, folder: Path, *, extract: bool) -> tuple[float, float]:
    """One timed ``ingest_paths`` call with ``measures`` patched in; wall and CPU seconds."""
    sealing.activate(db.keyring)  # the key ring is per process; several databases may be open
    with measures_patched(measures):
        start, cpu_start = time.perf_counter(), time.process_time()
        report = ingest_paths(db, [folder], extract=extract)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    if report.failed:
        raise SystemExit(f"benchmark ingest failed: {[r.reason for r in report.results if r.reason][:3]}")
    return elapsed, cpu


def _repetition(
    configs: list[Measures],
    *,
    backend: str,
    folder: Path,
    n: int,
    workdir: Path,
    server: Any,
    tag: str,
    extract: bool,
    rotate: int,
) -> list[tuple[float, float, list[float]]]:
    """Ingest ``folder`` once under each configuration, each into its own fresh database.

    The chunk subfolders of ``folder`` are ingested in turn: each chunk under every
    configuration (in an order that rotates from chunk to chunk) before the next chunk,
    so that other work on the machine falls on all configurations alike. With a single
    chunk this is one whole ingest per configuration, one after the other.
    """
    dbs = [
        _open(c, backend=backend, run_dir=workdir / f"{tag}-{i}", server=server)
        for i, c in enumerate(configs)
    ]
    totals = [(0.0, 0.0)] * len(configs)
    per_chunk: list[list[float]] = [[] for _ in configs]
    try:
        chunks = sorted(p for p in folder.iterdir() if p.is_dir())
        for c, chunk in enumerate(chunks):
            k = (rotate + c) % len(configs)
            for i in [*range(k, len(configs)), *range(k)]:
                wall, cpu = _ingest_timed(dbs[i], configs[i], chunk, extract=extract)
                totals[i] = (totals[i][0] + wall, totals[i][1] + cpu)
                per_chunk[i].append(wall)
        for db, measures in zip(dbs, configs, strict=True):
            _checker(measures, backend=backend, n=n, folder=folder, extract=extract)(db)
    finally:
        for db in dbs:
            db.dispose()
    return [(wall, cpu, chunks) for (wall, cpu), chunks in zip(totals, per_chunk, strict=True)]


def generate_chunked(folder: Path, n: int, chunk: int, seed: int = 7) -> int:
    """:func:`generate`, with the files moved into subfolders of ``chunk`` files each (all in one
    subfolder when ``chunk`` is 0)."""
    size = generate(folder, n, seed=seed)
    per = chunk or n
    for i, path in enumerate(sorted(folder.glob("*.txt"))):
        sub = folder / f"chunk{i // per:05d}"
        sub.mkdir(exist_ok=True)
        path.rename(sub / path.name)
    return size


def measure_costs(args: argparse.Namespace, server: Any) -> None:
    """The ``--measures`` mode: every configuration, ``--repeat`` times, then a table per backend and N."""
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            folder, warm = root / "docs", root / "warmup"
            folder.mkdir()
            warm.mkdir()
            size = generate_chunked(folder, n, args.chunk)
            generate_chunked(warm, 20, 0, seed=11)
            for backend in args.backends:
                if backend == "postgres" and server is None:
                    continue
                configs = [c for c in CONFIGS if backend == "sqlite" or c.name != "+ SQLCipher only"]
                common = {"backend": backend, "workdir": root, "server": server, "extract": args.extract}
                # untimed: imports, first connections, caches
                _repetition(configs, folder=warm, n=20, tag=f"warm-{backend}-{n}", rotate=0, **common)
                runs = [Runs(c, [], [], []) for c in configs]
                for rep in range(args.repeat):
                    totals = _repetition(
                        configs, folder=folder, n=n, tag=f"run-{backend}-{n}-{rep}", rotate=rep, **common
                    )
                    for entry, (elapsed, cpu, chunks) in zip(runs, totals, strict=True):
                        entry.times.append(elapsed)
                        entry.cpu.append(cpu)
                        entry.chunks.extend(chunks)
                        print(
                            f"{backend:9s} N={n:>6}  run {rep + 1}/{args.repeat}  "
                            f"{entry.measures.name:24s} {elapsed:7.2f} s  {n / elapsed:8.1f} docs/s  "
                            f"(CPU of this process {cpu:6.2f} s)",
                            flush=True,
                        )
                print_table(backend, n, size, runs, extract=args.extract, chunk=args.chunk)


def _slowdown(ratio: float) -> str:
    return f"{(ratio - 1) * 100:+4.0f}%"


def print_table(backend: str, n: int, size: int, runs: list[Runs], *, extract: bool, chunk: int) -> None:
    """Median docs/s and MB/s with min-max, and the slowdown against "all off".

    The slowdown is given three ways: the ratio of median wall times; paired,
    from the ratio for each chunk (a whole ingest unless ``--chunk``), whose
    configurations ran close together in time so that other load on the machine
    falls on them more alike; and the ratio of this process's median CPU times
    (for PostgreSQL that leaves out the server's work).
    """
    base, base_cpu = statistics.median(runs[0].times), statistics.median(runs[0].cpu)
    pairs = len(runs[0].chunks)
    quartiles = pairs > 5
    print()
    print(
        f"{backend}, N={n}, {size / 1e6:.2f} MB, extraction {'on' if extract else 'off'}, "
        f"{f'interleaved in chunks of {chunk}' if chunk else 'one whole ingest per configuration'}; "
        f"{len(runs[0].times)} run(s): median [min-max]; slowdown = time per document / all off's; "
        f"paired: median {'[quartiles]' if quartiles else '[min-max]'} of {pairs} ratios"
    )
    header = (
        f"{'configuration':24s} {'docs/s':>21s} {'MB/s':>16s}  {'slowdown':>8s}  "
        f"{'paired slowdown':>20s}  {'CPU s':>5s} {'CPU slowdown':>12s}"
    )
    print(header)
    print("-" * len(header))
    for entry in runs:
        med, cpu = statistics.median(entry.times), statistics.median(entry.cpu)
        rates = sorted(n / t for t in entry.times)
        mbs = sorted(size / t / 1e6 for t in entry.times)
        paired = sorted(t / t0 for t, t0 in zip(entry.chunks, runs[0].chunks, strict=True))
        low, high = (
            statistics.quantiles(paired, n=4, method="inclusive")[::2]
            if quartiles
            else (paired[0], paired[-1])
        )
        spread = f"[{_slowdown(low).strip()}..{_slowdown(high).strip()}]"
        print(
            f"{entry.measures.name:24s} "
            f"{n / med:6.1f} [{rates[0]:5.1f}-{rates[-1]:5.1f}] "
            f"{size / med / 1e6:4.2f} [{mbs[0]:4.2f}-{mbs[-1]:4.2f}]  "
            f"{_slowdown(med / base):>8s}  "
            f"{_slowdown(statistics.median(paired))} {spread:>15s}  "
            f"{cpu:5.2f} {_slowdown(cpu / base_cpu):>12s}"
        )
    print(flush=True)


# --- plain throughput (the default mode) --------------------------------------------------------


def throughput(args: argparse.Namespace, server: Any) -> None:
    """Docs/s and MB/s per backend and N, all measures on (median when ``--repeat`` > 1)."""
    results: dict[str, list[tuple[int, float, int]]] = {}
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "docs"
            folder.mkdir()
            size = (generate_news if args.events else generate)(folder, n)
            for backend in args.backends:
                times = []
                for rep in range(args.repeat):
                    suffix = "" if rep == 0 else f"-{rep}"
                    if backend == "sqlite":
                        url = f"sqlite:///{Path(tmp) / f'bench{suffix}.db'}"
                    elif server is not None:
                        from pg import create_database

                        url = create_database(server, f"bench_{n}{suffix.replace('-', '_')}")
                    else:
                        continue
                    home = Path(tmp) / f"home-{backend}{suffix}"
                    elapsed = run(url, home, folder, extract=args.extract, workers=args.workers)
                    times.append(elapsed)
                    print(
                        f"{backend:9s} N={n:>6}  {elapsed:7.2f} s  {n / elapsed:8.1f} docs/s  "
                        f"{size / elapsed / 1e6:6.2f} MB/s",
                        flush=True,
                    )
                if times:
                    results.setdefault(backend, []).append((n, statistics.median(times), size))
    for backend, rows in results.items():
        if len(rows) > 1:
            (n0, t0, _), (n1, t1, _) = rows[0], rows[-1]
            print(f"{backend}: N x{n1 / n0:.0f} -> time x{t1 / t0:.1f} (linear would be x{n1 / n0:.0f})")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"]
    )
    parser.add_argument(
        "--extract", action="store_true", help="also run incident extraction on each document"
    )
    parser.add_argument(
        "--events",
        action="store_true",
        help="fictional news reports, each event told by 2 to 6 outlets, instead of random sentences",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes that read and extract side by side (REFWATCH_INGEST_WORKERS; default 1)",
    )
    parser.add_argument(
        "--measures",
        action="store_true",
        help="compare SQLCipher, sealed originals and the audit log, each alone, against all off and all on",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per configuration (median and min-max are reported)"
    )
    parser.add_argument(
        "--chunk",
        type=int,
        default=0,
        help="with --measures: ingest the documents in chunks of this many, each chunk under every "
        "configuration before the next, so that other load on the machine hits all alike "
        "(default 0: one whole ingest per configuration)",
    )
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.chunk < 0 or (args.chunk and not args.measures):
        parser.error("--chunk needs --measures and a positive size")
    if args.chunk and args.extract:
        parser.error("--chunk cannot be combined with --extract: linking runs after each ingest call")

    server = None
    if "postgres" in args.backends:
        from pg import start_postgres

        server = start_postgres()
    try:
        if args.measures:
            measure_costs(args, server)
        else:
            throughput(args, server)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
