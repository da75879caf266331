"""Reference dates stored with documents at ingest, on SQLite and PostgreSQL (fictional reports)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select, update
from typer.testing import CliRunner

from refwatch.cli.app import app
from refwatch.config import Settings
from refwatch.ingest.metadata import load_metadata
from refwatch.services import browse
from refwatch.services import documents as docs_service
from refwatch.services.ingest import ingest_paths
from refwatch.services.setup import open_database
from refwatch.storage.database import Database
from refwatch.storage.tables import Document

MONTH_ONLY = "FICTIONAL. Police detained 12 North Korean refugees in Tumen last month, a group said."
NO_DATE = "FICTIONAL. Person A-017 was detained by police near a border town."


def _ingest(db: Database, folder: Path, *, extract: bool = True) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "m1.txt").write_text(MONTH_ONLY, encoding="utf-8")
    (folder / "n1.txt").write_text(NO_DATE, encoding="utf-8")
    (folder / "meta.tsv").write_text(
        "id\turl\tpublication_date\nm1\thttps://example.org/blog/2021/03/fictional-story.html\t\nn1\t\t\n",
        encoding="utf-8",
    )
    ingest_paths(
        db,
        [folder / "m1.txt", folder / "n1.txt"],
        metadata=load_metadata(folder / "meta.tsv"),
        extract=extract,
    )


def test_ingest_stores_the_reference_date_and_resolves_against_it(db: Database, tmp_path: Path) -> None:
    _ingest(db, tmp_path / "reports")
    with db.session() as session:
        row = session.scalars(select(Document).where(Document.key == "m1")).one()
        stored = (row.reference_start, row.reference_end, row.reference_precision, row.reference_source)
    assert stored == (dt.date(2021, 3, 1), dt.date(2021, 3, 31), "month", "url")
    detail = docs_service.show_document(db, "m1", visible_groups=None).to_dict()
    assert detail["reference_date"]["label"] == "2021-03"
    assert detail["reference_date"]["source"] == "url"
    # "last month" resolves against the month the address gives.
    (incident_id,) = docs_service.show_document(db, "m1", visible_groups=None).incident_ids
    record = browse.incident_detail(db, incident_id, visible_groups=None)
    assert (record["date"]["start"], record["date"]["end"]) == ("2021-02-01", "2021-02-28")
    none = docs_service.show_document(db, "n1", visible_groups=None).to_dict()
    assert none["reference_date"] is None


def test_a_document_stored_without_one_gets_it_when_shown(db: Database, tmp_path: Path) -> None:
    _ingest(db, tmp_path / "reports", extract=False)
    with db.transaction() as session:  # as if stored before migration 0013
        session.execute(update(Document).values(reference_start=None, reference_precision=None))
    listed = {d.key: d for d in docs_service.list_documents(db)}
    assert listed["m1"].reference_date is None
    shown = docs_service.show_document(db, "m1", visible_groups=None)
    assert shown.summary.reference_date is not None and shown.summary.reference_date.label() == "2021-03"


def test_documents_show_names_the_reference_and_its_source(cli_env: Settings, tmp_path: Path) -> None:
    (tmp_path / "r1.txt").write_text(
        "Fictional Ilbo\n입력 2021년 3월 4일 10시 02분\n" + NO_DATE, encoding="utf-8"
    )
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(tmp_path / "r1.txt"), "--no-extract"]).exit_code == 0
    shown = runner.invoke(app, ["documents", "show", "r1"])
    assert shown.exit_code == 0 and "2021-03-04 (stamp, high" in shown.stdout
    as_json = json.loads(runner.invoke(app, ["documents", "show", "r1", "--format", "json"]).stdout)
    assert as_json["reference_date"]["start"] == "2021-03-04"


def test_documents_show_prints_metadata_as_plain_text(cli_env: Settings, tmp_path: Path) -> None:
    (tmp_path / "r2.txt").write_text(NO_DATE, encoding="utf-8")
    (tmp_path / "meta.tsv").write_text(
        "id\ttitle\nr2\t[red]Fictional[/red] title [link=x]\n", encoding="utf-8"
    )
    runner = CliRunner()
    ingested = runner.invoke(
        app, ["ingest", str(tmp_path / "r2.txt"), "--metadata", str(tmp_path / "meta.tsv"), "--no-extract"]
    )
    assert ingested.exit_code == 0
    shown = runner.invoke(app, ["documents", "show", "r2"])
    assert shown.exit_code == 0 and "[red]Fictional[/red] title [link=x]" in shown.stdout


def test_reference_dates_command_stores_them_for_older_documents(cli_env: Settings, tmp_path: Path) -> None:
    (tmp_path / "r3.txt").write_text("가상일보\n입력 2021년 3월 4일 10시 02분\n" + NO_DATE, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(tmp_path / "r3.txt"), "--no-extract"]).exit_code == 0
    db = open_database(cli_env)
    try:
        with db.transaction() as session:  # as if stored before migration 0013
            session.execute(update(Document).values(reference_start=None, reference_precision=None))
        done = runner.invoke(app, ["documents", "reference-dates"])
        assert done.exit_code == 0 and "1 documents read, 1 reference dates stored" in done.stdout
        with db.session() as session:
            row = session.scalars(select(Document)).one()
            assert (row.reference_start, row.reference_source) == (dt.date(2021, 3, 4), "stamp")
        again = runner.invoke(app, ["documents", "reference-dates", "--all"])
        assert again.exit_code == 0 and "1 documents read, 0 reference dates stored" in again.stdout
    finally:
        db.dispose()
