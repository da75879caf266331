"""Extraction of large archives on Spark, and reading its result back for ingest.

A web archive or a newspaper's back catalogue holds hundreds of thousands of pages;
reading and extracting them is the expensive part of ingest and needs no database. So
:func:`extract_on_spark` runs exactly what ingest runs for one file (read, check, derive
language and reference date, extract) over Spark partitions, and writes one Parquet row
per file: its path, SHA-256, key, the incidents and tallies found (as the JSON of
INCIDENTS.md) or the reason it failed, and :func:`~refwatch.extract.fingerprint.fingerprint`
of the rules that found them. ``refwatch ingest FILES --extracted OUT.parquet`` then stores
the files with those incidents instead of extracting again (:func:`read_extracted`); a row
made by other rules, or for bytes that have changed since, is ignored and the file is
extracted as usual.

Spark (``pyspark``, and a Java runtime) is optional: ``make spark`` installs both. The
same function runs on a laptop (``local[2]``) and on a cluster (a ``spark://`` or
``yarn`` master; every executor needs ``refwatch`` installed). The result holds what the
reports say: incidents, quotes and, for restricted material, names; store it as the
reports themselves are stored.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import orjson

from refwatch.domain.incidents import Incident
from refwatch.domain.tallies import Tally
from refwatch.errors import InvalidInput
from refwatch.extract.base import Extraction
from refwatch.extract.fingerprint import fingerprint
from refwatch.ingest.metadata import MetadataTable
from refwatch.ingest.readers import MEDIA_TYPES
from refwatch.ingest.sandbox import ParseLimits

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

logger = logging.getLogger(__name__)

#: The columns of the result, in order (all strings but ``incident_count`` and ``bytes``).
COLUMNS = (
    "path",
    "sha256",
    "document",
    "language",
    "bytes",
    "incident_count",
    "incidents",
    "tallies",
    "error",
    "extractor",
    "fingerprint",
)


@dataclass(frozen=True, slots=True)
class ArchiveSummary:
    """What one run did: files read, how many failed, incidents found, bytes read and time taken."""

    files: int
    failed: int
    incidents: int
    file_bytes: int
    seconds: float
    out: Path


@dataclass(frozen=True, slots=True)
class KnownExtraction:
    """One file's extraction made elsewhere: used at ingest only for the same bytes and key."""

    sha256: str
    document: str
    extractor: str
    result: Extraction


def extract_file(
    path: str,
    data: bytes,
    *,
    metadata: MetadataTable | None = None,
    max_file_bytes: int,
    parse_limits: ParseLimits | None = None,
) -> dict[str, Any]:
    """One file's result row: what ingest would read and extract from these bytes (no database).

    Never raises for a bad file: the row names why it failed, so one bad page in a million
    does not stop the job.
    """
    from refwatch.services.ingest import extract_for_ingest

    local = _local_path(path)
    meta = metadata.for_file(local) if metadata else None
    ready = extract_for_ingest(
        local, data, meta=meta, max_file_bytes=max_file_bytes, parse_limits=parse_limits
    )
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row |= {"path": path, "bytes": len(data), "fingerprint": fingerprint(), "incident_count": 0}
    if isinstance(ready, str):
        row["error"] = ready
        return row
    sha256, document, language, (extractor, result) = ready
    row |= {
        "sha256": sha256,
        "document": document,
        "language": language,
        "extractor": extractor,
        "incident_count": len(result.incidents),
        # orjson writes the dataclasses as to_dict() would, several times faster than asdict().
        "incidents": orjson.dumps(result.incidents).decode("utf-8"),
        "tallies": orjson.dumps(result.tallies).decode("utf-8"),
    }
    return row


def _local_path(path: str) -> Path:
    """A Spark path (``file:/data/a.html``, ``s3a://bucket/a.html``) as the path metadata matches on."""
    parsed = urlparse(path)
    if parsed.scheme in ("", "file"):
        return Path(unquote(parsed.path)).resolve()
    return Path(unquote(parsed.path)).relative_to("/") if parsed.path.startswith("/") else Path(path)


def _rows(
    files: Iterable[Any],
    metadata: MetadataTable | None,
    max_file_bytes: int,
    parse_limits: ParseLimits | None,
) -> Iterator[tuple[Any, ...]]:
    """A partition's rows (run on the executors)."""
    for f in files:
        row = extract_file(
            f["path"],
            bytes(f["content"]),
            metadata=metadata,
            max_file_bytes=max_file_bytes,
            parse_limits=parse_limits,
        )
        yield tuple(row[c] for c in COLUMNS)


