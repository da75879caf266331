"""Extraction on Spark in local mode: MB/s for 1 and 2 cores (``benchmarks/extract.py --engine spark``).

Writes the generated fictional reports of ``benchmarks/extract.py`` (and the dev corpus
repeated, when ``../shared`` is there) as files into a temporary folder, runs
``refwatch.services.archives.extract_on_spark`` with ``local[1]`` and ``local[2]``, and
prints wall-clock MB/s of the job (the JVM's start is timed apart: a cluster pays it once).
Spark's figures are wall time of the whole job, not CPU time of one process; compare them
with the ``MB/s`` column of the local table, not ``CPU MB/s``. Needs ``make spark``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path


def write_files(docs: list[str], folder: Path) -> int:
    """The documents as .txt files; their size in bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for n, text in enumerate(docs):
        data = text.encode("utf-8")
        (folder / f"doc-{n:06d}.txt").write_bytes(data)
        total += len(data)
    return total


def run(sizes: list[float], inputs: list[tuple[str, object]]) -> None:
    """One row per input, size and core count."""
    try:
        from pyspark.sql import SparkSession  # noqa: F401
    except ImportError:
        print("spark: skipped (pyspark is not installed; run `make spark`)")
        return
    from refwatch.services.archives import extract_on_spark, spark_session

    header = ("input", "MB", "files", "cores", "start s", "job s", "MB/s", "incidents")
    print(f"{header[0]:<22}" + "".join(f"{h:>9}" for h in header[1:]))
    with tempfile.TemporaryDirectory() as tmp:
        for label, make in inputs:
            for size in sizes:
                docs = make(size)  # type: ignore[operator]
                if not docs:
                    print(f"{label:<22} skipped: nothing to read")
                    break
                folder = Path(tmp) / f"{label.replace(' ', '-')}-{size}"
                total = write_files(docs, folder)
                for cores in (1, 2):
                    started = time.perf_counter()
                    session = spark_session(f"local[{cores}]")
                    start_s = time.perf_counter() - started
                    summary = extract_on_spark(
                        [str(folder)], Path(tmp) / "out.parquet", max_file_bytes=1 << 30, spark=session
                    )
                    session.stop()
                    mb = total / 1e6
                    print(
                        f"{label:<22}{mb:>9.1f}{summary.files:>9}{cores:>9}{start_s:>9.1f}"
                        f"{summary.seconds:>9.1f}{mb / summary.seconds:>9.2f}{summary.incidents:>9}"
                    )
