"""Engine settings per backend (#20): PostgreSQL pings no connection per checkout and recycles instead."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from refwatch.config import Settings
from refwatch.services.caching import current_version
from refwatch.storage import dialects
from refwatch.storage.database import Database
from refwatch.storage.tables import AuditEvent


def test_postgres_recycles_connections_instead_of_pinging_each_checkout() -> None:
    options = dialects.engine_options(
        "postgresql+psycopg://refwatch@localhost/x", busy_timeout_ms=1, pool_recycle_s=600, pool_size=7
    )
    assert options["pool_pre_ping"] is False
    assert options["pool_recycle"] == 600 and options["pool_size"] == 7
    assert options["json_deserializer"] is dialects.read_json
    assert options["connect_args"]["prepare_threshold"] == dialects.PG_PREPARE_THRESHOLD
    assert (
        dialects.engine_options("postgresql://x", busy_timeout_ms=1, pool_recycle_s=0)["pool_recycle"] == -1
    )


def test_the_settings_reach_the_engine(settings: Settings) -> None:
    db = Database.from_settings(settings.model_copy(update={"database_pool_recycle_s": 321}))
    try:
        pool = db.engine.pool
        assert not pool._pre_ping
        if db.engine.dialect.name == "postgresql":
            assert pool._recycle == 321
            with db.engine.connect() as conn:
                assert conn.connection.dbapi_connection.prepared_max == dialects.PG_PREPARED_MAX  # type: ignore[union-attr]
    finally:
        db.dispose()


def test_the_version_check_leaves_no_connection_in_autocommit(db: Database) -> None:
    """On PostgreSQL the version is read outside a transaction; the connection must go back as it came,
    or the next unit of work on it would commit statement by statement."""
    for _ in range(3):
        current_version(db)
    raw = db.engine.raw_connection()
    try:
        assert not getattr(raw.dbapi_connection, "autocommit", False)
    finally:
        raw.close()
    before = current_version(db)
    with pytest.raises(RuntimeError), db.transaction() as session:
        session.add(AuditEvent(actor="test", action="test.rollback", entity="none", detail={}))
        session.flush()
        raise RuntimeError("undo")
    with db.session() as session:
        assert (session.scalar(select(func.max(AuditEvent.id))) or 0) == before
    assert current_version(db) == before


def test_hot_reads_run_outside_a_transaction_and_writes_inside_one(db: Database) -> None:
    """On PostgreSQL a read session sends no BEGIN (psycopg leaves the connection idle after a statement,
    not in a transaction); the pool hands the connection on with autocommit off again."""
    from refwatch.services import browse

    with db.read_session() as session:
        session.execute(select(func.count()).select_from(AuditEvent))
        raw: Any = session.connection().connection.dbapi_connection
        if db.engine.dialect.name == "postgresql":
            assert raw.autocommit is True
            assert raw.info.transaction_status.name == "IDLE"
    browse.incident_page(db, browse.IncidentFilter(visible_groups=()))
    before = current_version(db)
    with pytest.raises(RuntimeError), db.transaction() as session:
        assert not getattr(session.connection().connection.dbapi_connection, "autocommit", False)
        session.add(AuditEvent(actor="test", action="test.rollback", entity="none", detail={}))
        session.flush()
        raise RuntimeError("undo")
    assert current_version(db) == before
