"""A full relink of generated data: wall and CPU time, peak memory and candidate pairs, by size.

    .venv/bin/python benchmarks/relink.py [--incidents 1000 2000 4000]

Each size runs in a process of its own (peak memory is per process): the database is
generated as for ``api_load.py`` (fictional incidents over 15 years in a few cities, about
two reports each, some undated) and linked once with ``soak.link_generated``, the full
relink every real database has had. The candidate pairs (``candidate_pairs``, the blocking)
are counted after the run. Peak RSS includes the generation (printed apart).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def one(n: int) -> None:
    """Generate ``n`` incidents, relink them, print one line of figures."""
    sys.path.insert(0, str(HERE))
    import api_load
    import soak
    from refwatch.config import load_settings
    from refwatch.link.clustering import candidate_pairs
    from refwatch.security.keys import write_key_file
    from refwatch.services.linking import stored_reports
    from refwatch.services.setup import init_database

    tmp = Path(tempfile.mkdtemp(prefix="refwatch-relink-"))
    try:
        key = tmp / "k.key"
        write_key_file(key)
        db, _ = init_database(load_settings(home=tmp / "home", key_file=key))
        data = api_load.generate(db, n, n // 2, doc_chars=2000)
        soak.complete_sources(db, data)
        generated = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        wall, cpu = time.perf_counter(), time.process_time()
        kept = soak.link_generated(db)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        with db.session() as session:
            reports = stored_reports(session)
        pairs = sum(1 for _ in candidate_pairs(reports, window_days=45))
        db.dispose()
        print(
            f"| {n:,} | {len(reports):,} | {pairs:,} | {wall:.1f} | {cpu:.1f} | {peak:,} | {generated:,} "
            f"| {len(kept):,} |",
            flush=True,
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--incidents", type=int, nargs="+", default=[1000, 2000, 4000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # one size, in this process
    args = parser.parse_args()
    if args.one:
        one(args.one)
        return
    head = "| incidents | reports | candidate pairs | wall s | CPU s | peak RSS MB | generating | kept |"
    print(head)
    print("|---|---|---|---|---|---|---|---|", flush=True)
    for n in args.incidents:
        subprocess.run([sys.executable, __file__, "--one", str(n)], check=True)


if __name__ == "__main__":
    main()
