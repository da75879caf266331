"""The public data package validates and holds nothing it must not (#17 point 6).

Fictional incidents (invented events in 2030): one open and confirmed, one
restricted, one unconfirmed, one too small for its place and month.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

import pytest
from frictionless import validate
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make, use_table_extractor  # noqa: E402

from refwatch.cli.app import app  # noqa: E402
from refwatch.config import Settings  # noqa: E402
from refwatch.services import review  # noqa: E402
from refwatch.services.export import incident_records  # noqa: E402
from refwatch.services.ingest import ingest_paths  # noqa: E402
from refwatch.services.setup import open_database  # noqa: E402
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
}


@pytest.fixture(autouse=True)
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    use_table_extractor(monkeypatch, FICTIONAL)


def test_the_package_validates_and_leaves_out_what_it_must(cli_env: Settings, tmp_path: Path) -> None:
    db = open_database(cli_env)
    try:
        for key in FICTIONAL:
            (tmp_path / f"{key}.txt").write_text(f"FICTIONAL report {key}; Person A-017.", encoding="utf-8")
        ingest_paths(db, [tmp_path / f"{k}.txt" for k in ("tumen", "draft", "small")])
        ingest_paths(db, [tmp_path / "secret.txt"], restricted_to="partners")
        ids = {r["sources"][0]["document"]: r["id"] for r in incident_records(db, IncidentFilter())}
        for key in ("tumen", "secret", "small"):
            review.set_state(db, ids[key], "confirmed", actor="t")
    finally:
        db.dispose()
    out = tmp_path / "package"
    result = CliRunner().invoke(app, ["export", str(out), "--format", "datapackage"])
    assert result.exit_code == 0, result.output
    report = validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = list(csv.DictReader((out / "incidents.csv").read_text(encoding="utf-8").splitlines()))
    assert sorted(int(r["id"]) for r in rows) == sorted(
        [ids["tumen"], ids["small"]]
    )  # no restricted, no draft
    by_id = {int(r["id"]): r for r in rows}
    assert by_id[ids["tumen"]]["places"] == "Tumen, Jilin, CN" and by_id[ids["tumen"]]["people"] == "40"
    assert "RC1951" in by_id[ids["tumen"]]["instruments"]
    small = by_id[ids["small"]]
    assert (small["places"], small["people"], small["people_text"], small["country"]) == (
        "",
        "",
        "fewer than 5",
        "CN",
    )
    everything = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    assert "Person A-017" not in everything and "FICTIONAL" not in everything  # no text, no persons
    assert "Dandong" not in everything and "Shenyang" not in everything  # restricted; small cell
    geo = json.loads((out / "incidents.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["incident"] for f in geo["features"]} == {ids["tumen"]}
    for line in (out / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    again = CliRunner().invoke(app, ["export", str(out), "--format", "datapackage"])
    assert again.exit_code == 1 and "not an empty folder" in again.output  # never overwrites
