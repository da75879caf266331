"""Data-key rotation and verification of stored originals (fictional data)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from refwatch.config import Settings
from refwatch.services import keys as keys_service
from refwatch.services.ingest import ingest_paths
from refwatch.services.keys import rotate_data_key, verify_documents
from refwatch.services.setup import open_database
from refwatch.storage import sealing
from refwatch.storage.database import Database
from refwatch.storage.tables import DataKey, DocumentBlob, Person


def seed(db: Database, tmp_path: Path, n: int = 5) -> None:
    with db.transaction() as session:
        for i in range(n):
            session.add(Person(pseudonym=f"Person B-{i:03d}", name_romanised=f"Fictional Person {i}"))
    (tmp_path / "r.txt").write_text("FICTIONAL report: Person B-001 was held.", encoding="utf-8")
    ingest_paths(db, [tmp_path / "r.txt"], extract=False)


def key_ids(db: Database) -> set[int]:
    with db.session() as session:
        ids = {
            sealing.key_id_of(p._name_romanised) for p in session.scalars(select(Person)) if p._name_romanised
        }
        ids |= {sealing.key_id_of(b._data) for b in session.scalars(select(DocumentBlob))}
    return ids


def test_rotation_reseals_everything_and_retires_the_old_key(db: Database, tmp_path: Path) -> None:
    seed(db, tmp_path)
    (old,) = key_ids(db)
    report = rotate_data_key(db, actor="tester")
    assert report.retired == [old] and report.resealed == 6
    assert key_ids(db) == {report.key_id}
    with db.session() as session:
        assert sorted(p.name_romanised for p in session.scalars(select(Person)))[0] == "Fictional Person 0"
    assert verify_documents(db) == (1, [])


def test_interrupted_rotation_loses_nothing_and_resumes(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(settings)
    seed(db, tmp_path, n=7)
    monkeypatch.setattr(keys_service, "BATCH", 2)
    calls = {"n": 0}
    real_seal = sealing.seal_bytes

    def flaky_seal(*args: object, **kwargs: object) -> bytes:
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt("simulated interruption")
        return real_seal(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sealing, "seal_bytes", flaky_seal)
    with pytest.raises(KeyboardInterrupt):
        rotate_data_key(db, actor="tester")
    monkeypatch.setattr(sealing, "seal_bytes", real_seal)
    db.dispose()
    # A fresh process: every value still opens, some with the old key, some with the new.
    db = open_database(settings)
    assert len(key_ids(db)) == 2
    with db.session() as session:
        assert len([p.name_romanised for p in session.scalars(select(Person))]) == 7
    report = rotate_data_key(db, actor="tester")
    assert key_ids(db) == {report.key_id}
    with db.session() as session:
        assert session.scalar(select(DataKey.id).where(DataKey.retired_at.is_(None))) == report.key_id
    db.dispose()


def test_verify_names_a_tampered_original(db: Database, tmp_path: Path) -> None:
    seed(db, tmp_path, n=0)
    with db.transaction() as session:
        blob = session.scalars(select(DocumentBlob)).one()
        tampered = bytes(blob._data[:-1]) + bytes([blob._data[-1] ^ 1])
        session.execute(text("UPDATE document_blobs SET data = :d"), {"d": tampered})
    checked, problems = verify_documents(db)
    assert checked == 1 and [p.key for p in problems] == ["r"]
