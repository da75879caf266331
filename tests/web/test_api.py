"""The REST API in-process (FastAPI's TestClient), on SQLite and PostgreSQL.

Reports are fictional (pseudonymous people, invented events in 2031).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from refwatch.config import Settings
from refwatch.services import accounts
from refwatch.services.setup import open_database
from refwatch.storage.tables import AuditEvent
from refwatch.web.app import create_app

EN = (
    b"FICTIONAL REPORT. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors "
    b"in Shenyang on March 3, 2031, a rights group said. They face forced repatriation."
)
KO = (
    "가상 보도. 2031년 4월 2일 - 중국 공안이 지난 1일 옌지에서 탈북민 7명을 체포했다고 소식통이 전했다."
).encode()


@pytest.fixture
def tokens(settings: Settings) -> dict[str, str]:
    db = open_database(settings)
    try:
        accounts.add_user(db, "ed", "fictional-password-1", "editor")
        accounts.add_user(db, "vi", "fictional-password-2", "viewer")
        return {
            "write": accounts.issue_token(db, "ed", "write")[1],
            "editor_read": accounts.issue_token(db, "ed", "read")[1],
            "viewer": accounts.issue_token(db, "vi", "write")[1],
        }
    finally:
        db.dispose()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def upload(client: TestClient, token: str) -> dict[str, object]:
    files = [("files", ("alpha.txt", EN, "text/plain")), ("files", ("beta.txt", KO, "text/plain"))]
    answer = client.post("/api/v1/documents", files=files, headers=auth(token))
    assert answer.status_code == 201, answer.text
    body: dict[str, object] = answer.json()
    return body


def test_upload_list_search_and_read(client: TestClient, tokens: dict[str, str]) -> None:
    body = upload(client, tokens["write"])
    assert sorted(body["stored"]) == ["alpha", "beta"]  # type: ignore[arg-type]
    again = upload(client, tokens["write"])
    assert sorted(again["unchanged"]) == ["alpha", "beta"]  # type: ignore[arg-type]

    listed = client.get("/api/v1/documents", headers=auth(tokens["viewer"])).json()
    assert listed["total"] == 2 and len(listed["items"]) == 2
    korean = client.get("/api/v1/documents", params={"q": "탈북민"}, headers=auth(tokens["viewer"])).json()
    assert [d["key"] for d in korean["items"]] == ["beta"]
    page = client.get("/api/v1/documents", params={"limit": 1, "offset": 1}, headers=auth(tokens["viewer"]))
    assert page.json()["total"] == 2 and len(page.json()["items"]) == 1

    detail = client.get("/api/v1/documents/alpha", headers=auth(tokens["viewer"])).json()
    assert detail["text"].startswith("FICTIONAL REPORT") and detail["incident_ids"]
    original = client.get("/api/v1/documents/alpha/original", headers=auth(tokens["viewer"]))
    assert original.content == EN
    assert len(original.headers["X-SHA256"]) == 64


def test_incident_list_review_and_history(
    client: TestClient, tokens: dict[str, str], settings: Settings
) -> None:
    upload(client, tokens["write"])
    listed = client.get("/api/v1/incidents", headers=auth(tokens["viewer"])).json()
    assert listed["total"] >= 2
    shenyang = next(i for i in listed["items"] if i["victims"]["count"] == 12)
    assert shenyang["sources"][0]["document"] == "alpha"
    assert all(i["review_state"] == "candidate" for i in listed["items"])

    incident_id = shenyang["id"]
    confirmed = client.post(
        f"/api/v1/incidents/{incident_id}/confirm", json={"reason": "checked"}, headers=auth(tokens["write"])
    )
    assert confirmed.status_code == 200 and confirmed.json()["review_state"] == "confirmed"
    only_confirmed = client.get(
        "/api/v1/incidents", params={"review_state": "confirmed"}, headers=auth(tokens["viewer"])
    ).json()
    assert [i["id"] for i in only_confirmed["items"]] == [incident_id]
    edited = client.post(
        f"/api/v1/incidents/{incident_id}/edit",
        json={"field": "count", "value": "13", "reason": "second source"},
        headers=auth(tokens["write"]),
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["victims"]["count"] == 13
    history = client.get(f"/api/v1/incidents/{incident_id}/history", headers=auth(tokens["viewer"])).json()
    assert [h["actor"] for h in history[-2:]] == ["ed", "ed"]
    undone = client.post(f"/api/v1/incidents/{incident_id}/undo", headers=auth(tokens["write"]))
    assert undone.status_code == 200 and undone.json()["incident"]["victims"]["count"] == 12
    # The audit log says who and from where (TestClient's address is "testclient").
    db = open_database(settings)
    try:
        with db.session() as session:
            events = session.scalars(
                select(AuditEvent).where(
                    AuditEvent.entity == "incident", AuditEvent.entity_id == str(incident_id)
                )
            ).all()
    finally:
        db.dispose()
    reviewed = [(e.action, e.actor, e.origin) for e in events if e.action != "incidents.relink"]
    assert reviewed[-3:] == [
        ("incident.confirm", "ed", "testclient"),
        ("incident.edit", "ed", "testclient"),
        ("incident.undo", "ed", "testclient"),
    ]

    stats = client.get("/api/v1/stats", headers=auth(tokens["viewer"])).json()
    assert stats["incidents"] >= 2 and stats["people"] >= 19
    assert any(row["month"] == "2031-03" for row in stats["per_month"])


def test_authentication_and_roles(client: TestClient, tokens: dict[str, str]) -> None:
    missing = client.get("/api/v1/incidents")
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "not_authenticated"
    assert client.get("/api/v1/incidents", headers=auth("rw_not-a-token")).status_code == 401
    # A viewer may read but not review, even with a write-scoped token; an editor's read token neither.
    for name in ("viewer", "editor_read"):
        answer = client.post("/api/v1/incidents/1/confirm", headers=auth(tokens[name]))
        assert answer.status_code == 403, name
        assert answer.json()["error"]["code"] == "permission_denied"


def test_revoked_token_stops_working(client: TestClient, settings: Settings) -> None:
    db = open_database(settings)
    try:
        accounts.add_user(db, "ad", "fictional-password-3", "admin")
        token_id, token = accounts.issue_token(db, "ad", "read")
        assert client.get("/api/v1/stats", headers=auth(token)).status_code == 200
        accounts.revoke_token(db, token_id)
    finally:
        db.dispose()
    assert client.get("/api/v1/stats", headers=auth(token)).status_code == 401


def test_errors_have_one_shape(client: TestClient, tokens: dict[str, str]) -> None:
    headers = auth(tokens["write"])
    cases = [
        (client.get("/api/v1/incidents/999999", headers=headers), 404, "not_found"),
        (client.get("/api/v1/documents/nope", headers=headers), 404, "not_found"),
        (client.get("/api/v1/incidents", params={"status": "bogus"}, headers=headers), 422, "invalid_input"),
        (client.get("/api/v1/incidents", params={"limit": 0}, headers=headers), 422, "invalid_input"),
        (client.post("/api/v1/incidents/1/edit", json={}, headers=headers), 422, "invalid_input"),
        (client.get("/api/v1/nothing-here", headers=headers), 404, "not_found"),
    ]
    for answer, status, code in cases:
        assert answer.status_code == status, answer.text
        assert answer.json()["error"]["code"] == code
        assert answer.json()["error"]["message"]


def test_security_headers_and_openapi(client: TestClient) -> None:
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    spec = answer.json()
    assert "/api/v1/incidents" in spec["paths"] and "/api/v1/documents" in spec["paths"]
    csp = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"


def test_search_short_and_long_queries_in_every_script(client: TestClient, tokens: dict[str, str]) -> None:
    upload(client, tokens["write"])
    headers = auth(tokens["viewer"])
    for query, expected in [
        ("탈북민", ["beta"]),  # trigram index
        ("탈북", ["beta"]),  # two syllables: the LIKE fallback
        ("shenyang", ["alpha"]),  # case-insensitive
        ('"forced', []),  # quotes cannot break the query
        ("100%", []),  # nor LIKE wildcards
    ]:
        found = client.get("/api/v1/documents", params={"q": query}, headers=headers).json()
        assert [d["key"] for d in found["items"]] == expected, query


def test_public_incidents_are_confirmed_and_redacted(client: TestClient, tokens: dict[str, str]) -> None:
    upload(client, tokens["write"])
    assert client.get("/api/v1/public/incidents").json()["total"] == 0  # nothing confirmed yet
    listed = client.get("/api/v1/incidents", headers=auth(tokens["viewer"])).json()["items"]
    shenyang = next(i for i in listed if i["victims"]["count"] == 12)
    client.post(f"/api/v1/incidents/{shenyang['id']}/confirm", headers=auth(tokens["write"]))
    public = client.get("/api/v1/public/incidents").json()
    assert public["total"] == 1
    (record,) = public["items"]
    assert set(record) <= {
        "id",
        "event_types",
        "status",
        "date",
        "victims",
        "places",
        "perpetrators",
        "sources",
    }
    assert "FICTIONAL" not in str(record) and "Seoul" not in str(record)  # no quotes, no text
    assert record["date"]["start"] == "2031-03-01"  # coarsened to the month (its first day)


def test_restricted_incidents_only_for_their_group(
    client: TestClient, tokens: dict[str, str], settings: Settings
) -> None:
    from refwatch.services.accounts import set_groups
    from refwatch.storage.tables import Incident

    upload(client, tokens["write"])
    listed = client.get("/api/v1/incidents", headers=auth(tokens["viewer"])).json()["items"]
    hidden = next(i for i in listed if i["victims"]["count"] == 12)["id"]
    db = open_database(settings)
    try:
        with db.transaction() as session:
            session.get(Incident, hidden).restricted_to = "partners"  # type: ignore[union-attr]
    finally:
        db.dispose()
    for name in ("viewer", "write"):
        headers = auth(tokens[name])
        ids = [i["id"] for i in client.get("/api/v1/incidents", headers=headers).json()["items"]]
        assert hidden not in ids
        assert client.get(f"/api/v1/incidents/{hidden}", headers=headers).status_code == 404
    assert (
        client.post(f"/api/v1/incidents/{hidden}/confirm", headers=auth(tokens["write"])).status_code == 404
    )
    db = open_database(settings)
    try:
        set_groups(db, "ed", ["partners"])  # audited, so the server's cached principal is renewed at once
    finally:
        db.dispose()
    headers = auth(tokens["write"])
    assert client.get(f"/api/v1/incidents/{hidden}", headers=headers).status_code == 200
    assert client.post(f"/api/v1/incidents/{hidden}/confirm", headers=headers).status_code == 200
    assert client.get("/api/v1/public/incidents").json()["total"] == 0  # restricted: never public


def test_search_totals_are_capped_and_say_so(
    client: TestClient, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from refwatch.services import browse

    monkeypatch.setattr(browse, "SEARCH_COUNT_CAP", 1)
    upload(client, tokens["write"])
    found = client.get("/api/v1/documents", params={"q": "FICTIONAL"}, headers=auth(tokens["viewer"])).json()
    assert (found["total"], found["total_exact"], len(found["items"])) == (1, True, 1)
    both = client.get("/api/v1/documents", params={"q": "보도"}, headers=auth(tokens["viewer"])).json()
    assert both["total_exact"] is True
    everything = client.get("/api/v1/documents", params={"q": "20"}, headers=auth(tokens["viewer"])).json()
    assert (everything["total"], everything["total_exact"]) == (1, False)
    assert [d["key"] for d in everything["items"]] == ["beta", "alpha"]  # most recently stored first
    listed = client.get("/api/v1/documents", headers=auth(tokens["viewer"])).json()
    assert (listed["total"], listed["total_exact"]) == (2, True)  # plain lists are counted exactly


def test_cached_figures_follow_every_write(client: TestClient, tokens: dict[str, str]) -> None:
    """Totals, facets and dashboard figures are kept between requests, but never outlive a change."""
    empty = client.get("/api/v1/stats", headers=auth(tokens["viewer"])).json()
    assert (empty["incidents"], empty["review_queue"]) == (0, 0)
    assert client.get("/api/v1/incidents", headers=auth(tokens["viewer"])).json()["total"] == 0
    upload(client, tokens["write"])
    stats = client.get("/api/v1/stats", headers=auth(tokens["viewer"])).json()
    listed = client.get("/api/v1/incidents", headers=auth(tokens["viewer"])).json()
    assert stats["incidents"] == listed["total"] >= 2 and stats["review_queue"] == listed["total"]
    first = listed["items"][0]["id"]
    client.post(f"/api/v1/incidents/{first}/reject", json={"reason": "test"}, headers=auth(tokens["write"]))
    after = client.get("/api/v1/stats", headers=auth(tokens["viewer"])).json()
    assert after["review_queue"] == stats["review_queue"] - 1 and after["incidents"] == stats["incidents"] - 1


def test_search_pages_are_the_same_whether_the_newest_documents_fill_them_or_not(
    client: TestClient, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL looks among the newest documents first; the answer must not depend on it."""
    from refwatch.storage import search

    upload(client, tokens["write"])
    third = [
        ("files", ("gamma.txt", b"FICTIONAL NOTE. Nothing happened in Dandong on 2 May 2031.", "text/plain"))
    ]
    assert client.post("/api/v1/documents", files=third, headers=auth(tokens["write"])).status_code == 201

    def keys(q: str, limit: int, offset: int) -> list[str]:
        params: dict[str, str | int] = {"q": q, "limit": limit, "offset": offset}
        found = client.get("/api/v1/documents", params=params, headers=auth(tokens["viewer"])).json()
        return [d["key"] for d in found["items"]]

    expected = {(q, o): keys(q, 1, o) for q in ("Shenyang", "FICTIONAL", "2031") for o in (0, 1, 2)}
    monkeypatch.setattr(search, "RECENT_WINDOW", 1)  # only the newest document is looked at first
    monkeypatch.setattr(search, "RECENT_GROWTH", 1)
    assert {(q, o): keys(q, 1, o) for q in ("Shenyang", "FICTIONAL", "2031") for o in (0, 1, 2)} == expected
    assert expected[("Shenyang", 0)] == ["alpha"] and expected[("FICTIONAL", 0)] == ["gamma"]
    assert expected[("2031", 1)] == ["beta"] and expected[("Shenyang", 1)] == []
