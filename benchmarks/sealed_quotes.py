"""What sealing evidence quotes costs (``REFWATCH_SEAL_DOCUMENT_TEXT``; ``storage.quotes``).

Generates N fictional reports (each one arrest, with a date, a count, a place and a
pseudonymous person, and one running total: every incident and tally has quotes and
"as written" texts), ingests them with extraction and linking into a fresh database
with sealing off and then on, and measures:

* ingest time per document (extraction, sealing the quotes, linking);
* a full relink of every report (linking opens every source's quotes in memory);
* the incident detail (``browse.incident_detail``: opens its sources' quotes and claims);
* the list form of a page of 50 incidents (``summaries_by_id``, what the list builds
  its cards from past the cache): it reads no quote, so it should not change;
* a full export (``incident_export_body``, jsonl: every quote opened).

    python benchmarks/sealed_quotes.py                      # N = 300, SQLite without SQLCipher
    python benchmarks/sealed_quotes.py --sizes 1000 --backends sqlite postgres

Figures depend on the machine; docs/security.md quotes a run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from refwatch.config import load_settings
from refwatch.security.keys import write_key_file
from refwatch.services import browse
from refwatch.services.export import incident_export_body
from refwatch.services.ingest import ingest_paths
from refwatch.services.linking import relink
from refwatch.services.setup import init_database
from refwatch.storage.incidents import IncidentFilter, summaries_by_id

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

CITIES = ("Shenyang", "Yanji", "Tumen", "Dandong", "Changchun", "Harbin", "Beijing", "Qingdao")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September")


def generate(folder: Path, n: int, seed: int = 11) -> None:
    """Write ``n`` fictional reports, a few of them about the same event (so linking joins some)."""
    rng = random.Random(seed)
    for i in range(n):
        event = i if rng.random() < 0.7 else max(0, i - 1)
        ev = random.Random(event)
        city, month, day, count = ev.choice(CITIES), ev.choice(MONTHS), ev.randint(1, 28), ev.randint(2, 40)
        person = f"Person A-{event:03d}"
        text = (
            f"FICTIONAL REPORT {i}. Seoul, {month} {day + 2}, 2031 - Chinese police arrested {count} North "
            f"Korean defectors in {city} on {month} {day}, 2031, among them {person}, a rights group said. "
            f"Since 2030, at least {100 + i} North Koreans have been repatriated, according to the group. "
            "They face forced repatriation."
        )
        (folder / f"report{i:05d}.txt").write_text(text, encoding="utf-8")


def timed(f: Any, repeat: int = 1) -> tuple[float, Any]:
    """Median milliseconds of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def measure(settings_args: dict[str, Any], folder: Path, n: int, *, seal: bool) -> dict[str, float]:
    """Ingest the reports and time the reads; one configuration."""
    db, _ = init_database(load_settings(**settings_args, seal_document_text=seal))
    try:
        ingest_ms, report = timed(lambda: ingest_paths(db, [folder], extract=True, seal_text=seal))
        if report.failed or report.count("stored") != n:
            raise SystemExit("benchmark ingest failed")
        with db.transaction() as session:
            relink_ms, _ = timed(lambda: relink(session, threshold=None, window_days=45))
        ids = [r["id"] for r in browse.incident_page(db, IncidentFilter(), limit=200).items]
        detail_ms, _ = timed(
            lambda: [browse.incident_detail(db, i, visible_groups=None) for i in ids[:100]], repeat=3
        )
        with db.session() as session:  # the list form itself, not a cached page
            page_ms, _ = timed(lambda: summaries_by_id(session, ids[:50]), repeat=20)
        export_ms, _ = timed(lambda: incident_export_body(db, fmt="jsonl", filters=IncidentFilter()))
        return {
            "ingest_ms_per_doc": ingest_ms / n,
            "relink_ms": relink_ms,
            "detail_ms": detail_ms / min(100, len(ids)),
            "page_ms": page_ms,
            "export_ms": export_ms,
            "incidents": len(ids),
        }
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[300])
    parser.add_argument("--backends", nargs="+", default=["sqlite"], choices=["sqlite", "postgres"])
    args = parser.parse_args()
    server = None
    if "postgres" in args.backends:
        from pg import create_database, start_postgres

        server = start_postgres()
    print(
        "| backend | N | sealed | incidents | ingest ms/doc | relink ms | detail ms | list ms | export ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="refwatch-quotebench-") as tmp:
        root = Path(tmp)
        key = root / "bench.key"
        write_key_file(key)
        for n in args.sizes:
            folder = root / f"docs{n}"
            folder.mkdir()
            generate(folder, n)
            for backend in args.backends:
                for run, seal in enumerate((False, True, False, True)):  # twice each: the first warms up
                    home = root / f"{backend}-{n}-{run}"
                    settings_args: dict[str, Any] = {"home": home, "key_file": key}
                    if backend == "sqlite":
                        settings_args["sqlite_encryption"] = False
                    else:
                        settings_args["database_url"] = create_database(server, f"quotes_{n}_{run}")
                    r = measure(settings_args, folder, n, seal=seal)
                    print(
                        f"| {backend} | {n} | {'on' if seal else 'off'} | {r['incidents']:.0f} "
                        f"| {r['ingest_ms_per_doc']:.2f} | {r['relink_ms']:.0f} | {r['detail_ms']:.2f} "
                        f"| {r['page_ms']:.2f} | {r['export_ms']:.0f} |",
                        flush=True,
                    )
    if server is not None:
        server.stop()


if __name__ == "__main__":
    main()
