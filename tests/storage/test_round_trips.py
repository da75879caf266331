"""Network round trips per API read on PostgreSQL (#20), counted in psycopg's protocol trace.

Under load every round trip waits for the server process to be scheduled and
for the event loop to be given back, so their number, more than the SQL, set
the PostgreSQL latencies: an incident detail took 13 (a ping and BEGIN/ROLLBACK
around the token's version check, then a ping, BEGIN, six statements and
ROLLBACK), a cached list page 9.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from refwatch.config import Settings
from refwatch.services import accounts, browse
from refwatch.services.documents import show_document
from refwatch.services.ingest import ingest_paths
from refwatch.services.setup import open_database
from refwatch.storage.tables import Incident
from statement_counts import statements

REPORTS = {
    "one.txt": "FICTIONAL. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors in "
    "Shenyang on March 3, 2031, a rights group said. They face forced repatriation.",
    "two.txt": "FICTIONAL. March 22, 2031 - Twelve North Korean defectors were detained by police in "
    "Shenyang on March 3, 2031 and are at risk of being sent back, activists said.",
}


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

        for read, most in [(detail, 4), (listed, 3), (document, 3)]:
            for _ in range(6):  # statements prepared (a one-off round trip more), caches filled
                read()
            with statements(db) as counted:
                read()
            assert 0 < counted[0] <= most, (read.__name__, counted[0])
    finally:
        db.dispose()
