"""A sealed document's title, file name and URL are sealed with its text.

With ``REFWATCH_SEAL_DOCUMENT_TEXT`` the text and its quotes were sealed, but the
title, file name and URL stayed plaintext, and each can name the person a report
is about. Now they are one sealed value (``storage.document_names``) that every
reader opens, and search finds a sealed document by a word of its title. The
report is fictional ("Person A-017" is a pseudonym; events in 2031). Each test
failed before: the names were stored, and read back, as plaintext.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from refwatch.cli.app import app
from refwatch.config import Settings, load_settings
from refwatch.domain.vocabulary import INTERVENTION_KINDS
from refwatch.errors import InvalidInput
from refwatch.ingest.metadata import load_metadata
from refwatch.security.crypto import DecryptionFailed
from refwatch.services import accounts, browse, documents, interventions, review
from refwatch.services.export import incident_export_body, tallies_export_body
from refwatch.services.ingest import ingest_paths
from refwatch.services.keys import rotate_data_key
from refwatch.services.linking import relink
from refwatch.services.setup import init_database, open_database
from refwatch.services.uwazi import import_uwazi_csv
from refwatch.storage import sealing
from refwatch.storage.database import Database
from refwatch.storage.incidents import IncidentFilter, to_record
from refwatch.storage.tables import Document, Incident, IncidentSource, Intervention
from refwatch.storage.tallies import TallyFilter
from refwatch.web.app import create_app

SECRET = "Person A-017"
SECRET_FILE = "person-a-017"  # the file name and the URL spell it this way
TITLE = f"Testimony of {SECRET}"
URL = f"https://example.org/2031/03/20/{SECRET_FILE}.html"
OPEN_NAME = (
    "Person B-042"  # in the title of a report stored unsealed: the control that the scans see plaintext
)
REPORT = (
    "FICTIONAL REPORT. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors "
    "in Shenyang on March 3, 2031, a rights group said. Since 2030, at least 600 North Koreans "
    "have been repatriated, according to the group. They face forced repatriation."
)
PLAIN = (
    "FICTIONAL REPORT. Seoul, May 2, 2031 - Chinese police arrested 5 North Korean women in Yanji "
    "on April 28, 2031, a church group said."
)


def ingest(db: Database, tmp_path: Path, *, seal: bool = True, control: bool = True) -> None:
    """The sealed report (key ``doc-017``, its names carrying the pseudonym) and an unsealed control."""
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    (folder / f"{SECRET_FILE}.txt").write_text(REPORT, encoding="utf-8")
    (folder / "control.txt").write_text(PLAIN, encoding="utf-8")
    table = folder / "metadata.tsv"
    table.write_text(
        "id\tpath\ttitle\turl\n"
        f"doc-017\t{SECRET_FILE}.txt\t{TITLE}\t{URL}\n"
        f"control\tcontrol.txt\tNotes on {OPEN_NAME}\thttps://example.org/control.html\n",
        encoding="utf-8",
    )
    meta = load_metadata(table)
    report = ingest_paths(db, [folder / f"{SECRET_FILE}.txt"], metadata=meta, seal_text=seal)
    assert [r.outcome for r in report.results] == ["stored"], report.results
    if control:
        report = ingest_paths(db, [folder / "control.txt"], metadata=meta, seal_text=False)
        assert [r.outcome for r in report.results] == ["stored"], report.results


def raw_text(db: Database) -> str:
    """Every value of every table (FTS and other shadow tables too), read with plain SQL, as text."""
    pieces: list[str] = []
    with db.session() as session:
        conn = session.connection()
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608 (names from the catalog)
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        pieces.append(bytes(value).decode("latin-1"))
                    elif isinstance(value, dict | list):
                        pieces.append(json.dumps(value, ensure_ascii=False))
                    elif value is not None:
                        pieces.append(str(value))
    return "\n".join(pieces)


def assert_hidden(raw: str) -> None:
    assert SECRET not in raw and SECRET_FILE not in raw and TITLE not in raw and URL not in raw
    assert SECRET.encode("utf-16-le").decode("latin-1") not in raw


def test_no_name_of_a_sealed_document_is_readable_in_the_database(db: Database, tmp_path: Path) -> None:
    ingest(db, tmp_path)
    raw = raw_text(db)
    assert OPEN_NAME in raw and "control.txt" in raw  # the control: an unsealed document's names are plain
    assert_hidden(raw)
    with db.session() as session:
        row = session.execute(select(*Document.__table__.c).where(Document.key == "doc-017")).one()
    assert (row.title, row.filename, row.url) == (None, "", None)
    assert row.sealed_meta is not None and sealing.key_id_of(row.sealed_meta) >= 1


@pytest.fixture
def plain_sqlite(tmp_path: Path, key_file: Path) -> Iterator[Settings]:
    """A SQLite database without SQLCipher: its file's bytes (and WAL) can be read as a thief would."""
    settings = load_settings(
        home=tmp_path / "plain", key_file=key_file, sqlite_encryption=False, seal_document_text=True
    )
    database, _ = init_database(settings)
    database.dispose()
    yield settings


