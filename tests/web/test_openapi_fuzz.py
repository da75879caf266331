"""Schemathesis against the API's own OpenAPI document: no generated request may cause a server error.

Requests are generated from the schema (Hypothesis, derandomised so the run is
repeatable) and sent in-process with an editor's write token, so the review
and upload endpoints are exercised too, on SQLite and on PostgreSQL with a
couple of fictional documents. Three kinds of request:

- positive: valid by the schema (a few per operation);
- negative: invalid by the schema (out of bounds, wrong types, missing fields);
- edges: every path and query parameter of every operation set, in turn, to a
  value that used to reach the database and fail there (integers past 2**31,
  2**63 and bigint, NUL bytes, digits that are not ASCII, other non-ASCII
  text), and every string of a JSON body given a NUL byte. PostgreSQL refuses
  NUL in text and integers beyond bigint, SQLite overflows at 2**63: each was a
  500 before the parameters were bounded in ``web.params``.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode

from refwatch.config import Settings
from refwatch.services import accounts
from refwatch.services.ingest import ingest_paths
from refwatch.services.setup import open_database
from refwatch.web.app import create_app

EDGES = (
    "99999999999999999999",
    str(2**63),  # one past SQLite's integers (and PostgreSQL's bigint)
    str(2**31),  # one past PostgreSQL's integer, the ids' type
    "\x00",
    "Dan\x00dong",
    "²",  # a digit to str.isdigit, not to int()
    "١٢",  # Arabic-Indic twelve
    "단둥",
)
FEW = {"deadline": None, "derandomize": True, "suppress_health_check": list(HealthCheck), "database": None}


def with_nul(value: Any) -> Any:
    """``value`` with a NUL byte put into every string it holds."""
    if isinstance(value, str):
        return value + "\x00"
    if isinstance(value, dict):
        return {k: with_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [with_nul(v) for v in value]
    return value


@pytest.mark.slow
def test_no_server_errors(settings: Settings, tmp_path: Any) -> None:
    db = open_database(settings)
    try:
        accounts.add_user(db, "fuzz", "fictional-password-9", "editor")
        token = accounts.issue_token(db, "fuzz", "write")[1]
        report = tmp_path / "gamma.txt"
        report.write_text(
            "FICTIONAL. Chinese police detained 5 North Koreans in Dandong on May 2, 2031.", encoding="utf-8"
        )
        ingest_paths(db, [report], actor="fuzz")
        app = create_app(settings)
        app.state.db = db  # the lifespan does not run for in-process schema calls
        schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
        headers = {"Authorization": f"Bearer {token}"}
        failures: list[str] = []
        calls = 0
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 12

        def send(case: Any) -> None:
            nonlocal calls
            calls += 1
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query}: {response.status_code}")

        def run(strategy: Any, examples: int, *, nul_bodies: bool = False) -> None:
            @given(case=strategy)
            @hypothesis_settings(max_examples=examples, phases=[Phase.generate], **FEW)
            def call(case: Any) -> None:
                send(case)
                if nul_bodies and isinstance(case.body, dict):
                    case.body = with_nul(case.body)
                    send(case)

            call()

        for operation in operations:
            run(operation.as_strategy(), 6, nul_bodies=True)
            run(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE), 5)
            for parameter in (*operation.path_parameters, *operation.query):
                where = "path_parameters" if parameter.location == "path" else "query"
                for value in EDGES:
                    run(operation.as_strategy(**{where: {parameter.name: value}}), 1)
        assert failures == []
        assert calls > 300, calls  # the edges were sent, not skipped
    finally:
        db.dispose()
