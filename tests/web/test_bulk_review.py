"""Bulk confirm and reject from the incident list (#19): editors only, all checked first, each audited.

Reports are fictional.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from test_pages import client, csrf, log_in, upload  # noqa: F401 (the client fixture)


def listed_ids(client: TestClient) -> list[int]:  # noqa: F811
    return sorted({int(i) for i in re.findall(r'name="ids" value="(\d+)"', client.get("/incidents").text)})


def states(client: TestClient, ids: list[int]) -> list[str]:  # noqa: F811
    found = [re.search(r'class="state state-(\w+)"', client.get(f"/incidents/{i}").text) for i in ids]
    return [m.group(1) if m else "?" for m in found]


def test_an_editor_confirms_several_incidents_each_audited(client: TestClient) -> None:  # noqa: F811
    log_in(client)
    upload(client)
    ids = listed_ids(client)
    assert len(ids) >= 2
    token = csrf(client, "/incidents")
    form = {"csrf": token, "ids": [str(i) for i in ids], "action": "confirm", "next": "/incidents?sort=-id"}
    answer = client.post("/incidents/bulk", data=form)
    assert answer.status_code == 303 and answer.headers["location"] == "/incidents?sort=-id"
    assert states(client, ids) == ["confirmed"] * len(ids)
    shown = client.get("/incidents?sort=-id").text
    assert 'id="bulk-done"' in shown and f"{len(ids)} incidents confirmed" in shown
    for i in ids:  # one audit entry per incident, by this reviewer
        history = re.findall(r'<li id="history-\d+">.*?</li>', client.get(f"/incidents/{i}").text, re.S)
        assert len(history) == 1 and re.search(r"ed:\s*confirmed", history[0]), history


def test_nothing_changes_when_one_is_refused(client: TestClient) -> None:  # noqa: F811
    log_in(client)
    upload(client)
    ids = listed_ids(client)
    token = csrf(client, "/incidents")
    no_reason = {"csrf": token, "ids": [str(i) for i in ids], "action": "reject"}
    assert client.post("/incidents/bulk", data=no_reason).status_code == 422
    missing = {"csrf": token, "ids": [str(ids[0]), "999999"], "action": "confirm"}
    assert client.post("/incidents/bulk", data=missing).status_code == 404
    forged = {"csrf": "forged", "ids": [str(ids[0])], "action": "confirm"}
    assert client.post("/incidents/bulk", data=forged).status_code == 403
    assert states(client, ids) == ["candidate"] * len(ids)


def test_a_viewer_may_not_bulk_review_nor_sees_the_form(client: TestClient) -> None:  # noqa: F811
    log_in(client)
    upload(client)
    ids = listed_ids(client)
    client.post("/logout", data={"csrf": csrf(client, "/incidents")})
    log_in(client, "vi")
    page = client.get("/incidents").text
    assert 'id="bulk-form"' not in page and 'name="ids"' not in page
    form = {"csrf": csrf(client, "/incidents"), "ids": [str(ids[0])], "action": "confirm"}
    assert client.post("/incidents/bulk", data=form).status_code == 403
    assert states(client, ids[:1]) == ["candidate"]
