"""Exports in the browser (#19 "every command in the UI"): editors download the incidents they may see,
full or public, and each download is audited.

Reports are fictional.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from test_pages import client, csrf, log_in, upload  # noqa: F401 (the client fixture)

from refwatch.config import Settings
from refwatch.report.redaction import RedactionPolicy
from refwatch.services import persons
from refwatch.services.export import export_tallies, tallies_path
from refwatch.services.ingest import ingest_paths
from refwatch.services.setup import open_database
from refwatch.storage.tables import AuditEvent


def export_entries(settings: Settings) -> list[dict[str, object]]:
    db = open_database(settings)
    try:
        with db.session() as session:
            events = session.scalars(select(AuditEvent).where(AuditEvent.action == "incidents.export"))
            return [dict(e.detail) | {"actor": e.actor, "origin": e.origin} for e in events]
    finally:
        db.dispose()


def test_an_editor_downloads_full_and_public_forms_each_audited(
    client: TestClient,  # noqa: F811
    settings: Settings,
) -> None:
    log_in(client)
    upload(client)
    assert 'href="/exports/incidents?format=csv"' in client.get("/exports").text
    full = client.get("/exports/incidents?format=csv")
    assert full.status_code == 200 and full.headers["content-type"].startswith("text/csv")
    assert 'filename="incidents.csv"' in full.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(full.text.lstrip("\ufeff"))))
    assert len(rows) >= 2
    assert client.get("/exports/incidents?format=geojson").json()["type"] == "FeatureCollection"
    public = client.get("/exports/incidents?format=jsonl&public=true")
    assert public.status_code == 200 and public.text == ""  # nothing confirmed yet: nothing published
    assert client.get("/exports/incidents?format=geojson&public=true").status_code == 422
    entries = export_entries(settings)
    assert [(e["format"], e["public"], e["actor"], e["origin"]) for e in entries] == [
        ("csv", False, "ed", "web"),
        ("geojson", False, "ed", "web"),
        ("jsonl", True, "ed", "web"),
    ]
    assert entries[0]["incidents"] == len(rows)


def test_a_viewer_may_not_export(client: TestClient) -> None:  # noqa: F811
    log_in(client, "vi")
    assert client.get("/exports/incidents?format=csv").status_code == 403
    assert 'href="/exports"' not in client.get("/").text


TALLY_REPORT = (
    "Fictional report. Police detained 12 North Korean refugees in Tumen on 3 May 2030.\n\n"
    "Since 2027 at least 420 North Koreans have been sent back, the fictional monitor said."
)
OTHER_TALLY = (
    "Fictional report two. Since 2026 more than 880 North Koreans have been sent back, a monitor said."
)
PEOPLE_CSV = "pseudonym,name_hangul,name_romanised\nPerson A-017,김가상,Kim Gasang\n"


def audit_of(settings: Settings, action: str) -> list[dict[str, object]]:
    db = open_database(settings)
    try:
        with db.session() as session:
            events = session.scalars(select(AuditEvent).where(AuditEvent.action == action))
            return [dict(e.detail or {}) | {"actor": e.actor} for e in events]
    finally:
        db.dispose()


def test_tallies_download_as_the_cli_writes_them_each_audited(
    client: TestClient,  # noqa: F811
    settings: Settings,
    tmp_path: Path,
) -> None:
    db = open_database(settings)
    try:
        (tmp_path / "fic-open.txt").write_text(OTHER_TALLY, encoding="utf-8")
        (tmp_path / "fic-north.txt").write_text(TALLY_REPORT, encoding="utf-8")
        ingest_paths(db, [tmp_path / "fic-open.txt"])
        ingest_paths(db, [tmp_path / "fic-north.txt"], restricted_to="north")
        cli_file = tmp_path / "cli.csv"
        export_tallies(db, cli_file, fmt="csv")  # the CLI's file (a reader who sees everything)
        cli_public = tmp_path / "cli-public.csv"
        export_tallies(db, cli_public, fmt="csv", public=RedactionPolicy(confirmed_only=False))
    finally:
        db.dispose()
    log_in(client)
    assert 'href="/exports/tallies?format=csv"' in client.get("/exports").text
    full = client.get("/exports/tallies?format=csv")
    assert full.status_code == 200 and 'filename="tallies.csv"' in full.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(full.text)))
    assert [r["count"] for r in rows] == ["880"]  # the editor is in no group: the restricted one stays out
    cli_rows = list(csv.DictReader(io.StringIO(tallies_path(cli_file).read_text(encoding="utf-8"))))
    assert {r["count"] for r in cli_rows} == {"420", "880"} and rows[0] in cli_rows  # the same columns
    public = client.get("/exports/tallies?format=csv&public=true")
    assert public.text == tallies_path(cli_public).read_bytes().decode("utf-8")
    assert "monitor said" not in public.text and "fic-open" not in public.text  # no quote, no document
    lines = client.get("/exports/tallies?format=jsonl").text.splitlines()
    assert [json.loads(line)["figure"]["count"] for line in lines] == [880]
    assert client.get("/exports/tallies?format=geojson").status_code == 422
    assert [(e["format"], e["public"], e["tallies"]) for e in audit_of(settings, "tallies.export")] == [
        ("csv", False, 1),
        ("csv", True, 1),
        ("jsonl", False, 1),
    ]


def test_persons_download_without_names_audited_and_viewers_refused(
    client: TestClient,  # noqa: F811
    settings: Settings,
    tmp_path: Path,
) -> None:
    db = open_database(settings)
    try:
        (tmp_path / "people.csv").write_text(PEOPLE_CSV, encoding="utf-8")
        persons.import_persons(db, tmp_path / "people.csv", actor="ed", origin="cli")
    finally:
        db.dispose()
    log_in(client)
    assert 'href="/exports/persons"' in client.get("/exports").text
    answer = client.get("/exports/persons")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    (row,) = list(csv.DictReader(io.StringIO(answer.text)))
    assert row["pseudonym"] == "Person A-017" and set(row) == set(persons.SUMMARY_COLUMNS)
    assert "김가상" not in answer.text and "Gasang" not in answer.text  # never a name in a download
    assert audit_of(settings, "person.export") == [{"rows": 1, "actor": "ed"}]
    clusters = client.get("/exports/person-clusters")
    assert clusters.status_code == 404  # no linkage run yet: said so, not an empty file
    client.post("/logout", data={"csrf": csrf(client, "/exports")})

    log_in(client, "vi")
    assert client.get("/exports/persons").status_code == 403
    assert client.get("/exports/person-clusters").status_code == 403
    assert len(audit_of(settings, "person.refused")) == 2  # refusals are written down, as for pages
    assert len(audit_of(settings, "person.export")) == 1


def test_person_clusters_download_is_the_clis_file_without_names_audited(
    client: TestClient,  # noqa: F811
    settings: Settings,
    tmp_path: Path,
) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
    from test_person_linkage import NAMES, ROWS, import_all

    from refwatch.services import person_linkage

    db = open_database(settings)
    try:
        import_all(db, tmp_path)
        person_linkage.link_persons(db, settings, actor="ana", origin="cli")
        cli_file = tmp_path / "clusters.csv"
        person_linkage.export_clusters(db, cli_file, actor="ana", origin="cli")
    finally:
        db.dispose()
    log_in(client)
    answer = client.get("/exports/person-clusters")
    assert (
        answer.status_code == 200
        and 'filename="person-clusters.csv"' in answer.headers["content-disposition"]
    )
    assert answer.content == cli_file.read_bytes()
    assert not [n for n in NAMES if n in answer.text]
    assert [e for e in audit_of(settings, "linkage.export") if e["actor"] == "ed"] == [
        {"rows": len(ROWS), "actor": "ed"}
    ]