def test_no_name_is_in_the_sqlite_file(plain_sqlite: Settings, tmp_path: Path) -> None:
    db = open_database(plain_sqlite)
    try:
        ingest(db, tmp_path)
    finally:
        db.dispose()
    raw = b"".join(p.read_bytes() for p in sorted(plain_sqlite.home.glob("refwatch.db*")))
    assert OPEN_NAME.encode() in raw
    assert SECRET.encode() not in raw and SECRET_FILE.encode() not in raw


def test_a_postgres_dump_holds_no_name(settings: Settings, tmp_path: Path) -> None:
    if not settings.database_url or shutil.which("pg_dump") is None:
        pytest.skip("a PostgreSQL database and pg_dump are needed")
    db = open_database(settings)
    try:
        ingest(db, tmp_path)
    finally:
        db.dispose()
    url = make_url(settings.database_url).set(drivername="postgresql")
    dump = subprocess.run(
        ["pg_dump", "--data-only", url.render_as_string(hide_password=False)],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert OPEN_NAME in dump
    assert SECRET not in dump and SECRET_FILE not in dump


def test_readers_show_the_sealed_names(db: Database, tmp_path: Path) -> None:
    ingest(db, tmp_path)
    assert_hidden(raw_text(db))  # stored sealed, and every reader below opens them
    detail = documents.show_document(db, "doc-017", visible_groups=None)
    summary = detail.summary
    assert (summary.title, summary.filename, summary.url) == (TITLE, f"{SECRET_FILE}.txt", URL)
    assert detail.text == REPORT
    listed = {d["key"]: d for d in browse.document_page(db, visible_groups=None).items}
    assert listed["doc-017"]["title"] == TITLE and listed["doc-017"]["url"] == URL
    assert listed["control"]["title"] == f"Notes on {OPEN_NAME}"
    (incident_id,) = [
        r["id"] for r in browse.incident_page(db, IncidentFilter()).items if r["sources"][0]["url"] == URL
    ]
    record = browse.incident_detail(db, incident_id, visible_groups=None)
    assert [(s["title"], s["url"]) for s in record["sources"]] == [(TITLE, URL)]
    body, _ = incident_export_body(db, fmt="jsonl", filters=IncidentFilter())
    assert URL in body
    tallies, _ = tallies_export_body(db, fmt="jsonl", public=None, filters=TallyFilter())
    assert URL in tallies
    summary, _ = documents.original_bytes(db, "doc-017", visible_groups=None)
    assert summary.filename == f"{SECRET_FILE}.txt"


@pytest.mark.parametrize("query", ["Testimony", "A-017", "testimony of person"])
def test_an_authorised_search_finds_a_sealed_document_by_its_title(
    db: Database, tmp_path: Path, query: str
) -> None:
    ingest(db, tmp_path)
    assert_hidden(raw_text(db))  # so the database's own title match cannot find it
    found = browse.document_page(db, query=query, visible_groups=None)
    assert [d["key"] for d in found.items] == ["doc-017"]
    assert found.items[0]["title"] == TITLE
    assert browse.document_page(db, query="Notes on", visible_groups=None).items[0]["key"] == "control"


def test_a_restricted_sealed_document_is_not_found_by_its_title(db: Database, tmp_path: Path) -> None:
    ingest(db, tmp_path, control=False)
    with db.transaction() as session:
        session.scalars(select(Document)).one().restricted_to = "team-a"
    assert_hidden(raw_text(db))
    assert browse.document_page(db, query="Testimony", visible_groups=("team-b",)).items == []
    members = browse.document_page(db, query="Testimony", visible_groups=("team-a",))
    assert [d["key"] for d in members.items] == ["doc-017"]


def test_the_api_and_the_pages_show_the_sealed_names(settings: Settings, tmp_path: Path) -> None:
    db = open_database(settings)
    try:
        ingest(db, tmp_path)
        assert_hidden(raw_text(db))  # stored sealed, and the API and the pages open them
        accounts.add_user(db, "vi", "fictional-password-1", "viewer")
        token = accounts.issue_token(db, "vi", "read")[1]
    finally:
        db.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings), follow_redirects=False) as client:
        one = client.get("/api/v1/documents/by-key/doc-017", headers=headers)
        assert one.status_code == 200 and one.json()["title"] == TITLE and one.json()["url"] == URL
        listed = client.get("/api/v1/documents", headers=headers)
        assert TITLE in listed.text
        found = client.get("/api/v1/documents", params={"q": "Testimony"}, headers=headers).json()
        assert [d["key"] for d in found["items"]] == ["doc-017"]
        original = client.get("/api/v1/documents/by-key/doc-017/original", headers=headers)
        assert original.status_code == 200 and SECRET_FILE in original.headers["content-disposition"]
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert csrf is not None
        form = {"username": "vi", "password": "fictional-password-1", "csrf": csrf.group(1)}
        assert client.post("/login", data=form).status_code == 303
        assert TITLE in client.get("/documents").text
        page = client.get("/documents/by-key/doc-017")
        assert page.status_code == 200 and TITLE in page.text and URL in page.text


