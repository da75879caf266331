"""#19, review safety and editing by hand through the pages, on SQLite and PostgreSQL (fictional reports).

A rejection needs a reason, which the history shows; after confirm or reject the
page says what happened and offers an Undo that reverses exactly that action
(never someone's later change). Edits use a control per field, a refused value
comes back inline with the input kept, the history names the field and its
values before and after, and a hand-set value says who set it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pyotp
import pytest
from fastapi.testclient import TestClient
from test_api import EN, KO

from refwatch.config import Settings
from refwatch.errors import Conflict, InvalidInput
from refwatch.services import accounts, review
from refwatch.services.ingest import ingest_uploads
from refwatch.services.setup import open_database
from refwatch.web.app import create_app

PASSWORD = "fictional-password-1"
SECRET = pyotp.random_base32()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    db = open_database(settings)
    try:
        accounts.add_user(db, "ed", PASSWORD, "editor")
        accounts.enable_totp(db, "ed", SECRET, pyotp.TOTP(SECRET).now())
    finally:
        db.dispose()
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        token = csrf(test_client, "/login")
        form = {"username": "ed", "password": PASSWORD, "csrf": token, "code": pyotp.TOTP(SECRET).now()}
        assert test_client.post("/login", data=form).status_code == 303
        files = [("files", ("alpha.txt", EN, "text/plain")), ("files", ("beta.txt", KO, "text/plain"))]
        answer = test_client.post("/documents", files=files, data={"csrf": csrf(test_client, "/documents")})
        assert answer.status_code == 200, answer.text
        yield test_client


def csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def first_candidate(client: TestClient) -> int:
    match = re.search(r'id="current" data-incident="(\d+)"', client.get("/review").text)
    assert match
    return int(match.group(1))


def test_reject_needs_a_reason_says_what_happened_and_undoes(client: TestClient) -> None:
    incident = first_candidate(client)
    queue = client.get("/review").text
    assert 'id="reject-reason"' in queue and 'accesskey="r"' not in queue  # no one-key rejection
    token = csrf(client, "/review")

    refused = client.post(f"/incidents/{incident}/reject", data={"csrf": token, "next": "/review"})
    assert refused.status_code == 422 and "rejection needs a reason" in refused.text
    assert "--reason" not in refused.text  # the CLI's wording is not shown to web users
    assert "state-candidate" in client.get(f"/incidents/{incident}").text

    reason = "the same arrest as another report (fictional)"
    done = client.post(
        f"/incidents/{incident}/reject", data={"csrf": token, "next": "/review", "reason": reason}
    )
    assert done.status_code == 303 and done.headers["location"] == "/review"
    after = client.get("/review").text
    shown = re.search(r'<div class="done".*?</div>', after, re.S)
    assert shown and f"Incident #{incident}: rejected." in shown.group(0)
    expected = re.search(r'name="expected" value="(\d+)"', shown.group(0))
    assert expected and 'id="undo-done"' in shown.group(0)
    assert "done" not in client.get("/review").text.split("<main")[1].split('class="')[1]  # shown once
    page = client.get(f"/incidents/{incident}").text
    assert "state-rejected" in page and reason in page.split("History")[1]

    undone = client.post(
        f"/incidents/{incident}/undo", data={"csrf": token, "expected": expected.group(1), "next": "/review"}
    )
    assert undone.status_code == 303
    assert f"Undone on incident #{incident}: rejected." in client.get("/review").text
    page = client.get(f"/incidents/{incident}").text
    assert "state-candidate" in page and "undid: rejected" in page

    # The same Undo again (a second tab, a reload): nothing left that it names, so nothing is reversed.
    client.post(f"/incidents/{incident}/confirm", data={"csrf": token})
    stale = client.post(f"/incidents/{incident}/undo", data={"csrf": token, "expected": expected.group(1)})
    assert stale.status_code == 409
    assert "state-confirmed" in client.get(f"/incidents/{incident}").text


def test_services_refuse_a_rejection_without_reason_and_a_stale_undo(settings: Settings) -> None:
    db = open_database(settings)
    try:
        ingest_uploads(db, [("alpha.txt", io.BytesIO(EN))], actor="t", settings=settings)
        incident = review.review_queue(db, limit=1)[0]["id"]
        with pytest.raises(InvalidInput, match="rejection needs a reason"):
            review.set_state(db, incident, "rejected", actor="t", reason="  ")
        first = review.set_state(db, incident, "rejected", actor="t", reason="not in scope")
        review.set_state(db, incident, "confirmed", actor="other")
        with pytest.raises(Conflict):
            review.undo(db, incident, actor="t", expected=first)
        assert review.undo(db, incident, actor="t") == "incident.confirm"
        entries = review.history(db, incident, visible_groups=None)
        assert [e.detail.get("reason") for e in entries if e.action == "incident.reject"] == ["not in scope"]
        assert entries[-1].action == "incident.undo" and entries[-1].actor == "t"
    finally:
        db.dispose()


def test_edit_forms_use_controls_keep_refused_input_and_name_the_change(client: TestClient) -> None:
    incident = first_candidate(client)
    page = client.get(f"/incidents/{incident}").text
    assert re.search(r'<select id="edit-status" name="value">.*?<option value="at_risk"', page, re.S)
    count = re.search(r'id="edit-count" name="value" type="number"[^>]* value="(\d+)"', page)
    assert count, "the count's control is a number input showing the count"
    assert 'id="edit-date_start" name="value" type="date"' in page
    assert '<select id="edit-date_precision"' in page and '<select id="edit-count_qualifier"' in page
    assert 'type="checkbox" name="event_types" value="arrest"' in page
    client.cookies.set("lang", "ko")
    korean = client.get(f"/incidents/{incident}").text
    assert (
        re.search(r'<option value="at_risk"( selected)?>송환 위기</option>', korean) and "최소 인원" in korean
    )
    client.cookies.set("lang", "en")

    token = csrf(client, f"/incidents/{incident}")
    count_form = {
        "csrf": token,
        "group": "count",
        "field": ["count", "count_qualifier", "count_min", "count_max"],
        "value": ["twelve-ish", "exact", "", ""],
        "reason": "the second report says so",
    }
    refused = client.post(f"/incidents/{incident}/edit", data=count_form)
    assert refused.status_code == 422
    assert 'id="edit-error"' in refused.text and "count must be a whole number" in refused.text
    assert 'value="twelve-ish"' in refused.text and 'value="the second report says so"' in refused.text
    assert "What each source says" in refused.text  # the incident page itself, not a bare error page

    count_form["value"] = ["9", "exact", "", ""]
    saved = client.post(f"/incidents/{incident}/edit", data=count_form)
    assert saved.status_code == 303, re.findall(r'id="edit-error">[^<]*', saved.text)
    page = client.get(f"/incidents/{incident}").text
    history = page.split('<ol class="history">')[1]
    assert f"changed Count from {count.group(1)} to 9" in history and "the second report says so" in history
    assert "Count qualifier" not in history  # unchanged fields of the same form are not written
    assert re.search(r'<dd id="people">9.*?set by hand by ed', page, re.S)

    status_form = {
        "csrf": token,
        "group": "status",
        "field": ["status"],
        "value": ["released"],
        "reason": "r",
    }
    assert client.post(f"/incidents/{incident}/edit", data=status_form).status_code == 303
    shown = client.get(f"/incidents/{incident}").text
    expected = re.search(r'<div class="done".*?name="expected" value="(\d+)"', shown, re.S)
    assert expected and f"Incident #{incident}: edited." in shown
    undo = {"csrf": token, "expected": expected.group(1)}
    assert client.post(f"/incidents/{incident}/undo", data=undo).status_code == 303
    status_now = client.get(f"/incidents/{incident}").text.split("<dt>Status</dt>")[1].split("</dd>")[0]
    assert "set by hand" not in status_now  # the edit is undone, and so is its mark
    assert client.post(f"/incidents/{incident}/edit", data=status_form).status_code == 303
    client.cookies.set("lang", "ko")
    korean = client.get(f"/incidents/{incident}").text
    assert "상태 변경: " in korean and "→ 석방됨" in korean and "ed 님이 직접 입력" in korean
