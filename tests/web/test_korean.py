"""Korean throughout (#19): the main pages, read in Korean, show no English vocabulary or place names.

Only Korean reports are ingested (fictional), so every English word for an
event type, status, review state, agency, qualifier, precision, role, or for a
place the gazetteer names, that appears in a page's text is one the interface
failed to translate. Document keys, user names, the product's name and the
like are not vocabulary and are not looked for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pyotp
import pytest
from fastapi.testclient import TestClient

from refwatch.config import Settings
from refwatch.domain import vocabulary
from refwatch.extract.gazetteer.places import load_places
from refwatch.services import accounts
from refwatch.services.setup import open_database
from refwatch.web.app import create_app

PASSWORD = "fictional-password-1"
SECRET = pyotp.random_base32()
REPORTS = {
    "ko-first.txt": (
        "가상 보도. 2031년 4월 2일 - 중국 공안이 지난 1일 옌지에서 탈북민 7명을 체포했다고 소식통이 전했다."
    ),
    "ko-second.txt": (
        "가상 보도. 2031년 5월 10일 - 중국 변방대가 지난 3일 투먼에서 탈북 여성 3명을 체포해 "
        "투먼 변방대 구류장에 구금했으며 이들은 북송 위기에 처했다고 소식통이 전했다."
    ),
}


class Text(HTMLParser):
    """A page's visible text: no scripts, styles or JSON, no attribute values, and nothing marked
    ``lang="en"`` (English on purpose, such as an error's technical detail or the law's reasoning)."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.open: list[bool] = []  # per open element: whether its text is skipped

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        inherited = bool(self.open and self.open[-1])
        self.open.append(inherited or tag in ("script", "style") or ("lang", "en") in attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if not (self.open and self.open[-1]):
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = Text()
    parser.feed(html)
    return " ".join(parser.parts)


def english_labels() -> set[str]:
    """Every English word a vocabulary code or a gazetteer place may be shown as, when left untranslated."""
    codes: set[str] = set()
    for values in (
        vocabulary.EVENT_TYPES,
        vocabulary.STATUSES,
        vocabulary.REVIEW_STATES,
        vocabulary.AGENCIES,
        vocabulary.QUALIFIERS,
        vocabulary.PRECISIONS,
        vocabulary.LOCATION_ROLES,
        vocabulary.SALIENCES,
        vocabulary.INTERVENTION_KINDS,
        vocabulary.INTERVENTION_STATUSES,
    ):
        codes |= set(values)
    words = set(codes) | {c.replace("_", " ") for c in codes}
    for named in load_places():
        entry = named.entry
        words |= {n for n in (entry.place, entry.admin1, entry.facility) if n}
    return words


def untranslated(html: str) -> list[str]:
    text = visible_text(html)
    return sorted(w for w in english_labels() if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text))


@pytest.fixture
def client(sqlite_settings: Settings) -> Iterator[TestClient]:
    db = open_database(sqlite_settings)
    try:
        accounts.add_user(db, "ed", PASSWORD, "editor")
        accounts.enable_totp(db, "ed", SECRET, pyotp.TOTP(SECRET).now())
    finally:
        db.dispose()
    with TestClient(create_app(sqlite_settings), follow_redirects=False) as test_client:
        test_client.cookies.set("lang", "ko")
        yield test_client


