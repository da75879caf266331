"""The incident detail (the API's busiest read) takes one statement, every part with the visibility rule.

On PostgreSQL every statement is a network round trip that the event loop
waits for, so their number is most of a detail's cost (#20): it was six (a
visibility check, then the incident, its places, its perpetrators, its
sources and their claims), then three.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from refwatch.errors import NotFound
from refwatch.services import browse
from refwatch.services.ingest import ingest_paths
from refwatch.storage import incidents as repo
from refwatch.storage.database import Database
from refwatch.storage.tables import Incident

#: The most statements one incident detail may take (it was 6 before #20, then 3).
DETAIL_STATEMENTS = 1

REPORTS = {
    "one.txt": "FICTIONAL. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors in "
    "Shenyang on March 3, 2031, a rights group said. They face forced repatriation.",
    "two.txt": "FICTIONAL. March 22, 2031 - Twelve North Korean defectors were detained by police in "
    "Shenyang on March 3, 2031 and are at risk of being sent back, activists said.",
}


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    """The SQL statements ``db``'s engine runs inside the block (transaction control aside)."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


@pytest.fixture
def incident_ids(db: Database, tmp_path: Path) -> list[int]:
    for name, text in REPORTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    ingest_paths(db, [tmp_path])
    with db.session() as session:
        ids = list(session.scalars(select(Incident.id).order_by(Incident.id)))
    assert ids, "the fictional reports should give incidents"
    return ids


@pytest.mark.parametrize("groups", [None, (), ("partners",)])
def test_a_detail_takes_one_statement(
    db: Database, incident_ids: list[int], groups: tuple[str, ...] | None
) -> None:
    with db.session() as session:
        expected = {i: repo.to_record(session.get_one(Incident, i)) for i in incident_ids}
    assert any(len(r["sources"]) > 1 and r["claims"] for r in expected.values()), "a source-rich incident"
    for incident_id in incident_ids:
        with counted(db) as statements:
            record = browse.incident_detail(db, incident_id, visible_groups=groups)
        assert len(statements) <= DETAIL_STATEMENTS, statements
        assert {k: v for k, v in record.items() if k != "legal"} == expected[incident_id]


def test_a_restricted_incident_is_not_found_for_others_in_as_few_statements(
    db: Database, incident_ids: list[int]
) -> None:
    hidden = incident_ids[0]
    with db.transaction() as session:
        session.get_one(Incident, hidden).restricted_to = "alpha,beta"
    for groups in [(), ("alpha",), ("beta", "gamma")]:
        with counted(db) as statements, pytest.raises(NotFound):
            browse.incident_detail(db, hidden, visible_groups=groups)
        assert len(statements) <= DETAIL_STATEMENTS
    for groups in [None, ("alpha", "beta"), ("beta", "alpha", "gamma")]:
        assert browse.incident_detail(db, hidden, visible_groups=groups)["id"] == hidden
    with pytest.raises(NotFound):
        browse.incident_detail(db, 2**31 - 1, visible_groups=None)


def test_each_statement_of_the_detail_applies_the_visibility_rule(
    db: Database, incident_ids: list[int]
) -> None:
    """Every part of the detail's statement (the row, places, perpetrators, sources and claims) carries the
    rule itself: a restricted incident gives no row of any kind to a reader outside its group."""
    hidden = incident_ids[0]
    statement = repo._detail_statement(())
    with db.session() as session:
        kinds = {r.kind for r in session.connection().execute(statement, {"incident": hidden})}
    assert len(kinds) >= 3, kinds  # the open incident gives its row, places or perpetrators, and sources
    with db.transaction() as session:
        session.get_one(Incident, hidden).restricted_to = "alpha"
    with db.session() as session:
        assert session.connection().execute(statement, {"incident": hidden}).all() == []


#: The most statements one document detail may take (it was 3 for a reader with limited visibility).
DOCUMENT_STATEMENTS = 2


def test_a_document_detail_takes_two_statements_and_lists_only_visible_incidents(
    db: Database, incident_ids: list[int]
) -> None:
    from refwatch.services.documents import show_document

    everything = show_document(db, "one", visible_groups=None).incident_ids
    assert everything
    with db.transaction() as session:
        session.get_one(Incident, everything[0]).restricted_to = "alpha"
    for groups, expected in [
        (None, everything),
        (("alpha",), everything),
        ((), everything[1:]),
        (("beta",), everything[1:]),
    ]:
        with counted(db) as statements:
            detail = show_document(db, "one", visible_groups=groups)
        assert len(statements) <= DOCUMENT_STATEMENTS, statements
        assert detail.incident_ids == expected
