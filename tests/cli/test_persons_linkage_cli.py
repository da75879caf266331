"""`refwatch persons import --list/--map`, `persons link`, `persons clusters`, `persons review …` and
`estimate --unit persons` over linked records, through Typer's CliRunner.

Every person here is FICTIONAL (names made of common syllables, made-up places and dates).
"""

from __future__ import annotations

import csv
import json
import logging
import os
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from refwatch.cli.app import app
from refwatch.config import Settings
from refwatch.link.names.levels import name_columns

runner = CliRunner()
NAMES = ("지현아", "Ji Hyeon-a", "Jee Hyun A", "리옥금", "Lee Okgeum", "Ri Ok-gum", "Kim Yong-su")


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def partner_files(tmp_path: Path) -> tuple[Path, Path]:
    """NGO A as a CSV with its own column names; NGO B as a workbook with a birth date cell."""
    a = tmp_path / "ngo_a.csv"
    a.write_text(
        "No.,Name (Korean),Name (English),Sex,Born,Home,Phone\n"
        "A-1,지현아,,여,1990,회령,000\n"
        "A-2,리옥금,Ri Ok-gum,F,1985,무산,000\n"
        "A-3,,Kim Yong-su,M,1982,Hoeryong,000\n",
        encoding="utf-8",
    )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["record_id", "name_romanised", "sex", "birth_date", "origin"])
    sheet.append(["B-1", "Ji Hyeon-a; Jee Hyun A", "F", "1990-04", "Hoeryong"])
    sheet.append(["B-2", "Lee Okgeum", "F", "1985", "Musan"])
    b = tmp_path / "ngo_b.xlsx"
    book.save(b)
    return a, b


MAP = [
    "--map",
    "No.=record_id",
    "--map",
    "Name (Korean)=name_hangul",
    "--map",
    "Name (English)=name_romanised",
]
MAP += ["--map", "Sex=sex", "--map", "Born=birth_year", "--map", "Home=origin", "--map", "Phone="]


def test_partner_lists_import_link_export_and_estimate_without_names(
    cli_env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    a, b = partner_files(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # DuckDB would put a spill directory in the working directory
    caplog.set_level(logging.DEBUG)
    code, out, err = invoke("persons", "import", str(a), "--list", "NGO A", *MAP)
    assert code == 0, err
    assert "3 records stored on list 'NGO A' (a new list)" in " ".join(out.split())
    code, out, err = invoke("persons", "import", str(b), "--list", "NGO B", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["records"] == 2

    code, out, err = invoke("persons", "link", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["records"] == 5 and report["persons"] == 3 and report["across_list_links"] == 2
    clusters = tmp_path / "clusters.csv"
    code, out, err = invoke("persons", "clusters", str(clusters))
    assert code == 0, err
    rows = list(csv.DictReader(clusters.read_text(encoding="utf-8").splitlines()))
    person = {(r["list"], r["record_id"]): r["person_id"] for r in rows}
    assert person[("NGO A", "A-1")] == person[("NGO B", "B-1")] != person[("NGO A", "A-3")]
    assert person[("NGO A", "A-2")] == person[("NGO B", "B-2")]

    args = ["estimate", "--from-db", "--unit", "persons", "--lists", "source_lists", "--format", "json"]
    code, out, err = invoke(*args, "--strata", "cohort")
    assert code == 0, err
    assert {r["stratum"]: r["n_observed"] for r in json.loads(out)} == {"1980s": 2, "1990s": 1}

    assert os.listdir(work) == []  # no DuckDB working set on disk
    database = cli_env.home / "refwatch.db"
    seen = [out, err, clusters.read_text(encoding="utf-8"), caplog.text]
    if database.is_file():
        seen.append(database.read_bytes().decode("latin-1"))
    # Derived keys (readings, loose keys, the frequency key) are as identifying as the names.
    derived = {key for name in NAMES for value in name_columns([name]).values() for key in _keys(value)}
    assert derived  # the check below checks something
    for secret in (*NAMES, *derived):
        assert not [text for text in seen if secret in text or secret.encode().decode("latin-1") in text]


def _keys(value: object) -> list[str]:
    """The derived strings worth looking for (short fragments such as a bare surname would match anything)."""
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str) and len(v) >= 5]


def test_review_queue_from_the_command_line(
    cli_env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = partner_files(tmp_path)
    assert invoke("persons", "import", str(a), "--list", "NGO A", *MAP)[0] == 0
    assert invoke("persons", "import", str(b), "--list", "NGO B")[0] == 0
    monkeypatch.setenv("REFWATCH_LINKAGE_MATCH_THRESHOLD", "1.0")
    monkeypatch.setenv("REFWATCH_LINKAGE_REVIEW_THRESHOLD", "0.0")
    code, out, err = invoke("persons", "link", "--format", "json")
    assert code == 0, err
    code, out, err = invoke("persons", "review", "list", "--format", "json")
    queue = json.loads(out)
    assert (
        code == 0
        and len(queue) == json.loads(invoke("persons", "link", "--format", "json")[1])["review_open"]
    )
    assert not [n for n in NAMES if n in out]
    pair = next(p for p in queue if {p["left"]["record_id"], p["right"]["record_id"]} == {"A-2", "B-2"})
    code, out, err = invoke("persons", "review", "show", str(pair["id"]))
    assert code == 0 and "Okgeum" in out and "audit log" in err
    code, out, err = invoke("persons", "review", "show", str(pair["id"]), "--format", "json")
    names = [r["names"] for r in json.loads(out)["records"]]
    assert {"name_romanised": ["Lee Okgeum"]} in names
    assert invoke("persons", "review", "confirm", str(pair["id"]))[0] == 0
    code, _, err = invoke("persons", "review", "split", str(pair["id"]))
    assert code == 1 and "decided already" in err
    code, out, _ = invoke("persons", "review", "list", "--status", "confirmed", "--format", "json")
    assert [p["id"] for p in json.loads(out)] == [pair["id"]]
    assert invoke("persons", "link")[0] == 0
    clusters = tmp_path / "c.csv"
    assert invoke("persons", "clusters", str(clusters))[0] == 0
    rows = list(csv.DictReader(clusters.read_text(encoding="utf-8").splitlines()))
    person = {r["record_id"]: r["person_id"] for r in rows}
    assert person["A-2"] == person["B-2"] and len(set(person.values())) == 4
    code, out, _ = invoke("audit", "verify")
    assert code == 0 and "intact" in out


def test_a_bad_cell_names_file_line_and_column(cli_env: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "partner.csv"
    bad.write_text("record_id,name_romanised,arrest_date\nx1,Kim Yong-su,2019-13\n", encoding="utf-8")
    code, _, err = invoke("persons", "import", str(bad), "--list", "NGO C")
    compact = "".join(err.split())
    assert code == 1 and "partner.csv,line2,column3(arrest_date):themonthmustbe1to12" in compact
    assert "Kim Yong-su" not in err and "2019-13" not in err
    code, _, err = invoke("persons", "import", str(bad), "--list", "NGO C", "--map", "Nope=record_id")
    assert code == 1 and "header does not have" in " ".join(err.split())
    unmapped = tmp_path / "other.csv"
    unmapped.write_text("Case,name_romanised\nx1,Kim Yong-su\n", encoding="utf-8")
    code, _, err = invoke("persons", "import", str(unmapped), "--list", "NGO C")
    assert code == 1 and "line 1, column 1: not a known field" in " ".join(err.split())
    code, _, err = invoke("persons", "link")
    assert code == 1 and "at least two records" in err