def token(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert match, path
    return match.group(1)


def test_main_pages_in_korean_show_no_english_vocabulary(client: TestClient) -> None:
    form = {"username": "ed", "password": PASSWORD, "csrf": token(client, "/login")}
    form["code"] = pyotp.TOTP(SECRET).now()
    assert client.post("/login", data=form).status_code == 303
    files = [("files", (name, text.encode(), "text/plain")) for name, text in REPORTS.items()]
    uploaded = client.post("/documents", files=files, data={"csrf": token(client, "/documents")})
    assert uploaded.status_code == 200
    assert untranslated(uploaded.text) == []
    ids = sorted({int(i) for i in re.findall(r'href="/incidents/(\d+)"', client.get("/incidents").text)})
    assert len(ids) >= 2
    # One confirmed with a hand edit (history, "set by hand"), one left for the review queue.
    csrf = token(client, f"/incidents/{ids[0]}")
    assert client.post(f"/incidents/{ids[0]}/confirm", data={"csrf": csrf}).status_code == 303
    edit = {"csrf": csrf, "group": "status", "field": "status", "value": "at_risk", "reason": "검토"}
    assert client.post(f"/incidents/{ids[0]}/edit", data=edit).status_code == 303
    pages = [
        "/",
        "/incidents",
        "/incidents?status=at_risk",
        *(f"/incidents/{i}" for i in ids),
        "/review",
        "/documents",
        "/documents?q=%EC%98%8C%EC%A7%80",
        "/documents/by-key/ko-first",
        "/public",
        "/interventions",
        "/persons",
        "/linkage/review",
        "/account/2fa",
    ]
    found = {}
    for path in pages:
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert '<html lang="ko">' in answer.text
        left = untranslated(answer.text)
        if left:
            found[path] = left
    assert found == {}, "\n".join(f"{p}: {w}" for p, w in found.items())


def test_the_check_sees_english_when_the_page_is_english(client: TestClient) -> None:
    """The walk is not blind: the same words are found on an English page."""
    assert untranslated("<p>체포 · at risk · Yanji · <b>border police</b></p>") == [
        "Yanji",
        "at risk",
        "border police",
        "police",
    ]
    assert untranslated('<p title="arrest">체포</p><script>{"status": "released"}</script>') == []
    assert untranslated('<p>체포 <span lang="en">art. 9 forbids arbitrary arrest</span><br> 석방됨</p>') == []


def test_dashboard_charts_speak_korean(client: TestClient) -> None:
    """Axis, legend and tooltip titles of both charts, and the map's place names, are in Korean."""
    form = {"username": "ed", "password": PASSWORD, "csrf": token(client, "/login")}
    form["code"] = pyotp.TOTP(SECRET).now()
    assert client.post("/login", data=form).status_code == 303
    files = [("files", (name, text.encode(), "text/plain")) for name, text in REPORTS.items()]
    assert (
        client.post("/documents", files=files, data={"csrf": token(client, "/documents")}).status_code == 200
    )
    page = client.get("/").text
    specs = {
        name: json.loads(
            re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', page, re.S)[1]
        )
        for name in ("timeline-spec", "map-spec")
    }
    # The page ships the charts compiled to Vega (report.vega): titles sit in axes, legends and signals.
    timeline = specs["timeline-spec"]
    assert [axis["title"] for axis in timeline["axes"] if "title" in axis] == ["인원"]
    (bars,) = timeline["marks"]
    assert re.findall(r'(?:^\{|, )"([^"]+)": ', bars["encode"]["update"]["tooltip"]["signal"]) == [
        "월",
        "인원",
        "사건",
    ]
    text = json.dumps(specs["map-spec"], ensure_ascii=False)
    assert '"옌지"' in text and '"Yanji"' not in text
    assert [legend["title"] for legend in specs["map-spec"]["legends"]] == ["인원"]


def test_a_place_typed_in_korean_filters_the_list(client: TestClient) -> None:
    form = {"username": "ed", "password": PASSWORD, "csrf": token(client, "/login")}
    form["code"] = pyotp.TOTP(SECRET).now()
    assert client.post("/login", data=form).status_code == 303
    files = [("files", (name, text.encode(), "text/plain")) for name, text in REPORTS.items()]
    assert (
        client.post("/documents", files=files, data={"csrf": token(client, "/documents")}).status_code == 200
    )
    by_korean = client.get("/incidents", params={"place": "옌지"}).text
    by_label = client.get("/incidents", params={"place": "Yanji"}).text
    found = re.findall(r'href="/incidents/(\d+)"', by_korean)
    assert found and found == re.findall(r'href="/incidents/(\d+)"', by_label)
    assert "옌지" in visible_text(by_korean)


LAW_CELLS = {
    "ko": ("시민적 및 정치적 권리에 관한 국제규약 (ICCPR)", "중국"),
    "en": ("International Covenant on Civil and Political Rights (ICCPR)", "China"),
}


@pytest.mark.parametrize("lang", sorted(LAW_CELLS))
def test_the_law_table_names_the_state_in_korean(client: TestClient, lang: str) -> None:
    """The incident page's "law engaged" table named the state by its code ("CN") on a Korean page;
    both languages showed the instrument only by its code ("CAT"): each is now named in the page's
    language (the instrument with its code, which the contract and the exports use)."""
    client.cookies.set("lang", lang)
    form = {"username": "ed", "password": PASSWORD, "csrf": token(client, "/login")}
    form["code"] = pyotp.TOTP(SECRET).now()
    assert client.post("/login", data=form).status_code == 303
    files = [("files", (name, text.encode(), "text/plain")) for name, text in REPORTS.items()]
    assert (
        client.post("/documents", files=files, data={"csrf": token(client, "/documents")}).status_code == 200
    )
    ids = sorted({int(i) for i in re.findall(r'href="/incidents/(\d+)"', client.get("/incidents").text)})
    states, instruments = [], []
    for incident_id in ids:
        page = client.get(f"/incidents/{incident_id}").text
        table = re.search(r'<table class="legal".*?<tbody>(.*?)</tbody>', page, re.S)
        if table:  # the first cell of each row: the instrument; the third: the state bound by it
            rows = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in table[1].split("</tr>")[:-1]]
            instruments += [cells[0] for cells in rows]
            states += [cells[2] for cells in rows]
    assert states, "no incident engaged an obligation: the fictional reports no longer test the table"
    instrument, state = LAW_CELLS[lang]
    assert set(states) == {state}, states
    assert instrument in instruments and "ICCPR" not in instruments, instruments
