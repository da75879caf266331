"""Evidence quotes sealed with their document's text (``REFWATCH_SEAL_DOCUMENT_TEXT``).

A sealed document's working text was sealed, but what extraction keeps of it (each
evidence span's quote, the date, figure and place "as written") stayed plaintext JSON
in ``incident_sources``, ``claims`` and ``tallies``: a PostgreSQL dump showed the
sentence naming the person. Now every such string of a sealed document is sealed
(``storage.quotes``) and opened by the readers that show it. The reports are
fictional ("Person A-017" is a pseudonym; events in 2031). Each test failed before:
the quotes were stored, and read back, as plaintext.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text, update
from sqlalchemy.engine import make_url

from refwatch.config import Settings, load_settings
from refwatch.security.crypto import DecryptionFailed
from refwatch.services import accounts, browse, documents
from refwatch.services.export import incident_export_body, tallies_export_body
from refwatch.services.ingest import ingest_paths
from refwatch.services.keys import rotate_data_key
from refwatch.services.setup import init_database, open_database
from refwatch.storage import quotes
from refwatch.storage.database import Database
from refwatch.storage.incidents import IncidentFilter
from refwatch.storage.tables import Claim, Document, IncidentSource, Tally
from refwatch.storage.tallies import TallyFilter
from refwatch.web.app import create_app

SECRET = "Person A-017"
OPEN_NAME = "Person B-042"  # in a report stored unsealed: the control that the scans see plaintext
REPORT = (
    "FICTIONAL REPORT. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors "
    f"in Shenyang on March 3, 2031, among them {SECRET}, a rights group said. "
    f"Since 2030, at least 600 North Koreans have been repatriated, according to {SECRET}. "
    "They face forced repatriation."
)
SAME_EVENT = (
    "FICTIONAL NOTE. Seoul, March 22, 2031 - Twelve North Korean defectors, among them "
    f"{SECRET}, were arrested by Chinese police in Shenyang on March 3, 2031, activists said."
)
PLAIN = (
    "FICTIONAL REPORT. Seoul, May 2, 2031 - Chinese police arrested 5 North Korean women in Yanji "
    f"on April 28, 2031, among them {OPEN_NAME}, a church group said."
)


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def ingest(db: Database, tmp_path: Path, *files: tuple[str, str], seal: bool = True) -> None:
    report = ingest_paths(db, [write(tmp_path, n, b) for n, b in files], seal_text=seal)
    assert [r.outcome for r in report.results] == ["stored"] * len(files), report.results


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


def stored_quotes(db: Database) -> list[Any]:
    """Every quote and "as written" text stored in the JSON columns, as stored (sealed or not)."""
    found: list[Any] = []
    with db.session() as session:
        conn = session.connection()
        for column in (IncidentSource.extracted, Claim.value, Claim.evidence, Tally.extracted):
            for value in conn.execute(select(column)).scalars():
                found += [v for v, _ in quotes._texts(value, "")]
    return found


def test_no_quote_of_a_sealed_document_is_readable_in_the_database(db: Database, tmp_path: Path) -> None:
    ingest(db, tmp_path, ("report-a.txt", REPORT), ("report-b.txt", SAME_EVENT))
    ingest(db, tmp_path, ("report-c.txt", PLAIN), seal=False)
    raw = raw_text(db)
    assert OPEN_NAME in raw  # the control: the unsealed document's quotes are there in plain sight
    assert SECRET not in raw and SECRET.encode("utf-16-le").decode("latin-1") not in raw
    assert "rights group said" not in raw  # nor any other part of the quoted sentence
    sealed = [q for q in stored_quotes(db) if quotes.is_sealed_string(q)]
    assert len(sealed) >= 4  # the incident's and the tally's quotes and texts


@pytest.fixture
def plain_sqlite(tmp_path: Path, key_file: Path) -> Iterator[Settings]:
    """A SQLite database without SQLCipher: its file's bytes (and WAL) can be read as a thief would."""
    settings = load_settings(
        home=tmp_path / "plain", key_file=key_file, sqlite_encryption=False, seal_document_text=True
    )
    database, _ = init_database(settings)
    database.dispose()
    yield settings


