"""Schemathesis against the API's own OpenAPI document: no generated request may cause a server error.

Requests are generated from the schema (Hypothesis, derandomised so the run is
repeatable) and sent in-process with an editor's write token, so the review
and upload endpoints are exercised too, on a SQLite database with a couple of
fictional documents.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from refwatch.config import Settings
from refwatch.services import accounts
from refwatch.services.ingest import ingest_paths
from refwatch.services.setup import open_database
from refwatch.web.app import create_app


@pytest.mark.slow
def test_no_server_errors(sqlite_settings: Settings, tmp_path: Any) -> None:
    db = open_database(sqlite_settings)
    try:
        accounts.add_user(db, "fuzz", "fictional-password-9", "editor")
        token = accounts.issue_token(db, "fuzz", "write")[1]
        report = tmp_path / "gamma.txt"
        report.write_text(
            "FICTIONAL. Chinese police detained 5 North Koreans in Dandong on May 2, 2031.", encoding="utf-8"
        )
        ingest_paths(db, [report], actor="fuzz")
        app = create_app(sqlite_settings)
        app.state.db = db  # the lifespan does not run for in-process schema calls
        schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
        headers = {"Authorization": f"Bearer {token}"}
        failures: list[str] = []
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 12

        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
            )
            def call(case: Any) -> None:
                response = case.call(headers=headers)
                if response.status_code >= 500:
                    failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

            call()
        assert failures == []
    finally:
        db.dispose()
