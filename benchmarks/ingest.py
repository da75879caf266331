"""Ingest throughput into SQLite and PostgreSQL.

Generates N fictional documents (random sentences from a small vocabulary,
about 2 KB each, like the dev reports), ingests them through the same service
as ``refwatch ingest`` (one transaction per document; SQLCipher file and sealed
originals, as in production), and prints documents/s
and MB/s per backend, and how time grows from the smallest N to the largest.

    python benchmarks/ingest.py                  # N = 1000 and 10000, both backends
    python benchmarks/ingest.py --sizes 1000 --backends sqlite --extract
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from refwatch.config import load_settings
from refwatch.security.keys import write_key_file
from refwatch.services.ingest import ingest_paths
from refwatch.services.setup import init_database

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

WORDS = (
    "fictional report border police detained people town river crossing group women children week month "
    "officials said according source organisation held centre returned released family missing city "
    "checkpoint bus train night morning province agency statement appeal government rights"
).split()


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


def run(url: str, home: Path, folder: Path, *, extract: bool) -> float:
    key = home / "bench.key"
    home.mkdir(parents=True, exist_ok=True)
    if not key.exists():
        write_key_file(key)
    db, _ = init_database(load_settings(home=home, database_url=url, key_file=key))
    start = time.perf_counter()
    report = ingest_paths(db, [folder], extract=extract)
    elapsed = time.perf_counter() - start
    db.dispose()
    if report.failed:
        raise SystemExit(f"benchmark ingest failed: {[r.reason for r in report.results if r.reason][:3]}")
    return elapsed


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
    args = parser.parse_args()

    server = None
    if "postgres" in args.backends:
        from pg import create_database, start_postgres

        server = start_postgres()
    try:
        results: dict[str, list[tuple[int, float, int]]] = {}
        for n in args.sizes:
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp) / "docs"
                folder.mkdir()
                size = generate(folder, n)
                for backend in args.backends:
                    if backend == "sqlite":
                        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
                    elif server is not None:
                        url = create_database(server, f"bench_{n}")
                    else:
                        continue
                    elapsed = run(url, Path(tmp) / f"home-{backend}", folder, extract=args.extract)
                    results.setdefault(backend, []).append((n, elapsed, size))
                    print(
                        f"{backend:9s} N={n:>6}  {elapsed:7.2f} s  {n / elapsed:8.1f} docs/s  "
                        f"{size / elapsed / 1e6:6.2f} MB/s",
                        flush=True,
                    )
        for backend, rows in results.items():
            if len(rows) > 1:
                (n0, t0, _), (n1, t1, _) = rows[0], rows[-1]
                print(f"{backend}: N x{n1 / n0:.0f} -> time x{t1 / t0:.1f} (linear would be x{n1 / n0:.0f})")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
