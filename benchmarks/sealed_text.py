"""What sealing document text at rest costs (``REFWATCH_SEAL_DOCUMENT_TEXT``, issue #15 point 16).

Generates N fictional documents (random sentences from a small English and
Korean vocabulary, 2-5 KB each), ingests them without extraction into a fresh
database with sealing off and then on, and measures:

* ingest time per document;
* the first search in a new process (for sealed text: decrypting every sealed
  text and building the in-memory trigram index), timed in a fresh
  :class:`Database` so nothing is kept from before;
* warm searches (each query different, so no cached page answers it),
  3+ character queries (trigram index) and 2-character ones (a scan);
* the memory the index takes: the pages of its in-memory database, and the
  growth of the process's resident set over the first search (SQLite allocates
  outside Python's allocator, so tracemalloc would not see it; the resident set
  may reuse memory freed by the ingest, so the page count is the better figure).

    python benchmarks/sealed_text.py                      # N = 500 and 2000, SQLite without SQLCipher
    python benchmarks/sealed_text.py --sizes 2000 --backends sqlite postgres

SQLite runs with SQLCipher off, the configuration (with PostgreSQL) in which
sealing matters. Figures depend on the machine; docs/security.md quotes a run.
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
from refwatch.services.ingest import ingest_paths
from refwatch.services.setup import init_database, open_database
from refwatch.storage.memory_search import index_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

WORDS = (
    "fictional report border police detained people town river crossing group women children week month "
    "officials said according source organisation held centre returned released family missing city "
    "checkpoint bus train night morning province agency statement appeal government rights "
    "탈북민 공안 체포 강제북송 국경 가족 옌지 투먼 단둥 수용소 석방 소식통"
).split()
LONG_QUERIES = ("police detained", "crossing group", "탈북민", "강제북송", "river", "statement appeal")
SHORT_QUERIES = ("공안", "체포", "국경", "가족", "옌지", "투먼")


def generate(folder: Path, n: int, seed: int = 7) -> int:
    """Write ``n`` fictional documents of 2-5 KB; return their total size in bytes."""
    rng = random.Random(seed)
    total = 0
    for i in range(n):
        target = rng.randint(2000, 5000)
        sentences: list[str] = []
        while sum(len(s.encode()) for s in sentences) < target:
            sentences.append(" ".join(rng.choices(WORDS, k=rng.randint(8, 20))).capitalize() + ".")
        data = (f"FICTIONAL BENCHMARK DOCUMENT {i}. " + " ".join(sentences)).encode()
        (folder / f"doc{i:06d}.txt").write_bytes(data)
        total += len(data)
    return total


def rss_mib() -> float:
    """This process's resident set size, in MiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(settings_args: dict[str, Any], folder: Path, n: int, *, seal: bool) -> dict[str, float]:
    """Ingest the documents and time searches; one configuration."""
    db, _ = init_database(load_settings(**settings_args, seal_document_text=seal))
    start = time.perf_counter()
    report = ingest_paths(db, [folder], extract=False, seal_text=seal)
    ingest_s = time.perf_counter() - start
    if report.failed or report.count("stored") != n:
        raise SystemExit("benchmark ingest failed")
    db.dispose()
    db = open_database(load_settings(**settings_args, seal_document_text=seal))  # a new process's view
    before = rss_mib()
    start = time.perf_counter()
    first = browse.document_page(db, query="checkpoint", visible_groups=None)
    first_s = time.perf_counter() - start
    after = rss_mib()
    if first.total == 0:
        raise SystemExit("the first search found nothing")
    warm: dict[str, list[float]] = {"long": [], "short": []}
    for kind, queries in (("long", LONG_QUERIES), ("short", SHORT_QUERIES)):
        for query in queries:
            start = time.perf_counter()
            page = browse.document_page(db, query=query, visible_groups=None)
            warm[kind].append(time.perf_counter() - start)
            if page.total == 0:
                raise SystemExit(f"a search found nothing: {query}")
    result = {
        "ingest_ms_per_doc": ingest_s / n * 1000,
        "first_search_ms": first_s * 1000,
        "warm_long_ms": statistics.median(warm["long"]) * 1000,
        "warm_short_ms": statistics.median(warm["short"]) * 1000,
        "index_rss_mib": after - before,
        "index_mib": index_for(db).bytes_used() / 2**20 if seal else 0.0,
    }
    db.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--backends", nargs="+", default=["sqlite"], choices=["sqlite", "postgres"])
    args = parser.parse_args()
    server = None
    if "postgres" in args.backends:
        from pg import create_database, start_postgres

        server = start_postgres()
    print(
        "| backend | N | text MB | sealed | ingest ms/doc | first search ms | warm 3+ chars ms "
        "| warm 2 chars ms | index MiB | RSS growth MiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="refwatch-sealbench-") as tmp:
        root = Path(tmp)
        key = root / "bench.key"
        write_key_file(key)
        for n in args.sizes:
            folder = root / f"docs{n}"
            folder.mkdir()
            size = generate(folder, n)
            for backend in args.backends:
                for seal in (False, True):
                    home = root / f"{backend}-{n}-{seal}"
                    settings_args: dict[str, Any] = {"home": home, "key_file": key}
                    if backend == "sqlite":
                        settings_args["sqlite_encryption"] = False
                    else:
                        settings_args["database_url"] = create_database(server, f"seal_{n}_{int(seal)}")
                    r = measure(settings_args, folder, n, seal=seal)
                    print(
                        f"| {backend} | {n} | {size / 1e6:.1f} | {'on' if seal else 'off'} "
                        f"| {r['ingest_ms_per_doc']:.2f} | {r['first_search_ms']:.0f} "
                        f"| {r['warm_long_ms']:.1f} | {r['warm_short_ms']:.1f} "
                        f"| {r['index_mib']:.1f} | {r['index_rss_mib']:.1f} |",
                        flush=True,
                    )
    if server is not None:
        server.stop()


if __name__ == "__main__":
    main()
