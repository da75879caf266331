"""Persons in the API and the pages: editors and admins only, every read audited with its origin.

Every person here is FICTIONAL (김가상 / Kim Gasang and the rest are made up).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from refwatch.config import Settings
from refwatch.services import accounts, persons
from refwatch.services.auditing import verify_audit
from refwatch.services.setup import open_database
from refwatch.storage.database import Database
from refwatch.storage.tables import AuditEvent, Incident
from refwatch.web.app import create_app

PASSWORD = "fictional-password-1"
SECRET = pyotp.random_base32()
# Fictional people; the notes try to inject markup into the page.
PEOPLE_CSV = (
    "pseudonym,name_hangul,name_romanised,sex,notes,lists\n"
    "Person A-017,김가상,Kim Gasang,F,<script>alert(1)</script>,NGO A\n"
    "Person A-018,박허구,Park Heogu,M,,NGO A;NGO B\n"
)
NAMES = ("김가상", "Kim Gasang", "박허구", "Park Heogu")


@pytest.fixture
def client(settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    db = open_database(settings)
    try:
        accounts.add_user(db, "ed", PASSWORD, "editor")
        accounts.enable_totp(db, "ed", SECRET, pyotp.TOTP(SECRET).now())
        accounts.add_user(db, "vi", PASSWORD, "viewer")
        (tmp_path / "people.csv").write_text(PEOPLE_CSV, encoding="utf-8")
        persons.import_persons(db, tmp_path / "people.csv", actor="ed", origin="cli")
    finally:
        db.dispose()
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        yield test_client


def token(client: TestClient, username: str, scope: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {accounts.issue_token(app_db(client), username, scope)[1]}"}


def app_db(client: TestClient) -> Database:
    db: Database = client.app.state.db  # type: ignore[attr-defined]
    return db


def audited(client: TestClient, action: str = "person.read") -> list[AuditEvent]:
    with app_db(client).session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def person_id(client: TestClient, pseudonym: str) -> int:
    found = persons.list_persons(app_db(client), actor="test", origin=None)
    return next(p.id for p in found.items if p.pseudonym == pseudonym)


def log_in(client: TestClient, username: str) -> None:
    page = client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf
    form = {"username": username, "password": PASSWORD, "csrf": csrf.group(1)}
    if username == "ed":
        form["code"] = pyotp.TOTP(SECRET).now()
    assert client.post("/login", data=form).headers["location"] == "/"


def test_api_lists_without_names_and_audits_each_read(client: TestClient) -> None:
    headers = token(client, "ed", "read")  # an editor's read-only token may read persons
    listed = client.get("/api/v1/persons", headers=headers)
    assert listed.status_code == 200
    body = listed.json()
    assert body["total"] == 2 and [p["pseudonym"] for p in body["items"]] == ["Person A-017", "Person A-018"]
    assert body["items"][1]["lists"] == ["NGO A", "NGO B"]
    assert not [name for name in NAMES if name in listed.text]

    kim = person_id(client, "Person A-017")
    shown = client.get(f"/api/v1/persons/{kim}", headers=headers)
    assert shown.status_code == 200
    assert (shown.json()["name_hangul"], shown.json()["name_romanised"]) == ("김가상", "Kim Gasang")
    (read,) = audited(client)
    assert (read.actor, read.entity, read.entity_id, read.origin) == ("ed", "person", str(kim), "testclient")
    (listing,) = [e for e in audited(client, "person.list") if e.actor == "ed"]
    assert listing.origin == "testclient" and listing.detail["shown"] == 2
    assert client.get("/api/v1/persons/99999", headers=headers).status_code == 404
    assert verify_audit(app_db(client)) == []


def test_api_refuses_viewers_and_anonymous_callers(client: TestClient) -> None:
    kim = person_id(client, "Person A-017")
    viewer = token(client, "vi", "write")  # the role decides, not the token's scope
    for path in ("/api/v1/persons", f"/api/v1/persons/{kim}"):
        assert client.get(path).status_code == 401
        refused = client.get(path, headers=viewer)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
        assert not [name for name in NAMES if name in refused.text]
    assert audited(client) == []
    # Each refusal is on the record: who asked, for which person, from where.
    refusals = [(e.actor, e.entity_id, e.origin) for e in audited(client, "person.refused")]
    assert refusals == [("vi", None, "testclient"), ("vi", str(kim), "testclient")]


def test_person_page_shows_escaped_details_and_audits_the_read(client: TestClient) -> None:
    kim = person_id(client, "Person A-017")
    log_in(client, "ed")
    listing = client.get("/persons")
    assert listing.status_code == 200 and "Person A-018" in listing.text
    assert not [name for name in NAMES if name in listing.text]

    page = client.get(f"/persons/{kim}")
    assert page.status_code == 200
    assert "김가상" in page.text and "Kim Gasang" in page.text
    assert (
        "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    )
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text) is None  # no inline script
    assert " style=" not in page.text
    (read,) = audited(client)
    assert (read.actor, read.entity_id, read.origin) == ("ed", str(kim), "testclient")
    assert client.get("/persons/99999").status_code == 404
    client.get(f"/lang/ko?next=/persons/{kim}")
    assert "감사 기록" in client.get(f"/persons/{kim}").text
    assert len(audited(client)) == 2
    assert verify_audit(app_db(client)) == []


def test_person_pages_refuse_viewers_and_send_strangers_to_log_in(client: TestClient) -> None:
    kim = person_id(client, "Person A-017")
    for path in ("/persons", f"/persons/{kim}"):
        answer = client.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=/persons")
    log_in(client, "vi")
    for path in ("/persons", f"/persons/{kim}"):
        refused = client.get(path)
        assert refused.status_code == 403
        assert not [name for name in NAMES if name in refused.text]
    assert audited(client) == []
    refusals = [(e.actor, e.entity_id, e.origin) for e in audited(client, "person.refused")]
    assert refusals == [("vi", None, "testclient"), ("vi", str(kim), "testclient")]


def test_incident_page_links_editors_to_its_persons(client: TestClient, tmp_path: Path) -> None:
    with app_db(client).transaction() as session:
        incident = Incident()
        session.add(incident)
        session.flush()
        incident_id = incident.id
    (tmp_path / "more.csv").write_text(f"pseudonym,incident\nPerson A-018,{incident_id}\n", encoding="utf-8")
    persons.import_persons(app_db(client), tmp_path / "more.csv", actor="ed", origin="cli")
    log_in(client, "ed")
    assert f'href="/persons?incident={incident_id}"' in client.get(f"/incidents/{incident_id}").text
    of_incident = client.get(f"/persons?incident={incident_id}").text
    assert "Person A-018" in of_incident and "Person A-017" not in of_incident
