"""The schema on both backends: created by migrations, constraints enforced, sensitive fields declared."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from sqlalchemy import LargeBinary, inspect, select
from sqlalchemy.exc import IntegrityError

from refwatch.config import Settings
from refwatch.services.setup import init_database
from refwatch.storage import schema
from refwatch.storage.database import Database
from refwatch.storage.sealing import Sealed
from refwatch.storage.sensitive import SENSITIVE_FIELDS, is_sensitive
from refwatch.storage.tables import Base, Incident, Person, SourceList, SourceListMember

EXPECTED_TABLES = {
    "documents",
    "document_blobs",
    "incidents",
    "incident_sources",
    "claims",
    "acts",
    "persons",
    "places",
    "facilities",
    "actors",
    "interventions",
    "source_lists",
    "source_list_members",
    "users",
    "api_tokens",
    "audit_events",
    "tallies",
    "link_models",
    "document_segments",
}


def test_migrations_create_every_table(db: Database) -> None:
    assert EXPECTED_TABLES <= set(inspect(db.engine).get_table_names())
    assert schema.current_revision(db) == schema.head_revision()


def test_init_is_idempotent(settings: Settings) -> None:
    db, changed = init_database(settings)
    db.dispose()
    assert changed is False


# The list-order indexes are expressions (migration 0004): reflection skips them, and include_object too.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_migrations_match_models(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from refwatch.storage.search import include_object

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_list_order_indexes_exist(db: Database) -> None:
    from sqlalchemy import inspect

    from refwatch.storage.search import ORDER_INDEXES

    with db.engine.connect() as conn, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        names = {ix["name"] for t in ("incidents", "documents") for ix in inspect(conn).get_indexes(t)}
        if db.engine.dialect.name == "sqlite":  # SQLite's reflection leaves expression indexes out
            names |= {
                r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")
            }
    assert set(ORDER_INDEXES) <= names


def test_review_state_is_constrained(db: Database) -> None:
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.add(Incident(review_state="made-up", event_types=["arrest"]))


def test_source_list_member_is_person_or_incident(db: Database) -> None:
    with db.transaction() as session:
        session.add(SourceList(name="fictional list"))
    with pytest.raises(IntegrityError), db.transaction() as session:
        lst = session.scalars(select(SourceList)).one()
        session.add(SourceListMember(list_id=lst.id))


def test_sensitive_fields_are_declared_once_and_sealed() -> None:
    models = {m.class_.__tablename__: m.class_ for m in Base.registry.mappers}
    for table, columns in SENSITIVE_FIELDS.items():
        for column in columns:
            assert isinstance(vars(models[table]).get(column), Sealed), f"{table}.{column} is not sealed"
            assert isinstance(Base.metadata.tables[table].c[column].type, LargeBinary)
    for table, model in models.items():
        for name, attr in vars(model).items():
            if isinstance(attr, Sealed) and table != "document_blobs":
                assert is_sensitive(table, name), f"{table}.{name} is sealed but not declared sensitive"


def test_sensitive_round_trip(db: Database) -> None:
    with db.transaction() as session:
        session.add(
            Person(pseudonym="Person A-017", name_romanised="Fictional Name", name_hangul="가상 이름")
        )
    with db.session() as session:
        person = session.scalars(select(Person)).one()
        assert person.name_hangul == "가상 이름"
        assert person.family_in_north_korea is True
        assert person.consent_to_publish is False


def test_failed_transaction_leaves_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError), db.transaction() as session:
        session.add(Person(pseudonym="Person A-018"))
        session.flush()
        raise RuntimeError("boom")
    with db.session() as session:
        assert session.scalars(select(Person)).all() == []


def test_upgrade_seals_a_sex_stored_in_the_clear(tmp_path: Path, key_file: Path) -> None:
    """Migration 0005 seals the values it finds (fictional person), and init loads the keys it needs."""
    from sqlalchemy import text

    from refwatch.config import load_settings

    settings = load_settings(home=tmp_path / "home", key_file=key_file)
    old = Database.from_settings(settings, create_keys=True)
    try:
        schema.upgrade(old, "0004")
        old.load_data_keys(create=True)
        with old.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO persons (pseudonym, uid, sex, family_in_north_korea, consent_to_publish, "
                    "created_at) VALUES ('Person A-099', 'fictionaluid0001', 'F', 1, 0, '2031-01-01')"
                )
            )
    finally:
        old.dispose()
    db, changed = init_database(settings)
    try:
        assert changed
        with db.session() as session:
            person = session.scalars(select(Person)).one()
            assert person.sex == "F"
            raw = session.execute(text("SELECT sex FROM persons")).scalar_one()
        assert isinstance(raw, bytes) and len(raw) > 16  # sealed: nonce, ciphertext and tag, not "F"
    finally:
        db.dispose()


def test_upgrade_moves_an_incident_restriction_to_its_evidence(tmp_path: Path, key_file: Path) -> None:
    """Migration 0007: a restricted incident's documents take its group, and so do neighbours (fictional)."""
    from sqlalchemy import text

    from refwatch.config import load_settings
    from refwatch.storage.tables import Document, Incident

    settings = load_settings(home=tmp_path / "home", key_file=key_file)
    old = Database.from_settings(settings, create_keys=True)
    incident = (
        "INSERT INTO incidents (id, review_state, event_types, status, date_precision, count_qualifier, "
        "salience, disagreements, overrides, sources_locked, restricted_to, created_at, updated_at) VALUES "
        "(:id, 'candidate', '[]', 'unknown', 'unknown', 'unknown', 'main', '[]', '{}', 0, :group, "
        "'2031-01-01', '2031-01-01')"
    )
    try:
        schema.upgrade(old, "0006")
        with old.engine.begin() as conn:
            for doc in (1, 2):
                conn.execute(
                    text(
                        "INSERT INTO documents (id, key, sha256, filename, media_type, size_bytes, text, "
                        "language, language_source, ingested_by, ingested_at) VALUES (:id, :key, :sha, "
                        "'f.txt', 'text/plain', 9, 'FICTIONAL', 'en', 'option', 'test', '2031-01-01')"
                    ),
                    {"id": doc, "key": f"doc{doc}", "sha": str(doc) * 64},
                )
            conn.execute(text(incident), {"id": 1, "group": "partners"})
            conn.execute(text(incident), {"id": 2, "group": None})
            for source, (incident_id, doc) in enumerate([(1, 1), (2, 1), (2, 2)], start=1):
                conn.execute(
                    text(
                        "INSERT INTO incident_sources (id, incident_id, document_id, ordinal, extracted, "
                        "extractor) VALUES (:id, :incident, :doc, :ordinal, '{}', 'test')"
                    ),
                    {"id": source, "incident": incident_id, "doc": doc, "ordinal": source},
                )
    finally:
        old.dispose()
    db, changed = init_database(settings)
    try:
        assert changed
        with db.session() as session:
            documents = {d.key: d.restricted_to for d in session.scalars(select(Document))}
            incidents = {i.id: i.restricted_to for i in session.scalars(select(Incident))}
        assert documents == {"doc1": "partners", "doc2": None}
        assert incidents == {1: "partners", 2: "partners"}  # incident 2 holds doc1 too: hidden from now on
    finally:
        db.dispose()