def test_no_quote_is_in_the_sqlite_file(plain_sqlite: Settings, tmp_path: Path) -> None:
    db = open_database(plain_sqlite)
    try:
        ingest(db, tmp_path, ("report-a.txt", REPORT))
        ingest(db, tmp_path, ("report-c.txt", PLAIN), seal=False)
    finally:
        db.dispose()
    raw = b"".join(p.read_bytes() for p in sorted(plain_sqlite.home.glob("refwatch.db*")))
    assert OPEN_NAME.encode() in raw
    assert SECRET.encode() not in raw


def test_a_postgres_dump_holds_no_quote(settings: Settings, tmp_path: Path) -> None:
    if not settings.database_url or shutil.which("pg_dump") is None:
        pytest.skip("a PostgreSQL database and pg_dump are needed")
    db = open_database(settings)
    try:
        ingest(db, tmp_path, ("report-a.txt", REPORT))
        ingest(db, tmp_path, ("report-c.txt", PLAIN), seal=False)
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
    assert SECRET not in dump


def test_readers_show_the_sealed_quotes(settings: Settings, tmp_path: Path) -> None:
    db = open_database(settings)
    try:
        ingest(db, tmp_path, ("report-a.txt", REPORT), ("report-b.txt", SAME_EVENT))
        assert all(quotes.is_sealed_string(q) for q in stored_quotes(db))
        (incident_id,) = [r["id"] for r in browse.incident_page(db, IncidentFilter()).items]
        detail = browse.incident_detail(db, incident_id, visible_groups=None)
        assert len(detail["sources"]) == 2  # linking compared the two reports' quotes, opened in memory
        assert all(SECRET in e["quote"] for e in detail["evidence"])
        assert "Shenyang" in json.dumps([c["value"] for c in detail["claims"]])
        body, n = incident_export_body(db, fmt="jsonl", filters=IncidentFilter())
        assert n == 1 and SECRET in body
        tallies, _ = tallies_export_body(db, fmt="jsonl", public=None, filters=TallyFilter())
        assert SECRET in tallies
        accounts.add_user(db, "viewer", "fictional-password-1", "viewer")
        token = accounts.issue_token(db, "viewer", "read")[1]
    finally:
        db.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings)) as client:
        one = client.get(f"/api/v1/incidents/{incident_id}", headers=headers)
        assert one.status_code == 200 and SECRET in one.json()["evidence"][0]["quote"]
        listed = client.get("/api/v1/incidents", headers=headers)
        assert listed.status_code == 200 and SECRET not in listed.text  # the list shows no quotes
        counted = client.get("/api/v1/tallies", headers=headers).json()["items"]
        assert SECRET in counted[0]["evidence"][0]["quote"]


def test_key_rotation_reseals_the_quotes_and_seals_older_plaintext_ones(db: Database, tmp_path: Path) -> None:
    ingest(db, tmp_path, ("report-a.txt", REPORT))
    with db.transaction() as session:  # as stored before quotes were sealed: plaintext beside a sealed text
        for source in session.scalars(select(IncidentSource)):
            source.extracted = quotes.open_source(source.extracted, sha256=source.document.sha256, ordinal=0)
        for tally in session.scalars(select(Tally)):
            opened = quotes.open_tally(tally.extracted, sha256=tally.document.sha256, ordinal=tally.ordinal)
            session.execute(update(Tally).where(Tally.id == tally.id).values(extracted=opened))
    assert SECRET in raw_text(db)
    before = set().union(
        *(quotes.key_ids({"quote": q}) for q in stored_quotes(db) if quotes.is_sealed_string(q))
    )
    report = rotate_data_key(db, actor="tester")
    assert before and before <= set(report.retired)
    stored = stored_quotes(db)
    assert stored and all(quotes.is_sealed_string(q) for q in stored)
    assert {k for q in stored for k in quotes.key_ids({"quote": q})} == {report.key_id}
    assert SECRET not in raw_text(db)
    (incident_id,) = [r["id"] for r in browse.incident_page(db, IncidentFilter()).items]
    assert SECRET in browse.incident_detail(db, incident_id, visible_groups=None)["evidence"][0]["quote"]
    assert rotate_data_key(db, actor="tester").resealed > 0  # a second rotation re-seals them again


