"""Letters, period reports and the data package in the browser (#19 "every command in the UI").

The browser calls the CLI's services: the letter downloaded is the one ``refwatch
appeal`` writes, the report the one ``refwatch report`` writes; each download is
audited like the incidents export, and a preview records nothing. Reports are fictional.
"""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from test_pages import client, csrf, log_in, upload  # noqa: F401 (the client fixture)

from refwatch.config import Settings
from refwatch.services import documents, interventions
from refwatch.services.appeals import compose_appeal, render
from refwatch.services.reports import period_report
from refwatch.services.setup import open_database
from refwatch.storage.tables import AuditEvent


def audit_entries(settings: Settings, action: str) -> list[dict[str, object]]:
    db = open_database(settings)
    try:
        with db.session() as session:
            events = session.scalars(select(AuditEvent).where(AuditEvent.action == action))
            return [dict(e.detail or {}) | {"actor": e.actor} for e in events]
    finally:
        db.dispose()


def incident_ids(client: TestClient) -> list[int]:  # noqa: F811
    return sorted({int(i) for i in re.findall(r'href="/incidents/(\d+)"', client.get("/incidents").text)})


def drafts(settings: Settings) -> int:
    db = open_database(settings)
    try:
        return len(interventions.list_interventions(db, visible_groups=None))
    finally:
        db.dispose()


