"""Pages of ids run straight on the cursor (``storage.prepared``) give what SQLAlchemy's execution gave (#20).

On both databases, for filters with lists, dates and text (values the dialect
converts before the driver sees them), and without one SQLAlchemy execution
for a list page whose total and cards are kept.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import event

from refwatch.services import browse
from refwatch.services.ingest import ingest_paths
from refwatch.storage import documents as document_repo
from refwatch.storage import incidents as incident_repo
from refwatch.storage.database import Database
from refwatch.storage.prepared import paged_ids

REPORTS = {
    "one.txt": "FICTIONAL. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors in "
    "Shenyang on March 3, 2031, a rights group said. They face forced repatriation.",
    "two.txt": "FICTIONAL. April 2, 2031 - Border guards in Yanji arrested 7 North Koreans on April 1, "
    "2031; five women among them were repatriated a week later.",
    "three.txt": "FICTIONAL. June 9, 2032 - Police in Dandong detained 3 North Korean women on June 2, 2032.",
}

FILTERS = [
    browse.IncidentFilter(visible_groups=()),
    browse.IncidentFilter(visible_groups=None),
    browse.IncidentFilter(review_states=("candidate", "confirmed"), visible_groups=("partners",)),
    browse.IncidentFilter(date_from=dt.date(2031, 3, 2), date_to=dt.date(2031, 12, 31), visible_groups=()),
    browse.IncidentFilter(place="Yanji", visible_groups=()),
    browse.IncidentFilter(statuses=("arrested", "detained", "repatriated"), visible_groups=()),
]


def test_pages_of_ids_are_those_sqlalchemy_reads(db: Database, tmp_path: Path) -> None:
    for name, text in REPORTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    ingest_paths(db, [tmp_path])
    statements = [incident_repo.list_statements(f)[1] for f in FILTERS] + [
        document_repo.list_statements(db.engine.dialect.name, None, language, None, groups)[1]
        for language in (None, "en", "ko")
        for groups in ((), None)
    ]
    nonempty = 0
    with db.read_session() as session:
        connection = session.connection()
        for stmt in statements:
            for limit, offset in [(50, 0), (1, 0), (1, 1), (2, 1), (5, 10)]:
                expected = list(connection.execute(stmt.limit(limit).offset(offset)).scalars())
                got = paged_ids(stmt, db.engine.dialect).run(connection, limit=limit, offset=offset)
                assert got == expected, (str(stmt), limit, offset)
                nonempty += bool(expected)
    assert nonempty > 20  # the filters do select something


def test_a_kept_list_page_runs_no_statement_through_sqlalchemy(db: Database, tmp_path: Path) -> None:
    for name, text in REPORTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    ingest_paths(db, [tmp_path])
    executed: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        executed.append(statement)

    for _ in range(2):  # the first fills the caches (totals, cards)
        executed.clear()
        event.listen(db.engine, "before_cursor_execute", before)
        try:
            incidents = browse.incident_page(db, browse.IncidentFilter(visible_groups=()), limit=2)
            documents = browse.document_page(db, limit=2, visible_groups=())
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
    assert len(incidents.cards) == 2 and len(documents.cards) == 2
    assert executed == []  # the version and the ids went straight to the cursor
