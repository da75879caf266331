"""#19 entry by hand: incidents from selected document text and from testimony (SQLite and PostgreSQL).

Every value of a hand-made incident points at a span of stored text whose
offsets the server checked; a refused value or span comes back inline with the
input kept; a testimony is stored sealed, with who took it and when.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from test_api import EN

from refwatch.config import Settings
from refwatch.services import accounts
from refwatch.services.setup import open_database
from refwatch.storage.incidents import opened_extracted
from refwatch.storage.tables import AuditEvent, Document, IncidentSource
from refwatch.web.app import create_app

PASSWORD = "fictional-password-3"
SECRET = pyotp.random_base32()
#: A fictional testimony with CRLF line ends (as a browser sends a textarea) and a character outside the BMP.
TESTIMONY = "\r\n".join(
    (
        "가상 증언 🙂.",
        "2031년 5월 4일 투먼에서 국경경비대가 저희 세 명을 붙잡았습니다.",
        "그 뒤 북송되었습니다.",
    )
)


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
        login(test_client, "ed")
        files = [("files", ("alpha.txt", EN, "text/plain"))]
        answer = test_client.post("/documents", files=files, data={"csrf": csrf(test_client, "/documents")})
        assert answer.status_code == 200, answer.text
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


def span(text: str, quote: str, slot: str) -> dict[str, str]:
    start = text.index(quote)
    return {f"{slot}.start_at": str(start), f"{slot}.end_at": str(start + len(quote)), f"{slot}.quote": quote}


def test_an_incident_from_selected_text_keeps_checked_spans_per_field(
    client: TestClient, settings: Settings
) -> None:
    stored = EN.decode()
    page = client.get("/documents/1").text
    assert 'id="entry-form"' in page and 'action="/documents/1/incidents"' in page
    form = {
        "csrf": csrf(client, "/documents/1"),
        "event_types.event_types": ["arrest", "detention"],
        **span(stored, "arrested", "event_types"),
        "date.start": "2031-03-03",
        "date.precision": "day",
        **span(stored, "on March 3, 2031", "date"),
        "victims.count": "12",
        "victims.qualifier": "exact",
        **span(stored, "12 North Korean defectors", "victims"),
        "location-1.place": "선양",  # a Korean name of the gazetteer entry, typed without the search
        "location-1.role": "arrest",
        **span(stored, "Shenyang", "location-1"),
        "perpetrator-1.state": "CN",
        "perpetrator-1.agency": "police",
        **span(stored, "Chinese police", "perpetrator-1"),
    }
    answer = client.post("/documents/1/incidents", data=form)
    assert answer.status_code == 303, re.findall(r'role="alert"[^>]*>[^<]*', answer.text)
    incident = int(answer.headers["location"].rsplit("/", 1)[1])

    page = client.get(f"/incidents/{incident}").text
    assert 'id="entered-by-hand"' in page and "Entered by hand by ed" in page
    assert "state-candidate" in page  # it enters review like any other
    record = client.get(f"/api/v1/incidents/{incident}", headers=_token(settings)).json()
    assert record["event_types"] == ["arrest", "detention"]
    assert record["victims"]["count"] == 12 and record["date"]["start"] == "2031-03-03"
    assert record["locations"] == [
        {"country": "CN", "admin1": "Liaoning", "place": "Shenyang", "facility": None, "role": "arrest"}
    ]
    assert record["perpetrators"] == [{"state": "CN", "agency": "police"}]

    db = open_database(settings)
    try:
        with db.session() as session:
            source = session.scalars(
                select(IncidentSource).where(IncidentSource.incident_id == incident)
            ).one()
            assert source.extractor == "hand" and source.extracted["entered_by_hand"]["by"] == "ed"
            claims = {c.field: c.evidence for c in source.claims}
            for item in source.extracted["evidence"]:
                assert stored[item["start"] : item["end"]] == item["quote"]  # offsets into the stored text
            assert [e["quote"] for e in claims["locations"]] == ["Shenyang"]
            assert [e["quote"] for e in claims["victims"]] == ["12 North Korean defectors"]
            created = session.scalars(select(AuditEvent).where(AuditEvent.action == "incident.create")).one()
            assert created.actor == "ed" and created.entity_id == str(incident)
            assert "Shenyang" not in str(created.detail)  # ids and field names, never quotes
    finally:
        db.dispose()


def _token(settings: Settings) -> dict[str, str]:
    db = open_database(settings)
    try:
        return {"Authorization": f"Bearer {accounts.issue_token(db, 'ed', 'read')[1]}"}
    finally:
        db.dispose()


def test_a_span_not_in_the_stored_text_is_refused_inline_with_the_input_kept(client: TestClient) -> None:
    stored = EN.decode()
    before = client.get("/documents/1").text.count('href="/incidents/')
    form = {
        "csrf": csrf(client, "/documents/1"),
        "event_types.event_types": "arrest",
        **span(stored, "arrested", "event_types"),
        "victims.count": "12",
        "victims.qualifier": "exact",
        "victims.start_at": "5",  # offsets that do not hold the quote
        "victims.end_at": "30",
        "victims.quote": "12 North Korean defectors",
    }
    refused = client.post("/documents/1/incidents", data=form)
    assert refused.status_code == 422
    assert (
        'id="entry-error-victims"' in refused.text and "not at that place in the stored text" in refused.text
    )
    assert 'value="12 North Korean defectors"' in refused.text and 'name="victims.count"' in refused.text
    assert re.search(r'value="12"', refused.text)  # the count typed is kept
    assert '<details id="entry" open>' in refused.text
    assert client.get("/documents/1").text.count('href="/incidents/') == before  # nothing stored

    no_span = dict(form)
    for key in ("victims.start_at", "victims.end_at", "victims.quote"):
        no_span.pop(key)
    answer = client.post("/documents/1/incidents", data=no_span)
    assert answer.status_code == 422 and "select the text this value comes from" in answer.text

    bad_place = {**form, **span(stored, "12 North Korean defectors", "victims")}
    bad_place |= {"location-1.place": "Atlantis", **span(stored, "Shenyang", "location-1")}
    answer = client.post("/documents/1/incidents", data=bad_place)
    assert answer.status_code == 422 and 'id="entry-error-location-1"' in answer.text
    assert "not in the gazetteer" in answer.text and 'value="Atlantis"' in answer.text

    bad_range = {**form, **span(stored, "12 North Korean defectors", "victims"), "victims.qualifier": "range"}
    answer = client.post("/documents/1/incidents", data=bad_range)
    assert answer.status_code == 422 and "a range needs its lowest and highest count" in answer.text


def test_a_testimony_is_sealed_and_quoted_like_a_document(client: TestClient, settings: Settings) -> None:
    shown = TESTIMONY.replace("\r\n", "\n")  # what the browser's offsets count
    form = {
        "csrf": csrf(client, "/testimony"),
        "taken_by": "Field worker K (fictional)",
        "taken_on": "2025-06-01",
        "language": "ko",
        "testimony": TESTIMONY,
        "event_types.event_types": ["arrest", "repatriation"],
        **span(shown, "붙잡았습니다", "event_types"),
        "status.status": "returned",
        **span(shown, "북송되었습니다", "status"),
        "victims.count": "3",
        "victims.qualifier": "exact",
        **span(shown, "세 명", "victims"),
        "location-1.place": "cn.jilin.tumen",
        "location-1.role": "arrest",
        **span(shown, "투먼", "location-1"),
    }
    answer = client.post("/testimony", data=form)
    assert answer.status_code == 303, re.findall(r'role="alert"[^>]*>[^<]*', answer.text)
    incident = int(answer.headers["location"].rsplit("/", 1)[1])
    assert "From a testimony." in client.get(f"/incidents/{incident}").text

    db = open_database(settings)
    try:
        with db.session() as session:
            doc = session.scalars(select(Document).where(Document.reliability == "testimony")).one()
            assert (
                doc.text == ""
                and doc.working_text == shown
                and doc.publication_date.isoformat() == "2025-06-01"
            )
            raw = session.execute(
                text("SELECT sealed_text, filename, title FROM documents WHERE id = :id"), {"id": doc.id}
            ).one()
            assert "투먼".encode() not in raw[0] and "Field worker" not in str(raw)
            source = session.scalars(
                select(IncidentSource).where(IncidentSource.incident_id == incident)
            ).one()
            for item in opened_extracted(source)["evidence"]:
                assert shown[item["start"] : item["end"]] == item["quote"]
            # The quotes of a testimony are sealed like its text, in the source and in every claim.
            stored = session.execute(
                text("SELECT extracted FROM incident_sources WHERE id = :id"), {"id": source.id}
            ).scalar_one()
            claims = session.execute(
                text("SELECT value, evidence FROM claims WHERE source_id = :id"), {"id": source.id}
            ).all()
            for value in (stored, *(v for row in claims for v in row)):
                parsed = json.loads(value) if isinstance(value, str) else value  # SQLite: JSON text, escaped
                assert "붙잡" not in json.dumps(parsed, ensure_ascii=False)
            details = [str(e.detail) for e in session.scalars(select(AuditEvent))]
            assert not any("투먼" in d or "Field worker" in d for d in details)
            document_id = doc.id
    finally:
        db.dispose()
    page = client.get(f"/documents/{document_id}").text
    assert 'id="testimony-taken-by">Field worker K (fictional), 2025-06-01' in page
    assert "북송되었습니다" in page  # editors read it, decrypted


def test_a_refused_testimony_keeps_everything_typed(client: TestClient) -> None:
    form = {
        "csrf": csrf(client, "/testimony"),
        "taken_by": "Field worker K (fictional)",
        "taken_on": "not a day",
        "testimony": TESTIMONY,
        "event_types.event_types": "arrest",
        **span(TESTIMONY.replace("\r\n", "\n"), "붙잡았습니다", "event_types"),
    }
    answer = client.post("/testimony", data=form)
    assert answer.status_code == 422 and 'id="entry-error-taken_on"' in answer.text
    assert "투먼에서 국경경비대가" in answer.text and 'value="Field worker K (fictional)"' in answer.text
    assert '<input type="checkbox" name="event_types.event_types" value="arrest" checked>' in answer.text
    no_event = {**form, "taken_on": "2025-06-01", "event_types.event_types": ""}
    answer = client.post("/testimony", data=no_event)
    assert answer.status_code == 422 and "choose at least one event" in answer.text


def test_the_gazetteer_search_finds_korean_names(client: TestClient) -> None:
    found = client.get("/places", params={"q": "옌지"}).json()["items"]
    assert found[0]["id"] == "cn.jilin.yanji"
    client.cookies.set("lang", "ko")
    labelled = client.get("/places", params={"q": "Yanji"}).json()["items"][0]
    assert labelled["id"] == "cn.jilin.yanji" and labelled["label"].startswith("옌지")


def test_viewers_cannot_enter_incidents(settings: Settings, client: TestClient) -> None:
    with TestClient(create_app(settings), follow_redirects=False) as other:
        login(other, "vi")
        assert other.get("/testimony").status_code == 403
        assert 'id="entry-form"' not in other.get("/documents/1").text
        token = csrf(other, "/documents/1")
        assert other.post("/documents/1/incidents", data={"csrf": token}).status_code == 403


def test_places_and_perpetrators_are_edited_with_controls_and_named_in_the_history(
    client: TestClient,
) -> None:
    incident = int(re.findall(r'href="/incidents/(\d+)"', client.get("/documents/1").text)[0])
    page = client.get(f"/incidents/{incident}").text
    assert 'id="edit-form-places"' in page and 'class="place-search"' in page
    assert re.search(
        r'<select id="edit-agency-1" name="agency">.*?<option value="police" selected>', page, re.S
    )
    token = csrf(client, f"/incidents/{incident}")
    places = {
        "csrf": token,
        "group": "places",
        "field": "locations",
        "place": ["cn.liaoning.shenyang", "Atlantis"],
        "role": ["arrest", "detention"],
        "reason": "the detention place is named in a later report (fictional)",
    }
    refused = client.post(f"/incidents/{incident}/edit", data=places)
    assert refused.status_code == 422 and "place 2: that place is not in the gazetteer" in refused.text
    assert 'value="Atlantis"' in refused.text  # the input is kept

    places["place"] = ["cn.liaoning.shenyang", "옌지"]
    saved = client.post(f"/incidents/{incident}/edit", data=places)
    assert saved.status_code == 303, re.findall(r'id="edit-error">[^<]*', saved.text)
    agents = {
        "csrf": token,
        "group": "perpetrators",
        "field": "perpetrators",
        "state": ["CN", ""],
        "agency": ["border_police", ""],
        "reason": "a fictional correction",
    }
    assert client.post(f"/incidents/{incident}/edit", data=agents).status_code == 303
    page = client.get(f"/incidents/{incident}").text
    assert 'data-field="locations"' in page and 'data-field="perpetrators"' in page  # marked as set by hand
    history = re.search(r'<ol class="history">.*?</ol>', page, re.S)
    assert history
    assert (
        "changed Places from Shenyang Liaoning China (arrest) "
        "to Shenyang Liaoning China (arrest); Yanji Jilin China (detention)" in history.group(0)
    )
    assert "changed Perpetrators from China police to China border police" in history.group(0)
    client.cookies.set("lang", "ko")
    korean = client.get(f"/incidents/{incident}").text
    assert "옌지" in re.search(r'<ol class="history">.*?</ol>', korean, re.S).group(0)  # type: ignore[union-attr]


def test_the_api_creates_an_incident_from_checked_spans(client: TestClient, settings: Settings) -> None:
    stored = EN.decode()
    headers = _write_token(settings)
    start = stored.index("arrested")
    body = {
        "fields": [
            {
                "field": "event_types",
                "value": {"event_types": "arrest"},
                "start": start,
                "end": start + 8,
                "quote": "arrested",
            },
            {
                "field": "location",
                "value": {"place": "Shenyang", "role": "arrest"},
                "start": stored.index("Shenyang"),
                "end": stored.index("Shenyang") + 8,
                "quote": "Shenyang",
            },
        ]
    }
    answer = client.post("/api/v1/documents/alpha/incidents", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    made = answer.json()
    assert made["review_state"] == "candidate" and made["event_types"] == ["arrest"]
    assert made["locations"][0]["place"] == "Shenyang"

    body["fields"][1]["start"] += 1  # the quote is not at those offsets
    refused = client.post("/api/v1/documents/alpha/incidents", json=body, headers=headers)
    assert refused.status_code == 422 and "not at that place in the stored text" in refused.text
    read_only = _token(settings)
    assert client.post("/api/v1/documents/alpha/incidents", json=body, headers=read_only).status_code == 403


def _write_token(settings: Settings) -> dict[str, str]:
    db = open_database(settings)
    try:
        return {"Authorization": f"Bearer {accounts.issue_token(db, 'ed', 'write')[1]}"}
    finally:
        db.dispose()