def test_key_rotation_reseals_the_names_and_seals_older_plaintext_ones(db: Database, tmp_path: Path) -> None:
    ingest(db, tmp_path, control=False)
    with db.session() as session:
        before = sealing.key_id_of(session.scalars(select(Document._sealed_meta)).one() or b"")
    report = rotate_data_key(db, actor="tester")
    assert before in report.retired
    with db.session() as session:
        raw = session.scalars(select(Document._sealed_meta)).one()
        assert raw is not None and sealing.key_id_of(raw) == report.key_id
    with db.transaction() as session:  # as stored before migration 0022: plaintext beside a sealed text
        doc = session.scalars(select(Document)).one()
        doc.title, doc.filename, doc.url, doc._sealed_meta = TITLE, f"{SECRET_FILE}.txt", URL, None
    assert SECRET in raw_text(db)
    rotate_data_key(db, actor="tester")
    assert_hidden(raw_text(db))
    summary = documents.show_document(db, "doc-017", visible_groups=None).summary
    assert (summary.title, summary.filename, summary.url) == (TITLE, f"{SECRET_FILE}.txt", URL)
    assert [d["key"] for d in browse.document_page(db, query="Testimony", visible_groups=None).items] == [
        "doc-017"
    ]


def test_sealed_names_copied_to_another_document_do_not_open(db: Database, tmp_path: Path) -> None:
    ingest(db, tmp_path)
    with db.transaction() as session:
        sealed = session.scalars(select(Document).where(Document.key == "doc-017")).one()
        other = session.scalars(select(Document).where(Document.key == "control")).one()
        other._sealed_meta = sealed._sealed_meta
    with pytest.raises(DecryptionFailed):
        documents.show_document(db, "control", visible_groups=None)


