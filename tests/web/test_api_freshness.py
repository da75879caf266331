"""Lists, searches and tokens are cached until the next write: every answer after a write shows it.

Fictional reports (see ``test_api``); SQLite and PostgreSQL.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from test_api import auth, client, tokens, upload  # noqa: F401 (fixtures)

from refwatch.config import Settings
from refwatch.services import accounts
from refwatch.services.setup import open_database
from refwatch.storage.tables import ApiToken


def test_lists_show_a_review_action_at_once(client: TestClient, tokens: dict[str, str]) -> None:  # noqa: F811
    upload(client, tokens["write"])
    before = client.get("/api/v1/incidents", headers=auth(tokens["viewer"])).json()
    again = client.get("/api/v1/incidents", headers=auth(tokens["viewer"])).json()
    assert again == before  # the second answer comes from the cache, identical
    incident = before["items"][0]["id"]
    client.post(f"/api/v1/incidents/{incident}/confirm", headers=auth(tokens["write"]))
    after = client.get("/api/v1/incidents", headers=auth(tokens["viewer"])).json()
    states = {i["id"]: i["review_state"] for i in after["items"]}
    assert states[incident] == "confirmed"
    confirmed = client.get(
        "/api/v1/incidents", params={"review_state": "confirmed"}, headers=auth(tokens["viewer"])
    ).json()
    assert confirmed["total"] == 1


def test_a_search_finds_a_document_stored_after_the_same_search(
    client: TestClient,  # noqa: F811
    tokens: dict[str, str],  # noqa: F811
) -> None:
    headers = auth(tokens["viewer"])
    for query in ("Shenyang", "옌지"):  # the FTS index, and a scan (two characters) on SQLite
        assert client.get("/api/v1/documents", params={"q": query}, headers=headers).json()["total"] == 0
    upload(client, tokens["write"])
    for query, key in (("Shenyang", "alpha"), ("옌지", "beta")):
        found = client.get("/api/v1/documents", params={"q": query}, headers=headers).json()
        assert [d["key"] for d in found["items"]] == [key] and found["total"] == 1


def test_a_revoked_token_stops_working_at_once(
    client: TestClient,  # noqa: F811
    tokens: dict[str, str],  # noqa: F811
    settings: Settings,
) -> None:
    headers = auth(tokens["viewer"])
    assert client.get("/api/v1/documents", headers=headers).status_code == 200
    assert client.get("/api/v1/documents", headers=headers).status_code == 200  # now from the cache
    db = open_database(settings)
    try:
        with db.session() as session:
            token_ids = [t.id for t in session.query(ApiToken).order_by(ApiToken.id)]
        accounts.revoke_token(db, token_ids[2])  # the viewer's (issued third by the fixture)
    finally:
        db.dispose()
    refused = client.get("/api/v1/documents", headers=headers)
    assert refused.status_code == 401 and refused.json()["error"]["code"]
    assert client.get("/api/v1/documents", headers=auth(tokens["write"])).status_code == 200


def test_list_answers_have_the_declared_shape(client: TestClient, tokens: dict[str, str]) -> None:  # noqa: F811
    upload(client, tokens["write"])
    for path in ("/api/v1/incidents", "/api/v1/documents"):
        body = client.get(path, params={"limit": 1}, headers=auth(tokens["viewer"])).json()
        assert set(body) == {"items", "total", "limit", "offset", "total_exact"}
        assert len(body["items"]) == 1 and body["limit"] == 1 and body["offset"] == 0
        assert body["total_exact"] is True and body["total"] >= 2


def test_restricting_an_incident_and_joining_its_group_take_effect_at_once(
    client: TestClient,  # noqa: F811
    tokens: dict[str, str],  # noqa: F811
    settings: Settings,
) -> None:
    from sqlalchemy import select

    from refwatch.services import review
    from refwatch.storage.tables import AuditEvent

    upload(client, tokens["write"])
    viewer = auth(tokens["viewer"])
    incident = client.get("/api/v1/incidents", headers=viewer).json()["items"][0]["id"]
    db = open_database(settings)
    try:
        review.restrict(db, incident, "partners", actor="admin", reason="protects a source", origin="cli")
        ids = [i["id"] for i in client.get("/api/v1/incidents", headers=viewer).json()["items"]]
        assert incident not in ids
        assert client.get(f"/api/v1/incidents/{incident}", headers=viewer).status_code == 404

        accounts.set_groups(db, "vi", ["partners"])
        listed = client.get("/api/v1/incidents", headers=viewer).json()["items"]
        assert {i["id"]: i["restricted_to"] for i in listed}[incident] == "partners"
        assert client.get(f"/api/v1/incidents/{incident}", headers=viewer).status_code == 200

        review.restrict(db, incident, None, actor="admin", reason="source is safe now", origin="cli")
        listed = client.get("/api/v1/incidents", headers=viewer).json()["items"]
        assert {i["id"]: i["restricted_to"] for i in listed}[incident] is None
        with db.session() as session:
            logged = session.scalars(
                select(AuditEvent).where(AuditEvent.action == "incident.restrict").order_by(AuditEvent.id)
            ).all()
    finally:
        db.dispose()
    assert [e.detail["after"]["restricted_to"] for e in logged] == ["partners", None]
    assert logged[0].detail["reason"] == "protects a source"
