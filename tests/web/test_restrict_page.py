"""Restricting a document from its page (#19 "every command in the UI"): admins only, a reason required,
audited; the document and every incident drawn from it leave other readers' view at once.

Reports are fictional.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pyotp
import pytest
from fastapi.testclient import TestClient

from refwatch.config import Settings
from refwatch.services import accounts
from refwatch.services.setup import open_database
from refwatch.web.app import create_app

PASSWORD = "fictional-password-7"
SECRET = pyotp.random_base32()
REPORT = b"FICTIONAL. Police arrested 12 North Korean defectors in Shenyang on March 3, 2031."


@pytest.fixture
def session(settings: Settings) -> Iterator[Callable[[str], TestClient]]:
    """Log in as a role; every client's application is shut down properly at the end."""
    db = open_database(settings)
    try:
        for role in ("viewer", "editor", "admin"):
            accounts.add_user(db, role, PASSWORD, role)
            if role != "viewer":
                accounts.enable_totp(db, role, SECRET, pyotp.TOTP(SECRET).now())
    finally:
        db.dispose()
    app = create_app(settings)
    with ExitStack() as clients:
        yield lambda role: log_in(clients.enter_context(TestClient(app, follow_redirects=False)), role)


def log_in(client: TestClient, role: str) -> TestClient:
    form = {"username": role, "password": PASSWORD, "csrf": token(client, "/login")}
    if role != "viewer":
        form["code"] = pyotp.TOTP(SECRET).now()
    assert client.post("/login", data=form).headers["location"] == "/"
    return client


def token(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert match, path
    return match.group(1)


def test_an_admin_restricts_and_opens_a_document_with_its_incidents(
    session: Callable[[str], TestClient],
) -> None:
    admin = session("admin")
    files = [("files", ("gamma.txt", REPORT, "text/plain"))]
    assert admin.post("/documents", files=files, data={"csrf": token(admin, "/documents")}).status_code == 200
    page = admin.get("/documents/by-key/gamma").text
    doc_id = re.search(r'action="/documents/(\d+)/restrict"', page)
    assert doc_id and 'id="restriction"' in page
    incidents = re.findall(r'href="/incidents/(\d+)"', page)
    assert incidents
    viewer = session("viewer")
    assert viewer.get("/documents/by-key/gamma").status_code == 200

    form = {"csrf": token(admin, "/documents"), "group": "ngo-a", "reason": "a family still in the North"}
    answer = admin.post(f"/documents/{doc_id.group(1)}/restrict", data=form)
    assert answer.status_code == 303
    assert "ngo-a" in admin.get("/documents/by-key/gamma").text
    assert viewer.get("/documents/by-key/gamma").status_code == 404
    assert viewer.get(f"/incidents/{incidents[0]}").status_code == 404

    form = {"csrf": token(admin, "/documents"), "group": "", "reason": "the family has reached safety"}
    assert admin.post(f"/documents/{doc_id.group(1)}/restrict", data=form).status_code == 303
    assert viewer.get("/documents/by-key/gamma").status_code == 200


def test_a_restriction_needs_a_reason_and_an_admin(session: Callable[[str], TestClient]) -> None:
    admin = session("admin")
    files = [("files", ("delta.txt", REPORT, "text/plain"))]
    admin.post("/documents", files=files, data={"csrf": token(admin, "/documents")})
    doc_id = re.search(r'action="/documents/(\d+)/restrict"', admin.get("/documents/by-key/delta").text)
    assert doc_id
    no_reason = {"csrf": token(admin, "/documents"), "group": "ngo-a", "reason": " "}
    assert admin.post(f"/documents/{doc_id.group(1)}/restrict", data=no_reason).status_code == 422
    editor = session("editor")
    form = {"csrf": token(editor, "/documents"), "group": "ngo-a", "reason": "editors may not"}
    assert editor.post(f"/documents/{doc_id.group(1)}/restrict", data=form).status_code == 403
    assert 'id="restriction"' not in editor.get("/documents/by-key/delta").text


def test_an_admin_restricts_an_incident_from_its_page(session: Callable[[str], TestClient]) -> None:
    admin = session("admin")
    files = [("files", ("epsilon.txt", REPORT, "text/plain"))]
    admin.post("/documents", files=files, data={"csrf": token(admin, "/documents")})
    (incident,) = set(re.findall(r'href="/incidents/(\d+)"', admin.get("/documents/by-key/epsilon").text))
    page = admin.get(f"/incidents/{incident}").text
    assert f'action="/incidents/{incident}/restrict"' in page and "Open to every reader." in page
    viewer, editor = session("viewer"), session("editor")
    assert 'id="restriction"' not in editor.get(f"/incidents/{incident}").text  # admins only
    refused = {"csrf": token(editor, "/documents"), "group": "ngo-b", "reason": "editors may not"}
    assert editor.post(f"/incidents/{incident}/restrict", data=refused).status_code == 403
    no_reason = {"csrf": token(admin, "/documents"), "group": "ngo-b", "reason": ""}
    assert admin.post(f"/incidents/{incident}/restrict", data=no_reason).status_code == 422
    assert viewer.get(f"/incidents/{incident}").status_code == 200

    form = {"csrf": token(admin, "/documents"), "group": "ngo-b", "reason": "a witness is still in the North"}
    assert admin.post(f"/incidents/{incident}/restrict", data=form).status_code == 303
    assert "ngo-b" in admin.get(f"/incidents/{incident}").text
    # The reports it was drawn from go with it, as on the command line.
    assert viewer.get(f"/incidents/{incident}").status_code == 404
    assert viewer.get("/documents/by-key/epsilon").status_code == 404
    form = {"csrf": token(admin, "/documents"), "group": "", "reason": "the witness has reached safety"}
    assert admin.post(f"/incidents/{incident}/restrict", data=form).status_code == 303
    assert viewer.get(f"/incidents/{incident}").status_code == 200
