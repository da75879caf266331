"""Splink's Spark backend for person linkage (``REFWATCH_LINKAGE_BACKEND=spark``), local mode.

For lists too large for one process's memory. Optional: ``pyspark`` and a Java
runtime (``make spark``: Debian's ``openjdk-17-jre-headless`` and ``pip install
pyspark``). Unlike the DuckDB backend, Spark writes shuffle and checkpoint files:
they go to a private temporary directory (mode 0700) removed when the run ends,
but they touch the disk while it runs, so put the temporary directory
(``TMPDIR``) on encrypted storage before linking real lists this way.
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
SHUFFLE_PARTITIONS = 8


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
        spark = (
            SparkSession.builder.master(LOCAL_MASTER)
            .appName("refwatch-linkage")
            .config("spark.jars", similarity_jar_location())
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", DRIVER_MEMORY)
            .config("spark.sql.shuffle.partitions", str(SHUFFLE_PARTITIONS))
            .config("spark.default.parallelism", str(SHUFFLE_PARTITIONS))
            .config("spark.local.dir", work)
            .config("spark.sql.warehouse.dir", f"{work}/warehouse")
            .getOrCreate()
        )
        try:
            spark.sparkContext.setCheckpointDir(f"{work}/checkpoints")
            spark.sparkContext.setLogLevel("ERROR")
            api = SparkAPI(spark_session=spark)  # type: ignore[no-untyped-call]
            frame = spark.createDataFrame(pa.Table.from_pylist(list(rows), schema=schema))
            yield api.register(frame, table_name="records")
        finally:
            spark.stop()
            shutil.rmtree(work, ignore_errors=True)
