"""Restore drill: backup, restore into an empty home, compare (fictional data)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make  # noqa: E402

from refwatch.config import Settings, load_settings  # noqa: E402
from refwatch.domain.incidents import Incident as Extracted  # noqa: E402
from refwatch.errors import ConfigError, InvalidInput  # noqa: E402
from refwatch.services import incidents as incidents_service  # noqa: E402
from refwatch.services.backup import create_backup, restore_backup  # noqa: E402
from refwatch.services.export import incident_records  # noqa: E402
from refwatch.services.ingest import ingest_paths  # noqa: E402
from refwatch.services.setup import open_database  # noqa: E402
from refwatch.storage.database import Database  # noqa: E402
from refwatch.storage.incidents import IncidentFilter  # noqa: E402
from refwatch.storage.tables import Document, Person  # noqa: E402


def _fill(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    def run(doc: Document) -> tuple[str, list[Extracted]]:
        return "fictional", [make(doc.key, start="2030-01-0" + doc.key[-1], count=4)]

    monkeypatch.setattr(incidents_service, "run_extractor", run)
    for i in range(1, 4):
        (tmp_path / f"doc{i}.txt").write_text(
            f"FICTIONAL report number {i}: 가상의 보고서.", encoding="utf-8"
        )
    ingest_paths(db, [tmp_path / f"doc{i}.txt" for i in range(1, 4)])
    with db.transaction() as session:
        session.add(Person(pseudonym="Person C-001", name_hangul="가상이름", name_romanised="Fictional Name"))
    return db


@pytest.fixture
def filled(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """A filled database on each backend."""
    return _fill(db, tmp_path, monkeypatch)


@pytest.fixture
def sqlite_filled(
    sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Database]:
    """A filled SQLite database, for checks of the backup file itself."""
    db = open_database(sqlite_settings)
    yield _fill(db, tmp_path, monkeypatch)
    db.dispose()


def snapshot(db: Database) -> tuple[object, ...]:
    with db.session() as session:
        docs = sorted((d.key, d.sha256, d.blob.data) for d in session.scalars(select(Document)))
        people = sorted((p.pseudonym, p.name_hangul) for p in session.scalars(select(Person)))
    incidents = sorted(
        (tuple(s["document"] for s in r["sources"]), r["date"]["start"], r["victims"]["count"])
        for r in incident_records(db, IncidentFilter())
    )
    return docs, people, incidents


def test_restore_drill(filled: Database, settings: Settings, tmp_path: Path, backend: str) -> None:
    out = tmp_path / "snapshot.rwbk"
    create_backup(filled, settings, out, actor="tester")
    before = snapshot(filled)
    raw = out.read_bytes()
    assert b"Fictional Name" not in raw and "가상이름".encode() not in raw and b"FICTIONAL report" not in raw
    filled.dispose()
    if backend == "sqlite":
        target = load_settings(home=tmp_path / "restored", key_file=settings.key_file)
    else:
        assert settings.database_url is not None
        url = _empty_database_beside(settings.database_url, "restored")
        target = load_settings(home=tmp_path / "restored", database_url=url, key_file=settings.key_file)
    summary = restore_backup(target, out, actor="tester")
    assert summary.rows["documents"] == 3
    restored = open_database(target)
    try:
        assert snapshot(restored) == before
    finally:
        restored.dispose()


def _empty_database_beside(existing_url: str, suffix: str) -> str:
    """A new, empty database on the same throwaway server."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(existing_url)
    name = f"{u.database}_{suffix}"
    with psycopg.connect(
        host=u.host, port=u.port, user=u.username, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return u.set(database=name).render_as_string(hide_password=False)


def test_altered_backup_is_refused(
    sqlite_filled: Database, sqlite_settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "snapshot.rwbk"
    create_backup(sqlite_filled, sqlite_settings, out, actor="tester")
    data = bytearray(out.read_bytes())
    data[-10] ^= 0xFF
    out.write_bytes(bytes(data))
    target = load_settings(home=tmp_path / "restored", key_file=sqlite_settings.key_file)
    with pytest.raises(InvalidInput, match="damaged or was altered"):
        restore_backup(target, out, actor="tester")
    assert not (tmp_path / "restored" / "refwatch.db").exists()


def test_restore_refuses_a_non_empty_target(
    sqlite_filled: Database, sqlite_settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "snapshot.rwbk"
    create_backup(sqlite_filled, sqlite_settings, out, actor="tester")
    with pytest.raises(ConfigError, match="not empty"):
        restore_backup(sqlite_settings, out, actor="tester")