def extract_on_spark(
    inputs: list[str],
    out: Path,
    *,
    master: str = "local[*]",
    metadata: MetadataTable | None = None,
    max_file_bytes: int,
    parse_limits: ParseLimits | None = None,
    spark: SparkSession | None = None,
) -> ArchiveSummary:
    """Extract every report file under ``inputs`` on Spark and write the rows to ``out`` (Parquet).

    Args:
        inputs: files or folders (read recursively), local paths or any URL Spark reads
            (``hdfs://``, ``s3a://``); only the kinds ingest reads (.txt, .md, .html, .htm, .pdf).
        out: the Parquet folder to write (replaced if it exists).
        master: the Spark master: ``local[N]`` for N cores here, or a cluster's URL.
        metadata: the ``--metadata`` table, sent to every executor.
        max_file_bytes: larger files fail with the reason, as at ingest.
        parse_limits: limits for reading PDF and HTML, as at ingest.
        spark: a session to use instead of making one (tests, notebooks).

    Raises:
        InvalidInput: pyspark or Java is missing, or nothing was found to read.
    """
    session = spark or spark_session(master)
    started = time.perf_counter()
    glob = "*.{" + ",".join(sorted(suffix.lstrip(".") for suffix in MEDIA_TYPES)) + "}"
    try:
        files = (
            session.read.format("binaryFile")
            .option("pathGlobFilter", glob)
            .option("recursiveFileLookup", "true")
            .load([_spark_path(p) for p in inputs])
            .select("path", "content")
        )
    except Exception as exc:  # AnalysisException: a path that does not exist
        raise InvalidInput(f"Spark cannot read {', '.join(inputs)}: {str(exc).splitlines()[0]}") from None
    rows = files.rdd.mapPartitions(lambda part: _rows(part, metadata, max_file_bytes, parse_limits))
    frame = session.createDataFrame(rows, schema=_schema())
    frame.write.mode("overwrite").parquet(_spark_path(str(out)))
    totals = (
        session.read.parquet(_spark_path(str(out)))
        .selectExpr(
            "count(*) AS files",
            "count(error) AS failed",
            "coalesce(sum(incident_count), 0) AS incidents",
            "coalesce(sum(bytes), 0) AS file_bytes",
        )
        .first()
    )
    if spark is None:
        session.stop()
    if totals is None:  # an aggregate always has its one row
        raise InvalidInput(f"Spark wrote no summary row to {out}")
    return ArchiveSummary(
        files=int(totals["files"]),
        failed=int(totals["failed"]),
        incidents=int(totals["incidents"]),
        file_bytes=int(totals["file_bytes"]),
        seconds=time.perf_counter() - started,
        out=out,
    )


def _spark_path(path: str) -> str:
    """Local paths made absolute (Spark resolves relative ones against its own working folder)."""
    return path if "://" in path or path.startswith("file:") else Path(path).resolve().as_uri()


def _schema() -> Any:
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    numbers = {"bytes", "incident_count"}
    return StructType([StructField(c, LongType() if c in numbers else StringType(), True) for c in COLUMNS])


def spark_session(master: str) -> SparkSession:
    """A Spark session for extraction (workers here run this interpreter when the master is local)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InvalidInput("the Spark engine needs pyspark and Java: run `make spark`") from None
    builder = (
        SparkSession.builder.master(master)
        .appName("refwatch extract")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        # A report file is small: at Spark's default cost of opening a file (4 MB) a partition
        # held 32 files whatever their size, and each partition's start (a Python worker, its
        # imports) cost more than its extraction (1 MB of text: 8 partitions took 65 s, 1 took
        # 30 s, measured at load 9). At 64 KB partitions follow the bytes, one per core or more.
        .config("spark.sql.files.openCostInBytes", str(64 * 1024))
    )
    if master.startswith("local"):
        # Workers here run this interpreter (its virtual environment holds refwatch), not the
        # first python3 on PATH; a cluster's executors use their own, with refwatch installed.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        return builder.getOrCreate()
    except Exception as exc:  # no Java runtime: PySparkRuntimeError / FileNotFoundError
        raise InvalidInput(
            f"Spark did not start ({type(exc).__name__}); is Java installed? run `make spark`"
        ) from None


def read_extracted(path: Path) -> dict[str, tuple[KnownExtraction, ...]]:
    """The rows of a result made by these rules, by the SHA-256 of the file they were read from.

    By content, not by path: the pages may have been copied from the cluster's storage to
    another folder since. Rows made by other rules (another fingerprint) or that failed are
    left out: those files are extracted again at ingest. Reads the Parquet with pyarrow: no
    Spark needed here.

    Raises:
        InvalidInput: the file is missing or is not such a result.
    """
    import pyarrow.parquet as pq

    if not path.exists():
        raise InvalidInput(
            f"{path}: no such file or folder; give the --out of `refwatch extract --engine spark`"
        )
    try:
        table = pq.read_table(path, columns=list(COLUMNS))
    except Exception as exc:  # ArrowInvalid, a column missing
        raise InvalidInput(
            f"{path}: not a result of `refwatch extract --engine spark` ({str(exc).splitlines()[0]})"
        ) from None
    current = fingerprint()
    known: dict[str, tuple[KnownExtraction, ...]] = {}
    stale = 0
    for row in table.to_pylist():
        if row["error"] is not None or row["sha256"] is None:
            continue
        if row["fingerprint"] != current:
            stale += 1
            continue
        result = Extraction(
            incidents=[Incident.from_dict(d) for d in json.loads(row["incidents"] or "[]")],
            tallies=[Tally.from_dict(d) for d in json.loads(row["tallies"] or "[]")],
        )
        found = KnownExtraction(
            sha256=row["sha256"], document=row["document"], extractor=row["extractor"], result=result
        )
        known[found.sha256] = (*known.get(found.sha256, ()), found)
    if stale:
        logger.warning(
            "%d extracted rows were made by other extraction rules; those files are extracted again", stale
        )
    return known
