"""The name levels as Splink comparison levels: the SQL agrees with Python, and Splink runs them.

Fictional names only, except the agreement check on ../shared/data/names/persons.csv
(read at test time, skipped when absent).
"""

from __future__ import annotations

import csv
from itertools import product
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from splink import DuckDBAPI, Linker, SettingsCreator

from refwatch.link.names import NameLevel, compare_names
from refwatch.link.names.levels import COLUMNS, level_conditions, name_columns, name_comparison

FICTIONAL = [
    "지현아", "Ji Hyeon-a", "Chi Hyŏna", "Jee Hyun A", "Hyeon-a Ji",
    "Ri Ok-gum", "Lee Okgeum", "이옥금", "Pak Tal-sun", "Park Dal Soon", "박달순",
    "Kim Yong-il", "Kim Yong-su", "Kim Il-yong", "Kim Kyong-hui", "Kim Kyong-hun", "Kim Kyung Hee",
    "Chae Ok-sun", "Choe Ok-sun", "キム", "",
]  # fmt: skip


def _sql_levels(names: list[str]) -> dict[tuple[int, int], NameLevel]:
    """Each pair's level computed by DuckDB from the columns and the SQL conditions."""
    rows = [{"id": i, **name_columns([name] if name else [])} for i, name in enumerate(names)]
    table = pa.Table.from_pylist(rows)  # noqa: F841 - read by DuckDB below
    sql = level_conditions()
    cases = " ".join(
        f"WHEN {sql[level]} THEN {int(level)}" for level in sorted(NameLevel, reverse=True) if level
    )
    left = ", ".join(f"l.{c} AS {c}_l" for c in COLUMNS)
    right = ", ".join(f"r.{c} AS {c}_r" for c in COLUMNS)
    query = f"""
        SELECT id_l, id_r, CASE WHEN {sql[None]} THEN 0 {cases} ELSE 0 END AS level
        FROM (SELECT l.id AS id_l, r.id AS id_r, {left}, {right} FROM "table" l CROSS JOIN "table" r)
    """  # noqa: S608 - our own constant SQL
    with duckdb.connect(":memory:") as con:
        return {(a, b): NameLevel(level) for a, b, level in con.sql(query).fetchall()}


def test_sql_levels_equal_python_levels_on_fictional_names() -> None:
    sql = _sql_levels(FICTIONAL)
    for (i, left), (j, right) in product(enumerate(FICTIONAL), repeat=2):
        assert sql[(i, j)] == compare_names(left, right), (left, right)


def test_sql_levels_equal_python_levels_on_attested_spellings(shared_dir: Path) -> None:
    path = shared_dir / "data" / "names" / "persons.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    with path.open(encoding="utf-8", newline="") as handle:
        names = [row["spelling"] for row in csv.DictReader(handle)]
    sql = _sql_levels(names)
    mismatches = [
        (left, right)
        for (i, left), (j, right) in product(enumerate(names), repeat=2)
        if sql[(i, j)] != compare_names(left, right)
    ]
    assert mismatches == []


def test_splink_links_spellings_of_one_person_and_not_look_alikes() -> None:
    """A model with set m/u (EM is the pipeline's job): the levels come through, readings rank first."""
    people = {
        "a": ["지현아", "Ji Hyeon-a", "Jee Hyun A"],
        "b": ["Ri Ok-gum", "이옥금", "Lee Okgeum"],
        "c": ["Kim Yong-il", "Gim Yongil"],
        "d": ["Kim Yong-su"],
        "e": ["Kim Il-yong"],
    }
    rows = [
        {"unique_id": f"{person}{n}", "person": person, "spelling": name, **name_columns([name])}
        for person, names in people.items()
        for n, name in enumerate(names)
    ]
    m = [0.3, 0.5, 0.15, 0.04, 0.01]  # exact, same reading, loose, close, else
    u = [0.001, 0.002, 0.003, 0.01, 0.984]
    comparison = name_comparison().get_comparison("duckdb").as_dict()
    for level, (m_value, u_value) in zip(
        comparison["comparison_levels"][1:], zip(m, u, strict=True), strict=True
    ):
        level["m_probability"], level["u_probability"] = m_value, u_value
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[comparison],
        blocking_rules_to_generate_predictions=["1=1"],
        probability_two_random_records_match=0.1,
        additional_columns_to_retain=["person", "spelling"],
    )
    db = DuckDBAPI(connection=duckdb.connect(":memory:"))
    linker = Linker(db.register(pa.Table.from_pylist(rows)), settings, log_level=None)
    predictions = linker.inference.predict().as_record_list()
    for pair in predictions:  # Splink's comparison vector is the Python level
        assert pair["gamma_name"] == compare_names(pair["spelling_l"], pair["spelling_r"]), pair
    same = [p["match_probability"] for p in predictions if p["person_l"] == p["person_r"]]
    other = [p["match_probability"] for p in predictions if p["person_l"] != p["person_r"]]
    assert len(same) == 3 + 3 + 1
    # Every reading of one person ranks above every look-alike, term frequencies and all
    # (in a table this small every name is frequent, so the probabilities stay modest).
    assert min(same) > max(other)
