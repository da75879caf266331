"""#19: persons added and edited in the browser, sealed, audited without values (SQLite and PostgreSQL).

Every person here is FICTIONAL.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from refwatch.config import Settings
from refwatch.services import accounts
from refwatch.services.setup import open_database
from refwatch.storage.tables import AuditEvent, Person
from refwatch.web.app import create_app

PASSWORD = "fictional-password-4"
SECRET = pyotp.random_base32()
NAME_KO, NAME_EN = "최가공", "Choi Gagong"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    db = open_database(settings)
    try:
        accounts.add_user(db, "ed", PASSWORD, "editor")
        accounts.enable_totp(db, "ed", SECRET, pyotp.TOTP(SECRET).now())
        accounts.add_user(db, "vi", PASSWORD, "viewer")
    finally:
        db.dispose()
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        yield test_client


def login(client: TestClient, name: str) -> None:
    form = {"username": name, "password": PASSWORD, "csrf": csrf(client, "/login")}
    if name == "ed":
        form["code"] = pyotp.TOTP(SECRET).now()
    assert client.post("/login", data=form).status_code == 303


def csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def test_a_person_is_added_and_edited_sealed_and_audited_without_values(
    client: TestClient, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    login(client, "ed")
    assert 'id="add-person"' in client.get("/persons").text
    form = {
        "csrf": csrf(client, "/persons"),
        "pseudonym": "",
        "name_hangul": NAME_KO,
        "name_romanised": NAME_EN,
        "sex": "F",
        "birth_year": "1990",
        "origin": "Hoeryong (fictional)",
        "notes": "met in 2031 (fictional)",
        "lists": "NGO A; NGO B",
        "family_in_north_korea": "on",
    }
    added = client.post("/persons", data=form)
    assert added.status_code == 303, re.findall(r'role="alert"[^>]*>[^<]*', added.text)
    person_id = int(added.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/persons/{person_id}").text
    assert NAME_KO in page and "The person was added." in page and "NGO A, NGO B" in page
    assert re.search(r"<h1>Person P-\d{6}</h1>", page)  # a pseudonym was made up

    edit = {**form, "csrf": csrf(client, f"/persons/{person_id}"), "pseudonym": "Person H-001"}
    edit |= {"birth_year": "1991", "lists": "NGO A", "family_in_north_korea": ""}
    assert client.post(f"/persons/{person_id}", data=edit).status_code == 303
    page = client.get(f"/persons/{person_id}").text
    assert "<h1>Person H-001</h1>" in page and "1991" in page and "The changes were saved." in page

    db = open_database(settings)
    try:
        with db.session() as session:
            person = session.get(Person, person_id)
            assert (
                person is not None and person.name_hangul == NAME_KO and person.family_in_north_korea is False
            )
            raw = session.execute(text("SELECT * FROM persons WHERE id = :id"), {"id": person_id}).one()
            assert not any(
                NAME_KO.encode() in bytes(v) or NAME_EN.encode() in bytes(v)
                for v in raw
                if isinstance(v, (bytes, memoryview))
            )
            assert NAME_EN not in str(raw) and "1991" not in str(raw)
            entries = list(session.scalars(select(AuditEvent).where(AuditEvent.entity == "person")))
            edited = [e for e in entries if e.action == "person.edit"][0]
            assert edited.detail["fields"] == ["birth_year", "family_in_north_korea", "pseudonym"]
            assert edited.detail["lists_removed"] == ["NGO B"]
            assert not any(
                NAME_KO in str(e.detail) or NAME_EN in str(e.detail) or "1991" in str(e.detail)
                for e in entries
            )
    finally:
        db.dispose()
    assert NAME_KO not in caplog.text and NAME_EN not in caplog.text


def test_a_refused_person_keeps_the_input_and_names_the_field_not_the_value(client: TestClient) -> None:
    login(client, "ed")
    form = {
        "csrf": csrf(client, "/persons"),
        "name_hangul": NAME_KO,
        "birth_year": "19x0",
        "incidents": "999",
    }
    refused = client.post("/persons", data=form)
    assert refused.status_code == 422 and 'id="person-error-birth_year"' in refused.text
    assert "write a year such as 1985" in refused.text and f'value="{NAME_KO}"' in refused.text
    assert (
        "19x0" in refused.text.split('id="person-birth_year"')[1][:80]
    )  # kept in its box, not in the message
    form["birth_year"] = "1990"
    refused = client.post("/persons", data=form)
    assert refused.status_code == 422 and "there is no incident 999" in refused.text
    assert client.get("/persons").text.count('href="/persons/') == 0  # nothing stored


def test_viewers_cannot_add_or_edit_persons(client: TestClient) -> None:
    login(client, "vi")
    token = csrf(client, "/")
    assert client.post("/persons", data={"csrf": token, "name_hangul": NAME_KO}).status_code == 403
    assert client.post("/persons/1", data={"csrf": token}).status_code == 403
