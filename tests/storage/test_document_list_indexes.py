"""Migration 0019: the document list indexes carry the restriction, so a page is read from the index alone.

Both directions, on SQLite and PostgreSQL (#20); the lists answer the same either way.
"""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from refwatch.services import browse
from refwatch.storage import documents as document_repo
from refwatch.storage import schema
from refwatch.storage.database import Database
from refwatch.storage.tables import Document

NAMES = ("ix_documents_list_order", "ix_documents_language_order")


def _migrate(db: Database, revision: str, *, down: bool = False) -> None:
    config = schema.alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _covering(db: Database) -> dict[str, bool]:
    """Whether each list index holds the restriction (and, on PostgreSQL, the id) as well as the order."""
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "postgresql":
            found = dict(
                conn.execute(
                    text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'documents'")
                ).all()
            )
            return {name: "INCLUDE (restricted_to, id)" in found[name] for name in NAMES}
        found = dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")).all())
        return {name: found[name].rstrip(") ").endswith("restricted_to") for name in NAMES}


def _plan(db: Database, language: str | None) -> str:
    """SQLite's plan for page two of the list (of one language), as a reader of no group asks for it."""
    _, ids = document_repo.list_statements("sqlite", None, language, None, ())
    sql = str(
        ids.limit(2).offset(2).compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    )
    with db.engine.connect() as conn:
        return " ".join(str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))


def _pages(db: Database) -> list[list[int]]:
    browse.caches(db).counts._values.clear()  # type: ignore[attr-defined]
    return [
        [
            int(i["id"])
            for i in browse.document_page(db, language=lang, limit=3, offset=1, visible_groups=()).items
        ]
        for lang in (None, "en", "ko")
    ]


def test_migration_0019_both_ways(db: Database) -> None:
    with db.transaction() as session:
        for n in range(8):
            session.add(
                Document(
                    key=f"note-{n}",
                    sha256=f"{n:064d}",
                    filename=f"note-{n}.txt",
                    media_type="text/plain",
                    size_bytes=9,
                    text=f"FICTIONAL NOTE {n}",
                    language="ko" if n % 3 == 0 else "en",
                    language_source="option",
                    restricted_to="partners" if n == 4 else None,
                    ingested_by="test",
                )
            )
    assert _covering(db) == dict.fromkeys(NAMES, True)
    pages = _pages(db)
    assert all(4 + 1 not in page for page in pages)  # the restricted one (id 5) stays out of every list
    if db.engine.dialect.name == "sqlite":
        assert "COVERING INDEX ix_documents_list_order" in _plan(db, None)
        assert "COVERING INDEX ix_documents_language_order" in _plan(db, "en")

    _migrate(db, "0018", down=True)
    assert _covering(db) == dict.fromkeys(NAMES, False)
    assert _pages(db) == pages
    if db.engine.dialect.name == "sqlite":
        assert "COVERING" not in _plan(db, None)

    _migrate(db, "head")
    assert _covering(db) == dict.fromkeys(NAMES, True)
    assert _pages(db) == pages
