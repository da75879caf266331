"""The Spark backend gives the DuckDB backend's pairs (local mode; skipped without pyspark or Java).

Slow on a small machine (several minutes: every EM iteration is a Spark job), and only
run where `make spark` installed pyspark. Fictional names only.
"""

from __future__ import annotations

import shutil

import pytest

from refwatch.link.persons import LinkRecord, feature_row, score_pairs
from refwatch.link.persons.model import spark_sql

FICTIONAL = [
    ("Kim Yong-su", 1980), ("김용수", 1980), ("Ri Ok-gum", 1975), ("이옥금", 1975),
    ("Pak Tal-sun", 1960), ("박달순", 1960), ("Kim Il-yong", 1990),
]  # fmt: skip


def test_name_conditions_are_written_for_spark() -> None:
    sql = "list_has_any(a_l, a_r) AND jaro_winkler_similarity(b_l, b_r) >= 0.9"
    assert spark_sql(sql) == "arrays_overlap(a_l, a_r) AND jaro_winkler(b_l, b_r) >= 0.9"


def test_spark_scores_the_pairs_duckdb_scores() -> None:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime (make spark)")
    records = [
        LinkRecord(i + 1, "NGO A" if i % 2 else "NGO B", (name,), birth_year=year)
        for i, (name, year) in enumerate(FICTIONAL)
    ]
    rows = [feature_row(r) for r in records]
    duck = score_pairs(rows, review_threshold=0.01)
    spark = score_pairs(rows, review_threshold=0.01, backend="spark")
    assert (
        {(p.left, p.right) for p in spark.pairs}
        == {(p.left, p.right) for p in duck.pairs}
        == {
            (1, 2),
            (3, 4),
            (5, 6),
        }
    )
    for a, b in zip(
        sorted(duck.pairs, key=lambda p: p.left), sorted(spark.pairs, key=lambda p: p.left), strict=True
    ):
        assert a.probability == pytest.approx(b.probability, abs=1e-6)
