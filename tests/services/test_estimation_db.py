"""Capture histories from the database, and `refwatch estimate --from-db`, on SQLite and PostgreSQL.

People and lists are fictional (pseudonyms only).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fictional_people import PEOPLE, seed_people
from refwatch.cli.app import app
from refwatch.config import Settings
from refwatch.errors import InvalidInput
from refwatch.services.estimation import histories_from_db
from refwatch.services.setup import open_database
from refwatch.storage.database import Database


def test_histories_by_sex(db: Database) -> None:
    seed_people(db)
    tables = histories_from_db(db, unit="persons", lists_from="source_lists", stratum="sex")
    by_label = {t.stratum: t for t in tables}
    assert set(by_label) == {"F", "M", "unknown"}
    female = by_label["F"]
    assert female.lists == ("A", "B", "C")
    assert female.counts[(1, 0, 0)] == 9 and female.counts[(1, 1, 1)] == 1
    assert sum(female.counts.values()) == 30
    assert sum(by_label["M"].counts.values()) == 9


def test_unstratified_table_counts_everyone_once(db: Database) -> None:
    seed_people(db)
    (table,) = histories_from_db(db, unit="persons", lists_from="source_lists")
    assert table.stratum == "all"
    assert sum(table.counts.values()) == len(PEOPLE)


def test_impossible_requests_are_explained(db: Database) -> None:
    with pytest.raises(InvalidInput, match="source_lists"):
        histories_from_db(db, unit="persons", lists_from="outlet")
    with pytest.raises(InvalidInput, match="persons"):
        histories_from_db(db, unit="incidents", stratum="sex")
    with pytest.raises(InvalidInput, match="at least two lists"):
        histories_from_db(db, unit="persons", lists_from="source_lists")


def test_cli_from_db_with_strata_and_plot(cli_env: Settings, tmp_path: Path) -> None:
    database = open_database(cli_env)
    try:
        seed_people(database)
    finally:
        database.dispose()
    chart = tmp_path / "chart.json"
    args = ["estimate", "--from-db", "--unit", "persons", "--lists", "source_lists", "--strata", "sex"]
    result = CliRunner().invoke(app, [*args, "--format", "json", "--plot", str(chart)])
    assert result.exit_code == 0, result.output
    results = json.loads(result.stdout)
    assert [r["stratum"] for r in results] == ["F", "M", "unknown"]
    female = results[0]
    assert female["n_observed"] == 30 and female["ci_low"] <= female["estimate"] <= female["ci_high"]
    # One person of unknown sex on one list: reported without figures, not a crash.
    assert results[2]["estimate"] is None and results[2]["warnings"]
    spec = json.loads(chart.read_text())
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    values = json.dumps(spec)
    assert '"stratum": "F"' in values