# Staff text about a case: an intervention's answer and outcome (always sealed, as its notes are), and
# what a reviewer may set by hand (validated values only).

ANSWER = f"The ministry says {SECRET} was moved to a detention centre in Tumen."
OUTCOME = f"{SECRET} was not returned; the family was told."


def _incident_id(db: Database) -> int:
    ids = [r["id"] for r in browse.incident_page(db, IncidentFilter()).items if r["sources"][0]["url"] == URL]
    assert len(ids) == 1
    return ids[0]


def _answered(db: Database, incident_id: int) -> int:
    record = interventions.add_intervention(
        db,
        incident_id,
        kind=INTERVENTION_KINDS[0],
        addressee="Fictional Ministry",
        actor="tester",
        visible_groups=None,
        sent_on="2031-03-25",
    )
    interventions.update_intervention(
        db,
        record.id,
        actor="tester",
        visible_groups=None,
        response=ANSWER,
        outcome=OUTCOME,
        status="answered",
    )
    return record.id


def test_an_intervention_answer_and_outcome_are_sealed_and_opened(db: Database, tmp_path: Path) -> None:
    ingest(db, tmp_path)
    incident_id = _incident_id(db)
    with pytest.raises(InvalidInput):  # an override holds checked values only: no name can be typed in
        review.edit_field(db, incident_id, "status", SECRET, actor="tester", reason="fictional check")
    review.edit_field(db, incident_id, "count", "13", actor="tester", reason="fictional check")
    intervention_id = _answered(db, incident_id)
    raw = raw_text(db)
    assert_hidden(raw)
    assert "detention centre" not in raw and "family was told" not in raw
    with db.session() as session:
        row = session.scalars(select(Intervention)).one()
        assert row._plain_answer is None and row._plain_outcome is None
        assert row._sealed_answer is not None and row._sealed_outcome is not None
        assert session.get_one(Incident, incident_id).overrides == {"count": 13}
    (shown,) = interventions.incident_interventions(db, incident_id, visible_groups=None)
    assert (shown.id, shown.response, shown.outcome) == (intervention_id, ANSWER, OUTCOME)
    (listed,) = interventions.list_interventions(db, visible_groups=None)
    assert listed.response == ANSWER


def test_key_rotation_seals_intervention_answers_stored_in_plaintext(db: Database, tmp_path: Path) -> None:
    ingest(db, tmp_path, control=False)
    _answered(db, _incident_id(db))
    with db.transaction() as session:  # as stored before migration 0022
        row = session.scalars(select(Intervention)).one()
        row._plain_answer, row._plain_outcome = row.answer, row.outcome
        row._sealed_answer = row._sealed_outcome = None
    assert ANSWER in raw_text(db)
    assert interventions.list_interventions(db, visible_groups=None)[0].response == ANSWER
    report = rotate_data_key(db, actor="tester")
    assert ANSWER not in raw_text(db) and OUTCOME not in raw_text(db)
    with db.session() as session:
        raw = session.scalars(select(Intervention._sealed_answer)).one()
        assert raw is not None and sealing.key_id_of(raw) == report.key_id
    (shown,) = interventions.list_interventions(db, visible_groups=None)
    assert (shown.response, shown.outcome) == (ANSWER, OUTCOME)


SAME_EVENT = (
    "FICTIONAL NOTE. Seoul, March 22, 2031 - Twelve North Korean defectors were arrested by Chinese "
    "police in Shenyang on March 3, 2031, activists said."
)


