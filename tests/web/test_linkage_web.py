"""The review queue of person linkage as pages: editors only, pair pages audited, decisions by form.

Every person here is FICTIONAL (names made of common syllables).
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
from refwatch.services import accounts, person_linkage, records
from refwatch.services.setup import open_database
from refwatch.storage.tables import AuditEvent
from refwatch.web.app import create_app

PASSWORD = "fictional-password-1"
SECRET = pyotp.random_base32()
LIST_A = "record_id,name_hangul,sex,birth_year\na1,리옥금,F,1985\na2,박달순,M,1978\n"
LIST_B = "record_id,name_romanised,sex,birth_year\nb1,Lee Okgeum,F,1985\nb2,Park Dal Soon,M,1978\n"
NAMES = ("리옥금", "Lee Okgeum", "박달순", "Park Dal Soon")


@pytest.fixture
def client(settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    db = open_database(settings)
    try:
        accounts.add_user(db, "ed", PASSWORD, "editor")
        accounts.enable_totp(db, "ed", SECRET, pyotp.TOTP(SECRET).now())
        accounts.add_user(db, "vi", PASSWORD, "viewer")
        for name, text in (("NGO A", LIST_A), ("NGO B", LIST_B)):
            path = tmp_path / f"{name}.csv"
            path.write_text(text, encoding="utf-8")
            records.import_records(db, path, list_name=name, actor="ed", origin="cli")
        everything = settings.model_copy(
            update={"linkage_match_threshold": 1.0, "linkage_review_threshold": 0.0}
        )
        person_linkage.link_persons(db, everything, actor="ed", origin="cli")
    finally:
        db.dispose()
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        yield test_client


def log_in(client: TestClient, username: str) -> str:
    page = client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf
    form = {"username": username, "password": PASSWORD, "csrf": csrf.group(1)}
    if username == "ed":
        form["code"] = pyotp.TOTP(SECRET).now()
    assert client.post("/login", data=form).headers["location"] == "/"
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert found
    return found.group(1)


def test_editor_reviews_a_pair_and_the_read_is_audited(client: TestClient) -> None:
    csrf = log_in(client, "ed")
    queue = client.get("/linkage/review")
    assert queue.status_code == 200 and "NGO A / a1" in queue.text
    assert not [n for n in NAMES if n in queue.text]
    ids = re.findall(r'href="/linkage/review/(\d+)"', queue.text)
    pair_id = next(
        i
        for i in ids
        if "a1" in client.get(f"/linkage/review/{i}").text and "b1" in client.get(f"/linkage/review/{i}").text
    )
    page = client.get(f"/linkage/review/{pair_id}")
    assert page.status_code == 200 and "리옥금" in page.text and "Lee Okgeum" in page.text
    db = client.app.state.db  # type: ignore[attr-defined]
    with db.session() as session:
        reads = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "record.read")))
    assert reads and all(e.actor == "ed" for e in reads)
    assert (
        client.post(f"/linkage/review/{pair_id}", data={"decision": "confirmed"}).status_code == 403
    )  # no CSRF
    answer = client.post(f"/linkage/review/{pair_id}", data={"decision": "confirmed", "csrf": csrf})
    assert answer.status_code == 303 and answer.headers["location"] == "/linkage/review"
    confirmed = client.get("/linkage/review?status=confirmed").text
    assert f'href="/linkage/review/{pair_id}"' in confirmed and "(ed)" in confirmed


def test_viewer_is_refused(client: TestClient) -> None:
    log_in(client, "vi")
    assert client.get("/linkage/review").status_code == 403
    assert client.get("/linkage/review/1").status_code == 403