def test_a_sealed_quote_copied_to_another_place_does_not_open(db: Database, tmp_path: Path) -> None:
    ingest(db, tmp_path, ("report-a.txt", REPORT))
    with db.transaction() as session:
        tally = session.scalars(select(Tally)).one()
        source = session.scalars(select(IncidentSource)).one()
        tally_quote = tally.extracted["evidence"][0]["quote"]
        assert quotes.is_sealed_string(tally_quote)
        evidence = [dict(e, quote=tally_quote) for e in source.extracted["evidence"]]
        session.execute(
            update(IncidentSource)
            .where(IncidentSource.id == source.id)
            .values(extracted=dict(source.extracted, evidence=evidence))
        )
        incident_id = source.incident_id
    with pytest.raises(DecryptionFailed):
        browse.incident_detail(db, incident_id, visible_groups=None)


STAMPED = f"Posted on March 20, 2031 by {SECRET}\n" + PLAIN.replace(OPEN_NAME, "twelve others")


def test_the_reference_date_evidence_of_a_sealed_document_is_sealed(db: Database, tmp_path: Path) -> None:
    ingest(db, tmp_path, ("stamped.txt", STAMPED))
    assert SECRET not in raw_text(db)
    detail = documents.show_document(db, "stamped", visible_groups=None)
    assert detail.summary.reference_date is not None
    assert SECRET in detail.summary.reference_date.text  # the detail opens it
    (listed,) = browse.document_page(db, visible_groups=None).items
    assert listed["reference_date"]["start"] == "2031-03-20"  # the list keeps the date, opens nothing
    assert not listed["reference_date"]["text"]
    with db.transaction() as session:  # as stored before migration 0021: plaintext beside a sealed text
        doc = session.scalars(select(Document)).one()
        doc.reference_text, doc.sealed_reference_text = doc.sealed_reference_text, None
    assert SECRET in raw_text(db)
    rotate_data_key(db, actor="tester")
    assert SECRET not in raw_text(db)
    detail = documents.show_document(db, "stamped", visible_groups=None)
    assert detail.summary.reference_date is not None and SECRET in detail.summary.reference_date.text


def test_pages_show_the_sealed_quotes_and_the_document_page_opens_none(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(settings)
    try:
        ingest(db, tmp_path, ("report-a.txt", REPORT))
        assert all(quotes.is_sealed_string(q) for q in stored_quotes(db))
        accounts.add_user(db, "vi", "fictional-password-1", "viewer")
    finally:
        db.dispose()
    with TestClient(create_app(settings), follow_redirects=False) as client:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert token is not None
        form = {"username": "vi", "password": "fictional-password-1", "csrf": token.group(1)}
        assert client.post("/login", data=form).status_code == 303
        listing = client.get("/incidents")
        (incident_id,) = set(re.findall(r'href="/incidents/(\d+)"', listing.text))
        assert SECRET not in listing.text
        assert SECRET in client.get(f"/incidents/{incident_id}").text  # the incident page opens its quotes

        def refuse(*_: object, **__: object) -> str:
            raise AssertionError("the document page opened a quote")

        monkeypatch.setattr(quotes, "_open", refuse)
        page = client.get("/documents/report-a")  # highlights from the plaintext offsets alone
        assert page.status_code == 200
        assert f'class="evidence" href="/incidents/{incident_id}"' in page.text and SECRET in page.text