def _linked_pair(db: Database, tmp_path: Path) -> int:
    """The sealed report and a sealed note about the same event, linked into one incident."""
    ingest(db, tmp_path, control=False)
    (tmp_path / "note.txt").write_text(SAME_EVENT, encoding="utf-8")
    report = ingest_paths(db, [tmp_path / "note.txt"], seal_text=True)
    assert [r.outcome for r in report.results] == ["stored"]
    return _incident_id(db)


def _stored_reasons(db: Database) -> list[tuple[str | None, bytes | None]]:
    with db.session() as session:
        rows = session.execute(
            select(IncidentSource.link_reason, IncidentSource._sealed_link_reason).order_by(IncidentSource.id)
        )
        return [(plain, None if raw is None else bytes(raw)) for plain, raw in rows]


def test_the_link_reason_of_a_sealed_report_is_sealed(db: Database, tmp_path: Path) -> None:
    """It names the gazetteer place both reports state, and a place can identify a small village."""
    incident_id = _linked_pair(db, tmp_path)
    stored = _stored_reasons(db)
    assert stored and all(plain is None and raw is not None for plain, raw in stored)
    assert "(Shenyang)" not in raw_text(db)
    record = browse.incident_detail(db, incident_id, visible_groups=None)
    reasons = [s["link_reason"] for s in record["sources"]]
    assert len(reasons) == 2 and all("place same city or county (Shenyang)" in r for r in reasons)
    with db.session() as session:  # the ORM form reads them too
        assert to_record(session.get_one(Incident, incident_id))["sources"][0]["link_reason"] == reasons[0]
    with db.transaction() as session:  # a relink that finds the same reasons writes none of them again
        relink(session, threshold=None, window_days=45)
    assert _stored_reasons(db) == stored
    with db.transaction() as session:  # as stored before migration 0022: plaintext beside a sealed report
        for source in session.scalars(select(IncidentSource)):
            source.link_reason, source._sealed_link_reason = reasons[0], None
    assert "(Shenyang)" in raw_text(db)
    rotate_data_key(db, actor="tester")
    assert all(plain is None and raw is not None for plain, raw in _stored_reasons(db))
    assert "(Shenyang)" not in raw_text(db)
    record = browse.incident_detail(db, incident_id, visible_groups=None)
    assert [s["link_reason"] for s in record["sources"]] == [reasons[0]] * 2


def test_an_uwazi_row_imported_sealed_keeps_its_title_sealed(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "partner.csv"
    path.write_text(f"title,event_types,date_start,people\n{TITLE},arrest,2031-03-03,5\n", encoding="utf-8")
    result = import_uwazi_csv(db, path, actor="tester", max_file_bytes=1_000_000, seal_text=True)
    assert len(result.stored) == 1
    assert_hidden(raw_text(db))
    ((_, key),) = result.stored
    assert documents.show_document(db, key, visible_groups=None, by_key=True).summary.title == TITLE
    assert browse.incident_detail(db, _only_incident(db), visible_groups=None)["sources"][0]["title"] == TITLE


def _only_incident(db: Database) -> int:
    (incident_id,) = [r["id"] for r in browse.incident_page(db, IncidentFilter()).items]
    return int(incident_id)


def test_the_cli_lists_and_shows_the_sealed_names(cli_env: Settings, tmp_path: Path) -> None:
    db = open_database(cli_env)
    try:
        ingest(db, tmp_path, control=False)
        assert_hidden(raw_text(db))
    finally:
        db.dispose()
    runner = CliRunner()
    shown = runner.invoke(app, ["documents", "show", "doc-017", "--format", "json"])
    assert shown.exit_code == 0, shown.stderr
    summary = json.loads(shown.stdout)
    assert (summary["title"], summary["filename"], summary["url"]) == (TITLE, f"{SECRET_FILE}.txt", URL)
    listed = runner.invoke(app, ["documents", "list"], env={"COLUMNS": "300"})
    assert listed.exit_code == 0 and TITLE in listed.stdout
