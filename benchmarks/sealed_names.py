"""What sealing documents' titles, file names and URLs costs (``storage.document_names``).

Generates N fictional reports whose file names, titles and URLs carry a pseudonym
("person-a-017.txt", "Testimony of Person A-017"), ingests them with extraction and
linking into a fresh SQLite database (without SQLCipher) or PostgreSQL database, with
sealing off and then on, and times the reads that show the names:

* a page of 50 document cards (``storage.documents.summaries_by_id``, what the document list builds
  past its cache): one decryption per sealed row, none for an unsealed one;
* the list form of a page of 50 incidents (``summaries_by_id``: each source's title and URL);
* the incident detail (``browse.incident_detail``);
* a search by a title word, first in the process (the memory index is built then) and warm
  (``memory_search.sealed_matches``; the SQL side of a search is unchanged).

    python benchmarks/sealed_names.py                      # N = 300, SQLite
    python benchmarks/sealed_names.py --sizes 1000 --backends sqlite postgres

Run it with ``PYTHONPATH`` pointing at an older checkout's ``src`` to compare the unsealed
figures with the code before (the sealed ones then show plaintext names).
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
from refwatch.ingest.metadata import load_metadata
from refwatch.security.keys import write_key_file
from refwatch.services import browse
from refwatch.services.ingest import ingest_paths
from refwatch.services.setup import init_database
from refwatch.storage import documents as document_repo
from refwatch.storage import memory_search
from refwatch.storage.incidents import IncidentFilter, summaries_by_id

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

CITIES = ("Shenyang", "Yanji", "Tumen", "Dandong", "Changchun", "Harbin", "Beijing", "Qingdao")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September")


def generate(folder: Path, n: int, seed: int = 11) -> Path:
    """Write ``n`` fictional reports and their metadata table; returns the table's path."""
    rng = random.Random(seed)
    rows = ["path\ttitle\turl"]
    for i in range(n):
        event = i if rng.random() < 0.7 else max(0, i - 1)
        ev = random.Random(event)
        city, month, day, count = ev.choice(CITIES), ev.choice(MONTHS), ev.randint(1, 28), ev.randint(2, 40)
        text = (
            f"FICTIONAL REPORT {i}. Seoul, {month} {day + 2}, 2031 - Chinese police arrested {count} North "
            f"Korean defectors in {city} on {month} {day}, 2031, a rights group said. "
            "They face forced repatriation."
        )
        name = f"person-a-{i:05d}.txt"
        (folder / name).write_text(text, encoding="utf-8")
        rows.append(
            f"{folder.name}/{name}\tTestimony of Person A-{i:05d}\thttps://example.org/2031/person-a-{i:05d}.html"
        )
    table = folder.parent / f"{folder.name}.tsv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return table


def timed(f: Any, repeat: int = 1) -> tuple[float, Any]:
    """Median milliseconds of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def measure(
    settings_args: dict[str, Any], folder: Path, table: Path, n: int, *, seal: bool
) -> dict[str, float]:
    """Ingest the reports and time the reads; one configuration."""
    db, _ = init_database(load_settings(**settings_args, seal_document_text=seal))
    try:
        meta = load_metadata(table)
        ingest_ms, report = timed(
            lambda: ingest_paths(db, [folder], metadata=meta, extract=True, seal_text=seal)
        )
        if report.failed or report.count("stored") != n:
            raise SystemExit("benchmark ingest failed")
        ids = [r["id"] for r in browse.incident_page(db, IncidentFilter(), limit=200).items]
        with db.session() as session:
            doc_ids = list(range(1, min(n, 50) + 1))
            cards_ms, cards = timed(lambda: document_repo.summaries_by_id(session, doc_ids), repeat=20)
            if not any("Person A-" in (c["title"] or "") for c in cards.values()):
                raise SystemExit("the cards show no title")
            page_ms, _ = timed(lambda: summaries_by_id(session, ids[:50]), repeat=20)
        detail_ms, _ = timed(
            lambda: [browse.incident_detail(db, i, visible_groups=None) for i in ids[:100]], repeat=3
        )
        first_ms, found = timed(
            lambda: browse.document_page(db, query="Testimony of Person A-00007", visible_groups=None)
        )
        if found.total < 1:
            raise SystemExit("the search by title found nothing")
        with db.session() as session:
            warm_ms, _ = timed(
                lambda: memory_search.sealed_matches(db, session.connection(), "Person A-0001"), repeat=20
            )
        return {
            "ingest_ms_per_doc": ingest_ms / n,
            "cards_ms": cards_ms,
            "page_ms": page_ms,
            "detail_ms": detail_ms / min(100, len(ids)),
            "first_search_ms": first_ms,
            "warm_search_ms": warm_ms,
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
        "| backend | N | sealed | ingest ms/doc | 50 cards ms | 50 incidents ms | detail ms "
        "| first search ms | warm memory match ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="refwatch-namebench-") as tmp:
        root = Path(tmp)
        key = root / "bench.key"
        write_key_file(key)
        for n in args.sizes:
            folder = root / f"docs{n}"
            folder.mkdir()
            table = generate(folder, n)
            for backend in args.backends:
                for run, seal in enumerate((False, True, False, True)):  # twice each: the first warms up
                    home = root / f"{backend}-{n}-{run}"
                    settings_args: dict[str, Any] = {"home": home, "key_file": key}
                    if backend == "sqlite":
                        settings_args["sqlite_encryption"] = False
                    else:
                        settings_args["database_url"] = create_database(server, f"names_{n}_{run}")
                    r = measure(settings_args, folder, table, n, seal=seal)
                    print(
                        f"| {backend} | {n} | {'on' if seal else 'off'} | {r['ingest_ms_per_doc']:.2f} "
                        f"| {r['cards_ms']:.2f} | {r['page_ms']:.2f} | {r['detail_ms']:.2f} "
                        f"| {r['first_search_ms']:.0f} | {r['warm_search_ms']:.2f} |",
                        flush=True,
                    )
    if server is not None:
        server.stop()


if __name__ == "__main__":
    main()
