"""Uwazi CSV export and import of incidents (#17 point 6).

Fictional incidents (invented events in 2030), as in test_datapackage: one open
and confirmed, one restricted, one unconfirmed, one too small for its place and month.
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make, use_table_extractor  # noqa: E402

from refwatch.cli.app import app  # noqa: E402
from refwatch.config import Settings, load_settings  # noqa: E402
from refwatch.errors import InvalidInput  # noqa: E402
from refwatch.report.redaction import RedactionPolicy  # noqa: E402
from refwatch.services import review  # noqa: E402
from refwatch.services.export import incident_records  # noqa: E402
from refwatch.services.ingest import ingest_paths  # noqa: E402
from refwatch.services.setup import open_database  # noqa: E402
from refwatch.services.uwazi import export_uwazi_csv, import_uwazi_csv  # noqa: E402
from refwatch.storage.database import Database  # noqa: E402
from refwatch.storage.incidents import IncidentFilter  # noqa: E402

FICTIONAL = {
    "tumen": make(
        "tumen",
        start="2030-10-09",
        count=40,
        types=("arrest", "repatriation"),
        place=("CN", "Jilin", "Tumen"),
    ),
    # Another day than "tumen": on the same day, 30 and 40 people in two provinces are close
    # enough for the linking model to join them (match probability about 0.13).
    "secret": make(
        "secret", start="2030-12-09", count=30, types=("repatriation",), place=("CN", "Liaoning", "Dandong")
    ),
    "draft": make("draft", start="2030-07-01", count=12, types=("arrest",), place=("CN", "Jilin", "Yanji")),
    "small": make(
        "small", start="2030-05-02", count=2, types=("arrest",), place=("CN", "Liaoning", "Shenyang")
    ),
    "yanji": make(
        "yanji",
        start="2030-03-14",
        count=25,
        types=("detention", "deportation"),
        place=("CN", "Jilin", "Yanji"),
    ),
}


@pytest.fixture(autouse=True)
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    use_table_extractor(monkeypatch, FICTIONAL)


def _fill(db: Database, tmp_path: Path, confirm: tuple[str, ...], keys: tuple[str, ...]) -> dict[str, int]:
    """Ingest fictional reports (``secret`` restricted) and confirm some; returns incident ids by key."""
    reports = tmp_path / "reports"
    reports.mkdir(exist_ok=True)
    for key in keys:
        (reports / f"{key}.txt").write_text(f"FICTIONAL report {key}; Person A-017.", encoding="utf-8")
    ingest_paths(db, [reports / f"{k}.txt" for k in keys if k != "secret"])
    if "secret" in keys:
        ingest_paths(db, [reports / "secret.txt"], restricted_to="partners")
    ids = {r["sources"][0]["document"]: r["id"] for r in incident_records(db, IncidentFilter())}
    for key in confirm:
        review.set_state(db, ids[key], "confirmed", actor="t")
    return ids


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


def test_export_is_the_public_form_in_uwazi_columns(cli_env: Settings, tmp_path: Path) -> None:
    db = open_database(cli_env)
    try:
        ids = _fill(db, tmp_path, ("tumen", "secret", "small"), ("tumen", "secret", "draft", "small"))
    finally:
        db.dispose()
    out = tmp_path / "incidents.csv"
    result = CliRunner().invoke(app, ["export", str(out), "--format", "uwazi-csv"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    # Uwazi refuses a file with both title and title__en; each suffixed column is the title in one language.
    assert "title" not in header and header[:2] == ["title__en", "title__ko"]
    assert "Person" not in text and "FICTIONAL" not in text
    rows = {int(r["refwatch_id"]): r for r in _rows(out)}
    assert sorted(rows) == sorted([ids["tumen"], ids["small"]])  # no restricted, no unconfirmed
    tumen = rows[ids["tumen"]]
    assert tumen["title__en"] == "Forced repatriation of 40 people, Tumen, 2030-10"
    assert tumen["title__ko"] == "2030-10 투먼 40명 강제송환"
    assert tumen["event_types"] == "arrest|repatriation"
    assert (tumen["date_start"], tumen["date_end"]) == ("2030-10-01", "2030-10-31")
    assert (tumen["people"], tumen["places"], tumen["country"]) == ("40", "Tumen, Jilin, CN", "CN")
    assert tumen["location_geolocation"] == "42.97|129.84"  # lat|lon, town centre
    assert "RC1951" in tumen["instruments"].split("|")
    small = rows[ids["small"]]  # two people in Shenyang that month: place and point withheld, count hidden
    assert (small["places"], small["location_geolocation"], small["people"]) == ("", "", "")
    assert small["people_text"] == "fewer than 5" and small["country"] == "CN"
    assert small["title__en"] == "Arrest of fewer than 5 people, 2030-05"


def _source_db(tmp_path: Path, sqlite_template: Path, key_file: Path) -> Database:
    home = tmp_path / "source-home"
    shutil.copytree(sqlite_template, home)
    return open_database(load_settings(home=home, key_file=key_file))


def _shape(db: Database) -> list[tuple[object, ...]]:
    """What must survive the round trip: dates, counts, event types and places of each incident."""
    shape = []
    for r in incident_records(db, IncidentFilter()):
        places = sorted((loc["country"], loc["admin1"], loc["place"]) for loc in r["locations"])
        v = r["victims"]
        shape.append(
            (r["date"]["start"], r["date"]["end"], v["count"], tuple(r["event_types"]), tuple(places))
        )
    return sorted(shape)


def test_round_trip_into_a_fresh_database(
    db: Database, tmp_path: Path, sqlite_template: Path, key_file: Path
) -> None:
    source = _source_db(tmp_path, sqlite_template, key_file)
    try:
        _fill(source, tmp_path, ("tumen", "yanji"), ("tumen", "yanji"))
        out = tmp_path / "exchange.csv"
        policy = RedactionPolicy(date_precision="day")
        assert export_uwazi_csv(source, out, policy=policy, min_cell=1) == 2
        expected = _shape(source)
    finally:
        source.dispose()
    result = import_uwazi_csv(db, out, actor="t", max_file_bytes=1_000_000)
    assert (result.rows, len(result.stored), result.incidents) == (2, 2, 2)
    assert _shape(db) == expected
    records = incident_records(db, IncidentFilter())
    assert {r["review_state"] for r in records} == {"candidate"}
    for r in records:  # one source each: the row, whose text is the evidence of every claim
        (source_view,) = r["sources"]
        assert source_view["extractor"] == "uwazi-csv"
        assert source_view["document"].startswith("uwazi-exchange-")
        (evidence,) = source_view["evidence"]
        assert evidence["quote"].startswith("title__en: ") and "refwatch_id: " in evidence["quote"]
    again = import_uwazi_csv(db, out, actor="t", max_file_bytes=1_000_000)  # same bytes: nothing new
    assert (len(again.stored), len(again.unchanged)) == (0, 2)
    assert len(incident_records(db, IncidentFilter())) == 2


def test_imported_rows_link_with_known_incidents(db: Database, tmp_path: Path) -> None:
    _fill(db, tmp_path, (), ("tumen",))
    path = tmp_path / "partner.csv"
    path.write_text(
        "Title,Event types,Date start,People,Places\nFictional return,repatriation,2030-10-09,40,Tumen\n",
        encoding="utf-8",
    )
    import_uwazi_csv(db, path, actor="t", max_file_bytes=1_000_000)
    (record,) = incident_records(db, IncidentFilter())
    assert sorted(s["document"] for s in record["sources"]) == ["tumen", "uwazi-partner-2"]
    assert ("CN", "Jilin", "Tumen") in {(x["country"], x["admin1"], x["place"]) for x in record["locations"]}


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("B,arrest,2030-13-40,5", "column 3 (date_start)"),
        ("B,kidnap,2030-10-01,5", "column 2 (event_types)"),
        ("B,arrest,2030-10-01,many", "column 4 (people)"),
    ],
)
def test_a_bad_row_stores_nothing_and_names_file_row_and_column(
    db: Database, tmp_path: Path, row: str, column: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(f"title,event_types,date_start,people\nA,arrest,2030-10-01,5\n{row}\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        import_uwazi_csv(db, path, actor="t", max_file_bytes=1_000_000)
    assert f"{path}, row 3, {column}" in str(caught.value)
    assert "many" not in str(caught.value) and "kidnap" not in str(caught.value)  # never a cell's content
    assert incident_records(db, IncidentFilter()) == []


def test_cli_import(cli_env: Settings, tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("title__en,title__ko,date_start,people\nA,가,2030-10,9\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["incidents", "import", str(path), "--format", "uwazi-csv"])
    assert result.exit_code == 0, result.output
    assert "1 rows: 1 stored" in result.output
    db = open_database(cli_env)
    try:
        (record,) = incident_records(db, IncidentFilter())
    finally:
        db.dispose()
    assert record["date"] == {"start": "2030-10-01", "end": "2030-10-31", "precision": "month", "text": None}
