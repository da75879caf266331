"""Network round trips per API read on PostgreSQL (#20), counted in psycopg's protocol trace.

Under load every round trip waits for the server process to be scheduled and
for the event loop to be given back, so their number, more than the SQL, set
the PostgreSQL latencies: an incident detail took 13 (a ping and BEGIN/ROLLBACK
around the token's version check, then a ping, BEGIN, six statements and
ROLLBACK), a cached list page 9. A detail is now the version check and one statement.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import orjson
import pytest
from sqlalchemy import select

from refwatch.config import Settings
from refwatch.errors import NotFound
from refwatch.services import accounts, browse
from refwatch.services.documents import show_document
from refwatch.services.ingest import ingest_paths
from refwatch.services.legal import with_legal
from refwatch.services.setup import open_database
from refwatch.storage.incidents import to_record
from refwatch.storage.tables import Incident
from statement_counts import statements

REPORTS = {
    "one.txt": "FICTIONAL. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors in "
    "Shenyang on March 3, 2031, a rights group said. They face forced repatriation.",
    "two.txt": "FICTIONAL. March 22, 2031 - Twelve North Korean defectors were detained by police in "
    "Shenyang on March 3, 2031 and are at risk of being sent back, activists said.",
}

THIRD = (
    "FICTIONAL. July 9, 2032 - Border guards in Yanji arrested 7 North Koreans on July 8, 2032; five women "
    "among them were repatriated a week later, and two men were sent to a labour camp."
)


@pytest.mark.postgres
def test_api_reads_take_few_round_trips(settings: Settings, tmp_path: Path) -> None:
    if settings.is_sqlite:
        pytest.skip("round trips are PostgreSQL's")
    for name, text in REPORTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    db = open_database(settings)
    try:
        ingest_paths(db, [tmp_path])
        accounts.add_user(db, "vi", "fictional-password-2", "viewer")
        token = accounts.issue_token(db, "vi", "read")[1]
        with db.session() as session:
            incident = session.scalars(select(Incident.id)).first()
        assert incident is not None

        def detail() -> None:  # what GET /api/v1/incidents/{id} runs
            caller = accounts.authenticate_token(db, token)
            browse.incident_detail(db, incident, visible_groups=caller.visible_groups())

        def listed() -> None:  # GET /api/v1/incidents, its total and cards kept
            caller = accounts.authenticate_token(db, token)
            browse.incident_page(db, browse.IncidentFilter(visible_groups=caller.visible_groups()))

        def document() -> None:  # GET /api/v1/documents/one
            caller = accounts.authenticate_token(db, token)
            show_document(db, "one", visible_groups=caller.visible_groups())

        for read, most in [(detail, 2), (listed, 3), (document, 3)]:
            for _ in range(6):  # statements prepared (a one-off round trip more), caches filled
                read()
            with statements(db) as counted:
                read()
            assert 0 < counted[0] <= most, (read.__name__, counted[0])
    finally:
        db.dispose()


def test_a_detail_is_one_statement_with_the_full_records_content(settings: Settings, tmp_path: Path) -> None:
    """The API's detail reads one statement (was three) and gives what the record of the objects gives,
    to every reader who may see the incident, and nothing at all to one who may not (#20)."""
    for name, text in {**REPORTS, "three.txt": THIRD}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    db = open_database(settings)
    try:
        ingest_paths(db, [tmp_path])
        with db.transaction() as session:
            incidents = list(session.scalars(select(Incident).order_by(Incident.id)))
            assert len(incidents) >= 2 and any(len(i.sources) > 1 for i in incidents)
            incidents[0].restricted_to = "partners"
            incidents[0].overrides = {"status": "fictional override"}
        with db.session() as session:
            expected = {
                i.id: with_legal(to_record(i))
                for i in session.scalars(select(Incident).order_by(Incident.id))
            }
        hidden = incidents[0].id
        for groups in (None, ("partners",), (), ("others",)):
            for _ in range(3):  # PostgreSQL: the statement prepared (a one-off round trip more)
                with contextlib.suppress(NotFound):
                    browse.incident_detail(db, hidden, visible_groups=groups)
            for incident_id, record in expected.items():
                if incident_id == hidden and groups in ((), ("others",)):
                    with statements(db) as counted, pytest.raises(NotFound):
                        browse.incident_detail(db, incident_id, visible_groups=groups)
                else:
                    with statements(db) as counted:
                        found = browse.incident_detail(db, incident_id, visible_groups=groups)
                    assert orjson.dumps(found) == orjson.dumps(record), (incident_id, groups)
                assert counted[0] == 1, (incident_id, groups, counted[0])
    finally:
        db.dispose()
