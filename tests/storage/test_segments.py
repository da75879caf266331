"""Long working texts stored in segments (issue #20: one 50 MB report in bounded memory).

The segment size is lowered to a few dozen characters so that short fictional
reports (invented people and events in 2031) take several segments; the code
paths are those of a 50 MB report. Each test failed before migration 0018:
there was no ``document_segments`` table, and a text was always one row.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text

from refwatch.config import Settings, load_settings
from refwatch.security.crypto import DecryptionFailed
from refwatch.services import browse, documents
from refwatch.services.backup import create_backup, restore_backup
from refwatch.services.ingest import ingest_paths
from refwatch.services.keys import rotate_data_key
from refwatch.services.setup import open_database
from refwatch.storage import quotes, schema, sealing, segments
from refwatch.storage.database import Database
from refwatch.storage.incidents import opened_extracted
from refwatch.storage.tables import Document, DocumentSegment, IncidentSource

SIZE = 40
REPORT = (
    "FICTIONAL REPORT. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors "
    "in Shenyang on March 3, 2031, a rights group said. "
    "가상 보도: 옌지에서 탈북민 12명이 체포되었다. They face forced repatriation to North Korea. "
    "On April 2, 2031, border guards in Tumen detained 7 more, among them 2 children."
)


@pytest.fixture(autouse=True)
def small_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(segments, "SEGMENT_CHARS", SIZE)


def ingest(
    db: Database, tmp_path: Path, name: str, body: str, *, seal: bool = False, extract: bool = False
) -> int:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    (result,) = ingest_paths(db, [path], extract=extract, seal_text=seal).results
    assert result.outcome == "stored", result.reason
    assert result.document_id is not None
    return result.document_id


@pytest.mark.parametrize("seal", [False, True], ids=["plain", "sealed"])
def test_a_long_text_is_stored_in_segments_and_read_back_whole(
    db: Database, tmp_path: Path, seal: bool
) -> None:
    doc_id = ingest(db, tmp_path, "long.txt", REPORT, seal=seal, extract=True)
    n = -(-len(REPORT) // SIZE)
    with db.session() as session:
        row = session.execute(select(*Document.__table__.c).where(Document.id == doc_id)).one()
        assert row.text == "" and row.sealed_text is None and row.text_segments == n
        pieces = session.execute(
            select(
                DocumentSegment.seq, DocumentSegment.start, DocumentSegment.text, DocumentSegment._sealed_text
            )
            .where(DocumentSegment.document_id == doc_id)
            .order_by(DocumentSegment.seq)
        ).all()
        assert [(p.seq, p.start) for p in pieces] == [(i, i * SIZE) for i in range(n)]
        if seal:
            assert all(p.text == "" and p._sealed_text for p in pieces)
            assert all(b"Shenyang" not in p._sealed_text for p in pieces)
        else:
            assert "".join(p.text for p in pieces) == REPORT
        doc = session.get_one(Document, doc_id)
        assert doc.working_text == REPORT
        # Streaming: one piece at a time, each with its offset into the whole text.
        assert [(start, piece) for start, piece in segments.iter_text(doc)] == [
            (i * SIZE, REPORT[i * SIZE : (i + 1) * SIZE]) for i in range(n)
        ]
        # Evidence spans found by extraction are offsets into the whole text.
        sources = list(session.scalars(select(IncidentSource).where(IncidentSource.document_id == doc_id)))
        spans = [ev for source in sources for ev in opened_extracted(source)["evidence"]]
        assert spans, "extraction found the incidents of the long text"
        for ev in spans:
            assert REPORT[ev["start"] : ev["end"]] == ev["quote"]
        # A long sealed text's quotes are sealed with it (they are written before its pieces).
        stored = [ev["quote"] for source in sources for ev in source.extracted["evidence"]]
        assert all(quotes.is_sealed_string(q) == seal for q in stored)
    assert documents.show_document(db, str(doc_id), visible_groups=None).text == REPORT


def test_a_short_text_stays_in_its_row(db: Database, tmp_path: Path) -> None:
    short = REPORT[:SIZE]
    doc_id = ingest(db, tmp_path, "short.txt", short)
    with db.session() as session:
        doc = session.get_one(Document, doc_id)
        assert doc.text == short and doc.text_segments == 0
        assert session.scalar(select(DocumentSegment.id)) is None


def test_a_sealed_piece_opens_only_in_its_place(db: Database, tmp_path: Path) -> None:
    doc_id = ingest(db, tmp_path, "long.txt", REPORT, seal=True)
    with db.transaction() as session:
        first, second = session.scalars(
            select(DocumentSegment)
            .where(DocumentSegment.document_id == doc_id)
            .order_by(DocumentSegment.seq)
            .limit(2)
        ).all()
        assert first._sealed_text is not None and second._sealed_text is not None
        assert first._sealed_text[:18] != second._sealed_text[:18]  # each its own nonce
        first._sealed_text, second._sealed_text = second._sealed_text, first._sealed_text
    with db.session() as session, pytest.raises(DecryptionFailed):
        _ = session.get_one(Document, doc_id).working_text


@pytest.mark.parametrize("seal", [False, True], ids=["plain", "sealed"])
@pytest.mark.parametrize("query", ["Tumen detained", "탈북민", "12"], ids=["english", "korean", "short"])
def test_search_finds_a_long_document_by_a_word_in_any_segment(
    db: Database, tmp_path: Path, seal: bool, query: str
) -> None:
    doc_id = ingest(db, tmp_path, "long.txt", REPORT, seal=seal)
    ingest(db, tmp_path, "other.txt", "FICTIONAL NOTE about the weather.")
    page = browse.document_page(db, query=query, visible_groups=None)
    assert [item["id"] for item in page.items] == [doc_id]
    assert browse.document_page(db, query="nowhere-at-all", visible_groups=None).total == 0


def test_key_rotation_reseals_every_segment(db: Database, tmp_path: Path) -> None:
    doc_id = ingest(db, tmp_path, "long.txt", REPORT, seal=True)
    report = rotate_data_key(db, actor="tester")
    with db.session() as session:
        raws = session.scalars(select(DocumentSegment._sealed_text)).all()
        assert raws and all(raw is not None and sealing.key_id_of(raw) == report.key_id for raw in raws)
    assert documents.show_document(db, str(doc_id), visible_groups=None).text == REPORT


def _migrate(db: Database, revision: str, *, down: bool = False) -> None:
    config = schema.alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


_INSERT = (
    "INSERT INTO documents (id, key, sha256, filename, media_type, size_bytes, text, sealed_text, "
    "language, language_source, ingested_by, ingested_at) VALUES (:id, :key, :sha, 'f.txt', "
    "'text/plain', 9, :text, :sealed, 'en', 'option', 'test', '2031-01-01')"
)


def test_migration_0018_moves_long_texts_into_segments_and_back(db: Database) -> None:
    _migrate(db, "0017", down=True)
    sha_plain, sha_sealed, sha_short = "a" * 64, "b" * 64, "c" * 64
    sealed = sealing.seal_bytes(REPORT.encode(), table="documents", uid=sha_sealed, column="sealed_text")
    with db.engine.begin() as conn:
        conn.execute(
            text(_INSERT), {"id": 1, "key": "plain", "sha": sha_plain, "text": REPORT, "sealed": None}
        )
        conn.execute(
            text(_INSERT), {"id": 2, "key": "sealed", "sha": sha_sealed, "text": "", "sealed": sealed}
        )
        conn.execute(
            text(_INSERT), {"id": 3, "key": "short", "sha": sha_short, "text": "short", "sealed": None}
        )
    _migrate(db, "head")
    n = -(-len(REPORT) // SIZE)
    with db.session() as session:
        rows = session.execute(select(Document.key, Document.text_segments)).all()
        counts = {row.key: row.text_segments for row in rows}
        assert counts == {"plain": n, "sealed": n, "short": 0}
        for key in ("plain", "sealed", "short"):
            doc = session.scalars(select(Document).where(Document.key == key)).one()
            assert doc.working_text == (REPORT if key != "short" else "short")
        assert session.scalar(select(Document._sealed_text).where(Document.key == "sealed")) is None
    assert [i["id"] for i in browse.document_page(db, query="Tumen detained", visible_groups=None).items] == [
        2,
        1,
    ]
    _migrate(db, "0017", down=True)
    with db.engine.connect() as conn:
        rows = {r.key: r for r in conn.execute(text("SELECT key, text, sealed_text FROM documents"))}
    assert rows["plain"].text == REPORT and rows["short"].text == "short"
    opened = sealing.open_bytes(
        bytes(rows["sealed"].sealed_text), table="documents", uid=sha_sealed, column="sealed_text"
    )
    assert opened.decode() == REPORT
    _migrate(db, "head")  # and up again, for the fixture's teardown and the next test


def test_extraction_log_names_a_document_not_yet_written(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Batched ingest extracts before the batch's flush: the log said "document None" (issue #20)."""
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(REPORT + f" ({name})", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="refwatch.services.incidents"):
        results = ingest_paths(db, [tmp_path / "a.txt", tmp_path / "b.txt"], extract=True).results
    assert [r.outcome for r in results] == ["stored", "stored"]
    lines = [r.getMessage() for r in caplog.records if "incidents and" in r.getMessage()]
    assert len(lines) == 2
    assert not any("None" in line for line in lines), lines
    with db.session() as session:
        hashes = session.scalars(select(Document.sha256).order_by(Document.id)).all()
    assert all(any(f"sha256:{sha[:12]}" in line for line in lines) for sha in hashes)


@pytest.mark.parametrize("seal", [False, True], ids=["plain", "sealed"])
def test_backup_and_restore_keep_a_long_text(sqlite_settings: Settings, tmp_path: Path, seal: bool) -> None:
    db = open_database(sqlite_settings)
    try:
        doc_id = ingest(db, tmp_path, "long.txt", REPORT, seal=seal)
        out = tmp_path / "snapshot.rwbk"
        create_backup(db, sqlite_settings, out, actor="tester")
    finally:
        db.dispose()
    target = load_settings(home=tmp_path / "restored", key_file=sqlite_settings.key_file)
    restore_backup(target, out, actor="tester")
    restored = open_database(target)
    try:
        assert documents.show_document(restored, str(doc_id), visible_groups=None).text == REPORT
        found = browse.document_page(restored, query="Tumen detained", visible_groups=None)
        assert [item["id"] for item in found.items] == [doc_id]
    finally:
        restored.dispose()
