"""Time and memory for one large text report, in ``refwatch extract`` and in ingest, as it grows.

A 52 MB text file once held a core and 2.1 GB for over seven minutes. This
builds one report by repeating the text samples in samples/reports (fictional
and public reports, about 9 KB together) up to each size asked for, and for
each size runs, in a fresh process so that the peak memory is that size's own:

* ``extract``: read and check the file, then extract incidents, as ``refwatch extract`` does;
* ``ingest``: the whole ``refwatch ingest`` of that one file into a new SQLite
  database (SQLCipher, sealed original, extraction, linking, audit).

It prints CPU seconds, wall seconds, peak resident memory (ru_maxrss) and the
incidents found, then how each grew from the smallest size to the largest
(1.0 would be linear per MB); the gazetteer is loaded before timing.
Repeated text is the worst case for clustering: the same figures and dates
come back, so every seed is weighed against one ever larger incident.

Measured 2026-12-06 on the 2-core development machine (shared, so CPU seconds):
extract 1 / 8 / 50 MB took 3.3 / 14.8 / 89.6 s (1.8 s/MB from 8 MB on: linear), peak
107 / 151 / 315 MB; ingest 2 / 8 / 50 MB took 6.1 / 19.8 / 143.5 s (linear), peak
166 / 253 / 788 MB. Ingest's memory above 500 MB at 50 MB is storage's, not extraction's:
at 8 MB, reading the file adds 33 MB, the document's insert (text, search index, sealed
original) 43 MB, extraction 46 MB.

Again later that day (load average 9-11 on the 2 cores, so wall seconds mean little): ingest
of 50 MB peaked at 620 MB before batched ingest and 621 MB after (108 / 110 CPU s, 246
incidents both). Peak RSS by phase at 8 MB after it: reading and the document's columns +46 MB,
extraction +22 MB (let go again), the batch's flush (text, its search index, sealed original)
+57 MB, linking +0 (it no longer reads the document's text back; it added 24 MB before). What
stays over 500 MB at 50 MB is holding the whole text as one row: the file's bytes, the decoded
text, the text bound into SQLite and its trigram index, the sealed original. Storing the text
segment by segment would bound it; that is a schema change not made yet.

Made (migration 0018, storage/segments.py): a text over 1M characters is stored in
document_segments, written, indexed and sealed a piece at a time after the document's row.
Side by side on 2026-12-06, this script for both (the old code through PYTHONPATH), load
average 10-14 on the 2 cores (so wall seconds mean little): 10 MB old 236 MB / 20.7 CPU s, new
203 MB / 21.8 CPU s; 50 MB old 625 MB / 98.0 CPU s, new 438 MB / 102.9 CPU s (246 incidents both). Peak RSS
by phase at 50 MB, new: reading and decoding +200 MB transient (the bytes, the text, the
decoder's buffer), extraction +50 MB (let go), the original sealed (+95 MB transient), the
batch's flush +125 MB (the sealed original bound into SQLite whole, its 32 MB page cache),
the segments +0. What is left over the interpreter is the original: its bytes, its sealed copy
and SQLite's bound copy of it are each whole.

    python benchmarks/large_report.py                       # 1, 2, 5 and 10 MB
    python benchmarks/large_report.py --sizes 5 10 20 --only extract
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "reports"


def build_report(path: Path, megabytes: float) -> int:
    """Write a report of about ``megabytes`` MB made of the text samples, repeated; returns its size.

    Written a thousand copies at a time: building the whole text first (``base * copies``) made the
    measuring process peak at 200 MB for a 50 MB report before ingest began, and ``ru_maxrss`` kept
    that peak.
    """
    base = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))) + "\n\n"
    copies = max(1, round(megabytes * 1_000_000 / len(base.encode("utf-8"))))
    with path.open("w", encoding="utf-8") as out:
        for done in range(0, copies, 1000):
            out.write(base * min(1000, copies - done))
    return path.stat().st_size


def run_extract(path: Path) -> int:
    from refwatch.extract import extract_document
    from refwatch.services.ingest import prepare_file

    prepared = prepare_file(path, max_file_bytes=10**9)
    return len(extract_document(prepared.read.text, document=path.stem))


def run_ingest(path: Path, folder: Path) -> int:
    from refwatch.config import load_settings
    from refwatch.security.keys import write_key_file
    from refwatch.services.ingest import ingest_paths
    from refwatch.services.setup import init_database

    key = folder / "bench.key"
    write_key_file(key)
    db, _ = init_database(load_settings(home=folder / "home", key_file=key))
    try:
        report = ingest_paths(db, [path], max_file_bytes=10**9)
    finally:
        db.dispose()
    (result,) = report.results
    if result.outcome != "stored":
        raise SystemExit(f"ingest failed: {result.reason}")
    return result.incidents


def child(kind: str, megabytes: float) -> None:
    """One measurement, printed as JSON (run in its own process by :func:`main`)."""
    with tempfile.TemporaryDirectory(prefix="refwatch-bench-large-") as tmp:
        folder = Path(tmp)
        (folder / "home").mkdir()
        path = folder / "large-report.txt"
        size = build_report(path, megabytes)
        from refwatch.extract import extract_document

        extract_document("Warm-up: police held 3 defectors in Yanji.", document="w")  # loads the gazetteer
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cpu, wall = time.process_time(), time.perf_counter()
        incidents = run_extract(path) if kind == "extract" else run_ingest(path, folder)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {"mb": size / 1e6, "cpu": cpu, "wall": wall, "peak_mb": peak / 1024, "base_mb": baseline / 1024}
            | {"incidents": incidents}
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 5, 10], help="sizes in MB")
    parser.add_argument("--only", choices=["extract", "ingest"], help="run one of the two")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "MB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], float(args.child[1]))
        return
    kinds = [args.only] if args.only else ["extract", "ingest"]
    print(f"{'kind':<9}{'MB':>7}{'CPU s':>9}{'wall s':>9}{'s/MB':>7}{'peak MB':>9}{'incidents':>11}")
    for kind in kinds:
        rows = []
        for size in args.sizes:
            out = subprocess.run(
                [sys.executable, __file__, "--child", kind, str(size)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            row = json.loads(out.strip().splitlines()[-1])
            rows.append(row)
            print(
                f"{kind:<9}{row['mb']:>7.1f}{row['cpu']:>9.1f}{row['wall']:>9.1f}"
                f"{row['cpu'] / row['mb']:>7.2f}{row['peak_mb']:>9.0f}{row['incidents']:>11}",
                flush=True,
            )
        if len(rows) >= 2:
            first, last = rows[0], rows[-1]
            grow = last["mb"] / first["mb"]
            print(
                f"{kind}: {grow:.0f}x the text took {last['cpu'] / first['cpu']:.1f}x the CPU "
                f"({(last['cpu'] / first['cpu']) / grow:.2f} per unit of text; 1.0 is linear) and "
                f"{(last['peak_mb'] - first['base_mb']) / max(first['peak_mb'] - first['base_mb'], 1):.1f}x "
                "the memory above the interpreter's"
            )


if __name__ == "__main__":
    main()
