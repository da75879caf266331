"""How a document search matches, on SQLite and PostgreSQL (#20: uncached searches in the first seconds).

A needle without letters that have a case is matched with ``LIKE`` (half the
cost of ``ILIKE`` on PostgreSQL, the same answers); a word in more documents
than are counted is paged from the newest documents without the trigram
index, whose plan rechecked every match; a rare word goes to the index at
once. The answers must not change. Reports are fictional.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from refwatch.services import browse
from refwatch.services.ingest import ingest_paths
from refwatch.storage import search
from refwatch.storage.database import Database
from refwatch.storage.tables import Document


def _store(db: Database, folder: Path, texts: list[str]) -> list[int]:
    """Ingest these fictional texts, one file each, in order; their document ids."""
    folder.mkdir()
    for n, body in enumerate(texts):
        (folder / f"note-{n:02d}.txt").write_text(body, encoding="utf-8")
    ingest_paths(db, [folder])
    with db.session() as session:
        return list(session.scalars(select(Document.id).order_by(Document.id)))


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def _sql(db: Database, needle: str) -> str:
    stmt = search.with_match(select(Document.id), db.engine.dialect.name, needle)
    return str(stmt.compile(dialect=db.engine.dialect)).upper()


def test_a_needle_without_case_is_matched_with_like_and_finds_the_same(db: Database, tmp_path: Path) -> None:
    ids = _store(
        db,
        tmp_path / "notes",
        [
            "FICTIONAL NOTE 1. Police held a group near the river in 2031.",
            "fictional note 2. 경찰이 강가에서 일행을 체포했다 (2031).",
            "Fictional note 3. POLICE records were read; nothing in Korean.",
        ],
    )
    for needle in ("체포", "2031", "강가"):
        if search.uses_index(db.engine.dialect.name, needle):
            continue  # SQLite's FTS index: no LIKE at all
        assert " LIKE " in _sql(db, needle) and "ILIKE" not in _sql(db, needle), needle
        assert "LOWER(" not in _sql(db, needle), needle
    cased = "po"  # letters with a case, too short for SQLite's index: ILIKE, as before
    assert "ILIKE" in _sql(db, cased) or "LOWER(" in _sql(db, cased)

    def found(needle: str) -> list[int]:
        page = browse.document_page(db, query=needle, visible_groups=())
        return [int(item["id"]) for item in page.items]

    assert found("체포") == [ids[1]]
    assert found("2031") == [ids[1], ids[0]]
    assert found("POLICE") == [ids[2], ids[0]]  # still in any case
    assert found("fictional note") == ids[::-1]


def test_a_common_word_is_paged_from_the_newest_documents_without_the_index(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(browse, "SEARCH_COUNT_CAP", 3)  # "common": in more documents than are counted
    monkeypatch.setattr(search, "RECENT_WINDOW", 4)
    monkeypatch.setattr(search, "RECENT_GROWTH", 1)
    texts = [f"Fictional bulletin {n}: border town quiet." for n in range(8)]
    texts[1] += " A rare heron was seen."
    texts[6] += " A rare heron again."
    ids = _store(db, tmp_path / "notes", texts)
    newest_first = ids[::-1]
    postgres = db.engine.dialect.name == "postgresql"

    for limit, offset in [(2, 0), (2, 2), (3, 4), (2, 6)]:
        with statements(db) as seen:
            page = browse.document_page(db, query="bulletin", limit=limit, offset=offset, visible_groups=())
        assert [int(i["id"]) for i in page.items] == newest_first[offset : offset + limit]
        assert (page.total, page.total_exact) == (3, False)
        if postgres:  # the newest documents walked in order, the match in a form no index serves
            assert any("coalesce(documents.text" in s for s in seen), seen

    with statements(db) as seen:
        rare = browse.document_page(db, query="rare heron", visible_groups=())
    assert [int(i["id"]) for i in rare.items] == [ids[6], ids[1]]
    assert (rare.total, rare.total_exact) == (2, True)
    assert not any("coalesce(documents.text" in s or "max(documents.id)" in s for s in seen), seen
