"""Encryption at rest: no identifying value in plaintext on disk, swapped ciphertexts refused.

The person below is fictional; the names are made up for the test.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Table, select, update

from refwatch.config import Settings, load_settings
from refwatch.errors import ConfigError
from refwatch.security import crypto
from refwatch.security.keys import write_key_file
from refwatch.services.setup import init_database, open_database
from refwatch.storage.database import Database
from refwatch.storage.tables import Person

HANGUL = "가상인물김순희"
ROMANISED = "Fictional Kim Sunhui"


def store_person(db: Database) -> None:
    with db.transaction() as session:
        session.add(
            Person(pseudonym="Person A-017", name_hangul=HANGUL, name_romanised=ROMANISED, notes="fictional")
        )


def all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def stored_bytes(db: Database, settings: Settings, postgres_dump: object) -> bytes:
    """Everything the database has on disk: the SQLite files (WAL folded in), or a pg_dump."""
    if settings.database_url is None:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return all_bytes(settings.home)
    raw: bytes = postgres_dump(settings.database_url)  # type: ignore[operator]
    return raw


def test_names_never_reach_disk_in_plaintext(db: Database, settings: Settings, postgres_dump: object) -> None:
    store_person(db)
    with db.session() as session:
        person = session.scalars(select(Person)).one()
        assert (person.name_hangul, person.name_romanised) == (HANGUL, ROMANISED)
    raw = stored_bytes(db, settings, postgres_dump)
    for secret in (HANGUL, ROMANISED, "Kim Sunhui"):
        assert secret.encode("utf-8") not in raw
        assert secret.encode("utf-16-le") not in raw


def test_swapped_ciphertexts_fail_to_decrypt(db: Database) -> None:
    with db.transaction() as session:
        session.add(Person(pseudonym="Person A-001", name_romanised="Fictional One"))
        session.add(Person(pseudonym="Person A-002", name_romanised="Fictional Two"))
    with db.transaction() as session:
        one, two = session.scalars(select(Person).order_by(Person.pseudonym)).all()
        stolen = one._name_romanised
        table = Person.__table__
        assert isinstance(table, Table)
        session.execute(update(table).where(table.c.id == two.id).values({table.c.name_romanised: stolen}))
    with db.session() as session:
        two = session.scalars(select(Person).where(Person.pseudonym == "Person A-002")).one()
        with pytest.raises(crypto.DecryptionFailed):
            _ = two.name_romanised


def test_wrong_key_is_refused_and_changes_nothing(sqlite_settings: Settings, tmp_path: Path) -> None:
    db = open_database(sqlite_settings)
    store_person(db)
    db.dispose()
    before = (sqlite_settings.home / "refwatch.db").read_bytes()
    other = tmp_path / "other.key"
    write_key_file(other)
    wrong = load_settings(home=sqlite_settings.home, key_file=other)
    with pytest.raises(ConfigError, match="wrong passphrase or key file"):
        open_database(wrong)
    assert (sqlite_settings.home / "refwatch.db").read_bytes() == before


def test_passphrase_unlocks_and_wrong_passphrase_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    db, _ = init_database(load_settings(home=home, passphrase="correct horse fictional staple"))
    store_person(db)
    db.dispose()
    ok = open_database(load_settings(home=home, passphrase="correct horse fictional staple"))
    with ok.session() as session:
        assert session.scalars(select(Person)).one().name_hangul == HANGUL
    ok.dispose()
    with pytest.raises(ConfigError, match="wrong passphrase"):
        open_database(load_settings(home=home, passphrase="wrong"))


def test_sqlite_file_is_sqlcipher_encrypted(sqlite_settings: Settings) -> None:
    header = (sqlite_settings.home / "refwatch.db").read_bytes()[:16]
    assert header != b"SQLite format 3\x00"


def test_no_key_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no encryption key"):
        open_database(load_settings(home=tmp_path / "nokey"))


@pytest.fixture
def postgres_dump() -> object:
    def dump(url: str) -> bytes:
        from sqlalchemy.engine import make_url

        pg_dump = shutil.which("pg_dump") or next(
            iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"))), None
        )
        if pg_dump is None:
            pytest.skip("pg_dump not available")
        u = make_url(url)
        result = subprocess.run(
            [str(pg_dump), "-h", str(u.host), "-p", str(u.port), "-U", str(u.username), str(u.database)],
            capture_output=True,
            check=True,
        )
        return result.stdout

    return dump


def test_logs_never_contain_sensitive_values(db: Database, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    with caplog.at_level(logging.DEBUG):
        # At INFO, SQLAlchemy logs every statement and its parameters.
        logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
        try:
            store_person(db)
            with db.session() as session:
                assert session.scalars(select(Person)).one().name_hangul == HANGUL
        finally:
            logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "persons" in logged  # the statements were logged...
    for secret in (HANGUL, ROMANISED):
        assert secret not in logged  # ...but never the values


def test_names_imported_from_a_file_never_reach_disk_logs_or_audit(
    db: Database, settings: Settings, postgres_dump: object, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """The CSV import and the audited reads, end to end: ciphertext on disk, names nowhere in the logs."""
    import logging

    from refwatch.services import persons
    from refwatch.storage.tables import AuditEvent

    people = tmp_path / "partner-list.csv"  # outside the data directory, which is checked below
    people.write_text(
        "pseudonym,name_hangul,name_romanised,notes,lists\n"
        f"Person A-017,{HANGUL},{ROMANISED},fictional,NGO A\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
        try:
            persons.import_persons(db, people, actor="ana", origin="cli")
            (listed,) = persons.list_persons(db, actor="ana", origin="cli").items
            shown = persons.show_person(db, listed.id, actor="ana", origin="cli")
        finally:
            logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    assert (shown["name_hangul"], shown["name_romanised"]) == (HANGUL, ROMANISED)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "persons" in logged and "audit_events" in logged
    with db.session() as session:
        audited = repr([(e.action, e.detail) for e in session.scalars(select(AuditEvent))])
    assert "person.read" in audited
    raw = stored_bytes(db, settings, postgres_dump)
    for secret in (HANGUL, ROMANISED, "Kim Sunhui"):
        assert secret not in logged and secret not in audited
        assert secret.encode("utf-8") not in raw and secret.encode("utf-16-le") not in raw
