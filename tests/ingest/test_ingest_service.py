"""Ingest into the database, on SQLite and PostgreSQL (fictional files written here)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pdfs import text_pdf
from refwatch.ingest.metadata import load_metadata
from refwatch.services import documents as docs_service
from refwatch.services import ingest as ingest_service
from refwatch.services.ingest import ingest_paths
from refwatch.storage.database import Database
from refwatch.storage.tables import AuditEvent, Document, DocumentBlob, IncidentSource

EN = "FICTIONAL SAMPLE. Person A-017 and two others were detained by police near a border town last week."
KO = "가상의 예시. 가명 B-002 등 3명이 지난주 국경 근처에서 공안에 체포됐다고 한 단체가 밝혔다."


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    (folder / "nested").mkdir(parents=True)
    (folder / "en1.txt").write_text(EN, encoding="utf-8")
    (folder / "nested" / "ko1.txt").write_text(KO, encoding="utf-8")
    (folder / "p1.pdf").write_bytes(
        text_pdf("FICTIONAL PDF report about Person C-003 held in a detention centre")
    )
    (folder / ".hidden.txt").write_text("ignored", encoding="utf-8")
    (folder / "notes.docx").write_bytes(b"ignored: not a type we read")
    (folder / "meta.tsv").write_text(
        "id\toutlet\tpublication_date\n"
        "en1\tFictional Times\tOct. 19\n"
        "ko1\tFictional Ilbo\t2031년 4월 2일 09시 05분\n",
        encoding="utf-8",
    )
    return folder


def _count(db: Database, model: type) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_ingest_directory_keeps_bytes_and_metadata(db: Database, corpus: Path) -> None:
    report = ingest_paths(db, [corpus], metadata=load_metadata(corpus / "meta.tsv"), extract=False)
    assert [r.outcome for r in report.results] == ["stored", "stored", "stored"]
    listed = {d.key: d for d in docs_service.list_documents(db)}
    assert set(listed) == {"en1", "ko1", "p1"}
    assert listed["en1"].publication_date == "--10-19"  # no year invented
    assert listed["ko1"].publication_date == "2031-04-02T09:05"
    assert listed["ko1"].language == "ko" and listed["en1"].language == "en"
    summary, original = docs_service.original_bytes(db, "ko1", visible_groups=None)
    assert original == KO.encode("utf-8")
    assert summary.sha256 == hashlib.sha256(original).hexdigest()
    with db.session() as session:
        full_date = session.scalars(select(Document.publication_date).where(Document.key == "ko1")).one()
    assert str(full_date) == "2031-04-02"


def test_second_ingest_is_a_no_op(db: Database, corpus: Path) -> None:
    ingest_paths(db, [corpus], extract=False)
    before = (_count(db, Document), _count(db, AuditEvent))
    report = ingest_paths(db, [corpus], extract=False)
    assert {r.outcome for r in report.results} == {"unchanged"}
    assert (_count(db, Document), _count(db, AuditEvent)) == before


def test_same_stem_different_bytes_gets_its_own_key(db: Database, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "r.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "b" / "r.txt").write_text(EN + " Updated.", encoding="utf-8")
    report = ingest_paths(db, [tmp_path / "a", tmp_path / "b"], extract=False)
    keys = [r.key for r in report.results]
    assert keys[0] == "r" and keys[1] is not None and keys[1].startswith("r-")


def test_bad_files_are_named_and_the_rest_go_on(db: Database, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "big.txt").write_text("x" * 5000, encoding="utf-8")
    paths = [tmp_path / "empty.txt", tmp_path / "missing.txt", tmp_path / "big.txt", tmp_path / "good.txt"]
    report = ingest_paths(db, paths, max_file_bytes=1000, extract=False)
    outcomes = {Path(r.path).name: (r.outcome, r.reason or "") for r in report.results}
    assert outcomes["good.txt"][0] == "stored"
    assert outcomes["empty.txt"] == ("failed", "the file is empty")
    assert "no such file" in outcomes["missing.txt"][1]
    assert "over the limit" in outcomes["big.txt"][1]
    assert report.failed


def test_unreadable_file_is_reported(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(EN, encoding="utf-8")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    report = ingest_paths(db, [path], extract=False)
    assert report.results[0].outcome == "failed"
    assert "Permission denied" in (report.results[0].reason or "")


def test_failure_mid_batch_keeps_earlier_documents(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        (tmp_path / f"doc{n}.txt").write_text(f"{EN} Copy {n}.", encoding="utf-8")
    import refwatch.services.incidents as incidents_service

    def flaky(session: object, doc: Document, extractor: str, result: object, *, seal: bool = False) -> int:
        # Each time doc1 is stored: its batch is rolled back and stored again file by file.
        if doc.key == "doc1":
            raise RuntimeError("simulated crash while storing incidents")
        return 0

    monkeypatch.setattr(incidents_service, "store_extraction", flaky)
    report = ingest_paths(db, [tmp_path], extract=True)
    assert [r.outcome for r in report.results] == ["stored", "failed", "stored"]
    assert "internal error" in (report.results[1].reason or "")
    with db.session() as session:
        keys = sorted(session.scalars(select(Document.key)))
        assert keys == ["doc0", "doc2"]
        assert session.scalar(select(func.count()).select_from(DocumentBlob)) == 2
        orphans = session.scalar(
            select(func.count())
            .select_from(IncidentSource)
            .where(~IncidentSource.document_id.in_(select(Document.id)))
        )
        assert orphans == 0
    # The failed file can be ingested once the problem is gone.
    monkeypatch.setattr(
        incidents_service, "store_extraction", lambda session, doc, extractor, result, seal=False: 0
    )
    again = ingest_paths(db, [tmp_path / "doc1.txt"], extract=True)
    assert again.results[0].outcome == "stored"


def test_language_option_overrides_detection(db: Database, tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text(EN, encoding="utf-8")
    ingest_paths(db, [tmp_path / "x.txt"], language="zh", extract=False)
    assert docs_service.show_document(db, "x", visible_groups=None).summary.language == "zh"


def test_count_files_matches_ingest(corpus: Path) -> None:
    assert ingest_service.count_files([corpus]) == 3