def test_an_editor_previews_then_downloads_the_clis_letter_audited(
    client: TestClient,  # noqa: F811
    settings: Settings,
) -> None:
    log_in(client)
    upload(client)
    ids = incident_ids(client)[:2]
    chosen = ", ".join(f"#{i}" for i in ids)
    page = client.get(f"/letters?incidents={ids[0]},{ids[1]}")
    assert page.status_code == 200 and f'value="{ids[0]},{ids[1]}"' in page.text
    assert 'href="/public/refwatch-public.zip"' in page.text  # the data package is linked

    form = {
        "csrf": csrf(client, "/letters"),
        "incidents": chosen,
        "to": "wgad",
        "lang": "en",
        "author": "FICTIONAL NGO",
    }
    preview = client.post("/letters/appeal", data=form | {"action": "preview"})
    assert preview.status_code == 200 and 'id="letter"' in preview.text
    assert "FICTIONAL NGO" in preview.text
    assert (
        audit_entries(settings, "appeal.export") == [] and drafts(settings) == 0
    )  # a preview records nothing

    download = client.post("/letters/appeal", data=form | {"action": "download", "format": "md"})
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/markdown")
    assert f'filename="appeal-wgad-{ids[0]}-{ids[1]}-en.md"' in download.headers["content-disposition"]
    db = open_database(settings)
    try:  # the CLI's letter, from the same service, on the same day
        letter = compose_appeal(db, ids, to="wgad", lang="en", author="FICTIONAL NGO", visible_groups=None)
        assert download.content == render(letter, "md")
    finally:
        db.dispose()
    assert audit_entries(settings, "appeal.export") == [
        {"to": "wgad", "format": "md", "lang": "en", "incidents": ids, "actor": "ed"}
    ]
    assert drafts(settings) == 2  # a draft intervention on each incident, as the CLI records

    pdf = client.post("/letters/appeal", data=form | {"action": "download", "format": "pdf", "lang": "ko"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_letter_input_is_checked_and_the_page_says_why(client: TestClient) -> None:  # noqa: F811
    log_in(client)
    token = csrf(client, "/letters")
    for incidents in ("abc", "", "1 2 x"):
        answer = client.post(
            "/letters/appeal", data={"csrf": token, "incidents": incidents, "to": "wgad", "action": "preview"}
        )
        assert answer.status_code == 422, incidents
    unseen = client.post(
        "/letters/appeal", data={"csrf": token, "incidents": "999999", "to": "wgad", "action": "download"}
    )
    assert unseen.status_code == 404
    forged = client.post("/letters/appeal", data={"csrf": "forged", "incidents": "1", "to": "wgad"})
    assert forged.status_code == 403


def test_an_editor_downloads_the_period_report_audited(
    client: TestClient,  # noqa: F811
    settings: Settings,
) -> None:
    log_in(client)
    upload(client)
    answer = client.get("/letters/report?from=2031-01-01&to=2031-12-31&lang=ko&format=html")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert 'filename="refwatch-report-2031-01-01-2031-12-31-ko.html"' in answer.headers["content-disposition"]
    db = open_database(settings)
    try:  # the CLI's report, from the same service
        expected = period_report(
            db, date_from=dt.date(2031, 1, 1), date_to=dt.date(2031, 12, 31), lang="ko", fmt="html"
        )
    finally:
        db.dispose()
    strip = re.compile(rb"\d{4}-\d\d-\d\dT[\d:.+Z-]+")  # a generation time, if the report states one
    assert strip.sub(b"", answer.content) == strip.sub(b"", expected)
    assert audit_entries(settings, "report.export") == [
        {"from": "2031-01-01", "to": "2031-12-31", "lang": "ko", "format": "html", "actor": "ed"}
    ]
    assert client.get("/letters/report?from=2031-12-31&to=2031-01-01").status_code == 422
    assert client.get("/letters/report?from=2031-01-01&to=2031-12-31&format=docx").status_code == 422
    assert client.get("/letters/report?from=31.1.2031&to=2031-12-31").status_code == 422


def test_viewers_get_no_letters_or_reports(client: TestClient) -> None:  # noqa: F811
    log_in(client, "vi")
    assert client.get("/letters").status_code == 403
    assert client.get("/letters/report?from=2031-01-01&to=2031-12-31").status_code == 403
    assert 'href="/letters"' not in client.get("/").text


def test_the_letters_page_in_korean(client: TestClient) -> None:  # noqa: F811
    log_in(client)
    client.cookies.set("lang", "ko")
    page = client.get("/letters").text
    assert "서한과 보고서" in page and "미리 보기" in page and "보고서 내려받기" in page
    assert "Download the letter" not in page


def ticked_ids(client: TestClient) -> list[int]:  # noqa: F811
    return sorted({int(i) for i in re.findall(r'name="ids" value="(\d+)"', client.get("/incidents").text)})


def test_the_ticked_incidents_open_the_letter_form_filled_in(client: TestClient, settings: Settings) -> None:  # noqa: F811
    """#19: the incident list's "letter for the ticked incidents" fills the letter form with them."""
    log_in(client)
    upload(client)
    ids = ticked_ids(client)
    assert len(ids) >= 2
    page = client.get("/incidents").text
    assert 'id="bulk-letter" formaction="/letters/selected"' in page  # in the form the checkboxes belong to
    token = csrf(client, "/incidents")
    form = {"csrf": token, "ids": [str(ids[1]), str(ids[0]), str(ids[1])], "action": "confirm", "reason": ""}
    answer = client.post("/letters/selected", data=form)
    assert answer.status_code == 303 and answer.headers["location"] == f"/letters?incidents={ids[1]},{ids[0]}"
    letters = client.get(answer.headers["location"]).text
    assert (
        f'id="lt-incidents" name="incidents" required maxlength="2000" value="{ids[1]},{ids[0]}"' in letters
    )
    assert audit_entries(settings, "appeal.export") == [] and drafts(settings) == 0  # nothing recorded yet

    # Nothing ticked, a forged form, or an incident the caller cannot see: refused, nothing filled in.
    assert client.post("/letters/selected", data={"csrf": token}).status_code == 422
    assert client.post("/letters/selected", data={"csrf": "forged", "ids": [str(ids[0])]}).status_code == 403
    unseen = client.post("/letters/selected", data={"csrf": token, "ids": [str(ids[0]), "999999"]})
    assert unseen.status_code == 404


def test_the_letter_button_respects_what_the_caller_may_see(client: TestClient, settings: Settings) -> None:  # noqa: F811
    """An incident restricted to a group the editor is not in is refused as if it did not exist."""
    log_in(client)
    upload(client)
    ids = ticked_ids(client)
    db = open_database(settings)
    try:
        restricted = documents.restrict_document(db, "alpha", "field-team", actor="admin", reason="fictional")
    finally:
        db.dispose()
    hidden = sorted(set(restricted) & set(ids))
    assert hidden, restricted
    token = csrf(client, "/incidents")
    assert str(hidden[0]) not in re.findall(r'name="ids" value="(\d+)"', client.get("/incidents").text)
    answer = client.post("/letters/selected", data={"csrf": token, "ids": [str(hidden[0])]})
    assert answer.status_code == 404 and "field-team" not in answer.text


def test_a_viewer_has_no_letter_button(client: TestClient) -> None:  # noqa: F811
    log_in(client, "vi")
    page = client.get("/incidents").text
    assert 'id="bulk-letter"' not in page
    answer = client.post("/letters/selected", data={"csrf": csrf(client, "/incidents"), "ids": ["1"]})
    assert answer.status_code == 403
