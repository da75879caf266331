"""Splink's Spark backend for person linkage (``REFWATCH_LINKAGE_BACKEND=spark``), local mode.

For lists too large for one process's memory. Optional: ``pyspark`` and a Java
runtime (``make spark``: Debian's ``openjdk-17-jre-headless`` and ``pip install
pyspark``). Unlike the DuckDB backend, Spark writes shuffle files (and spills
cached tables that outgrow the driver's memory): they go to a private temporary
directory (mode 0700) removed when the run ends, but they touch the disk while it
runs, so put the temporary directory (``TMPDIR``) on encrypted storage before
linking real lists this way. Splink's default way of cutting a long query plan on
Spark is to write each intermediate table as Parquet; here they are cached in
memory instead (``persist``): faster, and the derived name columns are not written
out as files.

Why small runs were slow (five minutes for seven records): every EM iteration and
every Splink step is a Spark job, each one paid for in tasks over 8 shuffle
partitions plus Parquet writes; with the partitions sized to the data (one per
``ROWS_PER_PARTITION`` records) and nothing written, the cost left is the JVM's
start and Spark's per-query planning.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa

from refwatch.errors import ConfigError

#: Cores and memory of the local Spark driver; the model is the same whatever they are.
LOCAL_MASTER = "local[2]"
DRIVER_MEMORY = "2g"
#: Most shuffle partitions; fewer for smaller lists (a partition per this many records).
SHUFFLE_PARTITIONS = 8
ROWS_PER_PARTITION = 25_000


def partitions(records: int) -> int:
    """Shuffle partitions for a list of ``records``: 1 for small lists, at most ``SHUFFLE_PARTITIONS``.

    Examples:
        >>> partitions(7), partitions(100_000), partitions(10_000_000)
        (1, 4, 8)
    """
    return max(1, min(SHUFFLE_PARTITIONS, records // ROWS_PER_PARTITION))


@contextlib.contextmanager
def spark_table(rows: Sequence[dict[str, Any]], schema: pa.Schema) -> Iterator[Any]:
    """The rows as a Splink table on a local Spark session, stopped and cleaned up afterwards.

    pyspark's FutureWarning about the installed pandas (which this path does not use:
    the rows go in as Arrow) is ignored while the session runs.

    Raises:
        ConfigError: pyspark or Java is not installed.
    """
    if shutil.which("java") is None:
        raise ConfigError("the Spark backend needs a Java runtime: run `make spark`")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        try:
            from pyspark.sql import SparkSession
            from splink.backends.spark import SparkAPI, similarity_jar_location
        except ImportError:
            raise ConfigError("the Spark backend needs pyspark: run `make spark`") from None
        work = tempfile.mkdtemp(prefix="refwatch-spark-")  # mode 0700
        parts = partitions(len(rows))
        spark = (
            SparkSession.builder.master(LOCAL_MASTER)
            .appName("refwatch-linkage")
            .config("spark.jars", similarity_jar_location())
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", DRIVER_MEMORY)
            .config("spark.sql.shuffle.partitions", str(parts))
            .config("spark.default.parallelism", str(parts))
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.local.dir", work)
            .config("spark.sql.warehouse.dir", f"{work}/warehouse")
            .getOrCreate()
        )
        try:
            spark.sparkContext.setCheckpointDir(f"{work}/checkpoints")
            spark.sparkContext.setLogLevel("ERROR")
            api = SparkAPI(  # type: ignore[no-untyped-call]
                spark_session=spark, break_lineage_method="persist", num_partitions_on_repartition=parts
            )
            frame = spark.createDataFrame(pa.Table.from_pylist(list(rows), schema=schema))
            yield api.register(frame, table_name="records")
        finally:
            spark.stop()
            shutil.rmtree(work, ignore_errors=True)
