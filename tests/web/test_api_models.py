"""The API's typed answers (#19): short operation ids, and real answers that match their declared models.

Most read routes write their JSON themselves (fast paths, see ``api.json_response``), so
FastAPI never checks them against ``response_model``: this test does, field for field
(the models refuse unknown fields), so that the OpenAPI document, and the clients
generated from it, say what the answers really hold. Fictional reports only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from refwatch.config import Settings
from refwatch.services import accounts
from refwatch.services.setup import open_database
from refwatch.web.app import create_app

EN = (
    b"FICTIONAL REPORT. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors "
    b"in Shenyang on March 3, 2031, a rights group said. They face forced repatriation."
)
KO = "가상 보도. 2031년 4월 2일 - 중국 공안이 지난 1일 옌지에서 탈북민 7명을 체포했다.".encode()


@pytest.fixture
def client_and_token(settings: Settings) -> Iterator[tuple[TestClient, str]]:
    db = open_database(settings)
    try:
        accounts.add_user(db, "ed", "fictional-password-1", "editor")
        token = accounts.issue_token(db, "ed", "write")[1]
    finally:
        db.dispose()
    with TestClient(create_app(settings), headers={"Authorization": f"Bearer {token}"}) as client:
        yield client, token


def api_routes() -> list[APIRoute]:
    from refwatch.web import api, interventions, persons

    routers = (api.router, persons.api_router, interventions.api_router)
    return [r for router in routers for r in router.routes if isinstance(r, APIRoute)]


def test_operation_ids_are_short_and_unique(client_and_token: tuple[TestClient, str]) -> None:
    client, _ = client_and_token
    spec = client.get("/api/v1/openapi.json").json()
    ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids)) >= 24
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+){1,4}", i) for i in ids), ids
    assert {"get_incident", "list_incidents", "list_documents", "get_document", "confirm_incident"} <= set(
        ids
    )


def test_every_answer_is_typed_with_the_error_envelope(client_and_token: tuple[TestClient, str]) -> None:
    client, _ = client_and_token
    spec = client.get("/api/v1/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            ok = next(code for code in op["responses"] if code.startswith("2"))
            content = op["responses"][ok]["content"]
            if "application/json" in content:
                schema = content["application/json"]["schema"]
                assert schema != {} and "additionalProperties" not in schema, (method, path, schema)
            assert op["responses"]["422"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorOut"
            }, (method, path)


def check(client: TestClient, method: str, path: str, **kwargs: Any) -> Any:
    """Call the route; its answer must validate against the route's model and dump back to itself."""
    answer = client.request(method, path, **kwargs)
    assert answer.status_code < 300, (path, answer.text)
    route = next(
        r
        for r in api_routes()
        if method in r.methods and r.path_regex.match(path) and ("by-key" in r.path) == ("by-key" in path)
    )
    assert route.response_model is not None, path
    adapter: TypeAdapter[Any] = TypeAdapter(route.response_model)
    body = answer.json()
    parsed = adapter.validate_python(body)
    assert adapter.dump_python(parsed, mode="json") == body, path
    return body


def test_answers_match_their_models(client_and_token: tuple[TestClient, str]) -> None:
    client, _ = client_and_token
    files = [("files", ("alpha.txt", EN, "text/plain")), ("files", ("beta.txt", KO, "text/plain"))]
    check(client, "POST", "/api/v1/documents", files=files)
    documents = check(client, "GET", "/api/v1/documents")
    assert documents["total"] == 2
    check(client, "GET", "/api/v1/documents", params={"q": "탈북민"})
    check(client, "GET", "/api/v1/documents/alpha")
    check(client, "GET", "/api/v1/documents/by-key/beta")
    listed = check(client, "GET", "/api/v1/incidents")
    assert listed["items"]
    first, second = (i["id"] for i in listed["items"][:2])
    check(client, "GET", f"/api/v1/incidents/{first}")
    check(client, "POST", f"/api/v1/incidents/{first}/confirm", json={"reason": "checked"})
    edited = check(
        client,
        "POST",
        f"/api/v1/incidents/{first}/edit",
        json={"field": "count", "value": "13", "reason": "second source"},
    )
    assert edited["overrides"]
    check(client, "GET", f"/api/v1/incidents/{first}/history")
    check(client, "POST", f"/api/v1/incidents/{first}/undo")
    check(client, "POST", f"/api/v1/incidents/{second}/reject", json={"reason": "not an event"})
    check(client, "GET", "/api/v1/public/incidents")
    check(client, "GET", "/api/v1/stats")
    check(client, "GET", "/api/v1/tallies")
    added = check(
        client,
        "POST",
        f"/api/v1/incidents/{first}/interventions",
        json={"kind": "letter", "addressee": "UNHCR", "sent_on": "2031-04-01"},
    )
    check(client, "POST", f"/api/v1/interventions/{added['id']}", json={"status": "sent"})
    check(client, "GET", f"/api/v1/incidents/{first}/interventions")
    check(client, "GET", "/api/v1/interventions")
    merged = check(client, "POST", f"/api/v1/incidents/{first}/merge", json={"other": second})
    assert merged["id"] == first
    error = client.get("/api/v1/incidents/999999")
    assert error.status_code == 404 and set(error.json()["error"]) == {"code", "message"}
