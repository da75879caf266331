"""Tallies end to end on SQLite and PostgreSQL: stored at ingest, listed, exported, restricted.

Fictional reports only (invented figures and years): the real rule extractor
runs on them, so the tally a report states is stored beside its incidents and
never as one. A tally is exactly as visible as its document, on every read path
(the service list, the CLI, the full and public exports and the data package).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from refwatch.cli.app import app
from refwatch.config import Settings
from refwatch.report.redaction import RedactionPolicy
from refwatch.services import documents as documents_service
from refwatch.services.export import export_datapackage, export_tallies, tallies_path
from refwatch.services.ingest import ingest_paths
from refwatch.services.tallies import list_tallies
from refwatch.storage.database import Database
from refwatch.storage.incidents import IncidentFilter, load_incidents
from refwatch.storage.tables import Tally

REPORT = (
    "Fictional report. Police detained 12 North Korean refugees in Tumen on 3 May 2030.\n\n"
    "Since 2027 at least 420 North Koreans have been sent back, the fictional monitor said."
)
OTHER = "Fictional report two. Since 2026 more than 880 North Koreans have been sent back, a monitor said."


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_ingest_stores_the_tally_beside_the_incident_and_reingest_changes_nothing(
    db: Database, tmp_path: Path
) -> None:
    path = write(tmp_path, "fic-a.txt", REPORT)
    report = ingest_paths(db, [path])
    assert report.count("stored") == 1
    (tally,) = list_tallies(db)
    assert (tally["document"], tally["kind"], tally["figure"]["count"]) == ("fic-a", "returned", 420)
    assert tally["period"]["start"] == "2027-01-01" and tally["restricted_to"] is None
    quote = tally["evidence"][0]
    assert REPORT[quote["start"] : quote["end"]] == quote["quote"]
    with db.session() as session:
        counts = [r.count for r in load_incidents(session, IncidentFilter())]
    assert counts == [12]  # the running total is not an incident
    again = ingest_paths(db, [path])
    assert again.count("unchanged") == 1
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Tally)) == 1


def test_a_tally_is_exactly_as_visible_as_its_document(db: Database, tmp_path: Path) -> None:
    ingest_paths(db, [write(tmp_path, "fic-open.txt", OTHER)])
    ingest_paths(db, [write(tmp_path, "fic-north.txt", REPORT)], restricted_to="north")
    everything = {t["document"] for t in list_tallies(db)}
    assert everything == {"fic-open", "fic-north"}
    assert {t["document"] for t in list_tallies(db, visible_groups=())} == {"fic-open"}
    assert {t["document"] for t in list_tallies(db, visible_groups=("south",))} == {"fic-open"}
    assert {t["document"] for t in list_tallies(db, visible_groups=("north",))} == everything
    # Restricting or opening the document moves its tallies at once: nothing to derive again.
    documents_service.restrict_document(db, "fic-north", None, actor="t", reason="fictional")
    assert {t["document"] for t in list_tallies(db, visible_groups=())} == everything
    documents_service.restrict_document(db, "fic-open", "south", actor="t", reason="fictional")
    assert {t["document"] for t in list_tallies(db, visible_groups=("north",))} == {"fic-north"}


def test_unknown_kind_is_refused(db: Database) -> None:
    from refwatch.errors import InvalidInput

    with pytest.raises(InvalidInput, match="tally kind"):
        list_tallies(db, kinds=["counted"])


def test_exports_write_tallies_beside_and_public_ones_only_when_asked(db: Database, tmp_path: Path) -> None:
    ingest_paths(db, [write(tmp_path, "fic-open.txt", OTHER)])
    ingest_paths(db, [write(tmp_path, "fic-north.txt", REPORT)], restricted_to="north")
    out = tmp_path / "export.jsonl"
    written = export_tallies(db, out, fmt="jsonl")
    assert written == (tallies_path(out), 2)
    rows = [json.loads(line) for line in tallies_path(out).read_text(encoding="utf-8").splitlines()]
    assert {r["figure"]["count"] for r in rows} == {420, 880}
    csv_out = tmp_path / "export.csv"
    export_tallies(db, csv_out, fmt="csv")
    table = list(csv.DictReader(tallies_path(csv_out).read_text(encoding="utf-8").splitlines()))
    assert {r["count"] for r in table} == {"420", "880"}
    assert export_tallies(db, tmp_path / "x.geojson", fmt="geojson") is None
    # Public: never unreviewed records by default; with them, open documents only, no quotes.
    public = tmp_path / "public.jsonl"
    assert export_tallies(db, public, fmt="jsonl", public=RedactionPolicy()) is None
    assert not tallies_path(public).exists()
    written = export_tallies(db, public, fmt="jsonl", public=RedactionPolicy(confirmed_only=False))
    assert written is not None and written[1] == 1
    (row,) = [json.loads(line) for line in tallies_path(public).read_text(encoding="utf-8").splitlines()]
    assert row["figure"] == {"count": 880, "text": "at least 880"}
    assert "evidence" not in row and "quote" not in json.dumps(row) and "document" not in row


def test_the_data_package_has_a_tallies_resource_of_open_documents(db: Database, tmp_path: Path) -> None:
    ingest_paths(db, [write(tmp_path, "fic-open.txt", OTHER)])
    ingest_paths(db, [write(tmp_path, "fic-north.txt", REPORT)], restricted_to="north")
    policy = RedactionPolicy(confirmed_only=True)
    plain = export_datapackage(db, tmp_path / "pkg", policy=policy)
    assert plain.tallies == 0 and "tallies.csv" in plain.files
    package = json.loads((tmp_path / "pkg" / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "tallies")
    assert [f["name"] for f in resource["schema"]["fields"]][:4] == ["id", "kind", "people", "people_text"]
    with_tallies = export_datapackage(db, tmp_path / "pkg2", policy=policy, tallies=True)
    assert with_tallies.tallies == 1
    rows = list(csv.DictReader((tmp_path / "pkg2" / "tallies.csv").read_text(encoding="utf-8").splitlines()))
    assert [(r["kind"], r["people_text"]) for r in rows] == [("returned", "at least 880")]


def test_cli_lists_tallies_as_one_json_list(cli_env: Settings, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    path = write(tmp_path, "fic-a.txt", REPORT)
    assert runner.invoke(app, ["ingest", str(path)]).exit_code == 0
    result = runner.invoke(app, ["tallies", "list", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    (tally,) = json.loads(result.stdout)
    assert set(tally) >= {"document", "kind", "figure", "period", "rate", "place", "source_org", "evidence"}
    table = runner.invoke(app, ["tallies", "list", "--kind", "held"])
    assert table.exit_code == 0 and "0 tallies" in table.stdout
    out = tmp_path / "all.jsonl"
    exported = runner.invoke(app, ["export", str(out)])
    assert exported.exit_code == 0 and "1 tallies written" in exported.stdout
    assert tallies_path(out).exists()


def test_the_api_lists_only_the_tallies_of_documents_the_reader_may_see(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from refwatch.services import accounts
    from refwatch.web.app import create_app

    ingest_paths(db, [write(tmp_path, "fic-open.txt", OTHER)])
    ingest_paths(db, [write(tmp_path, "fic-north.txt", REPORT)], restricted_to="north")
    tokens = {}
    for name, groups in (("outsider", []), ("member", ["north"])):
        accounts.add_user(db, name, "fictional-password-1", "viewer")
        accounts.set_groups(db, name, groups)
        tokens[name] = accounts.issue_token(db, name, "read")[1]
    with TestClient(create_app(settings)) as client:

        def shown(name: str, query: str = "") -> set[str]:
            answer = client.get(
                f"/api/v1/tallies{query}", headers={"Authorization": f"Bearer {tokens[name]}"}
            )
            assert answer.status_code == 200
            return {t["document"] for t in answer.json()["items"]}

        assert shown("outsider") == {"fic-open"}
        assert shown("member") == {"fic-open", "fic-north"}
        assert shown("member", "?limit=1&offset=1") | shown("member", "?limit=1") == {"fic-open", "fic-north"}
        assert shown("member", "?kind=held") == set()
        bad = client.get(
            "/api/v1/tallies?kind=counted", headers={"Authorization": f"Bearer {tokens['member']}"}
        )
        assert bad.status_code == 422
        assert client.get("/api/v1/tallies").status_code == 401
