"""The review queue (#19): actions at the top, what every source claims side by side, key feedback.

Two accounts of one document merged into one incident used to share one column
(claims were keyed by document), so one source's figure was lost; the queue
showed no claims at all. Fictional incidents; the extractor is replaced by a table.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make, use_table_extractor  # noqa: E402

from refwatch.config import Settings  # noqa: E402
from refwatch.services import accounts, review  # noqa: E402
from refwatch.services.export import incident_records  # noqa: E402
from refwatch.services.ingest import ingest_paths  # noqa: E402
from refwatch.services.setup import open_database  # noqa: E402
from refwatch.storage.incidents import IncidentFilter  # noqa: E402
from refwatch.web.app import create_app  # noqa: E402

PASSWORD = "fictional-password-8"


def log_in(client: TestClient) -> None:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert token
    form = {"username": "ed", "password": PASSWORD, "csrf": token.group(1)}
    assert client.post("/login", data=form).status_code == 303


def test_the_queue_shows_every_sources_claims_with_actions_first(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One fictional report telling of two arrests (3 and 6 people) that a reviewer then merged.
    table = {
        "two": [
            make("two", start="2030-05-02", count=3, place=("CN", "Jilin", "Tumen")),
            make("two", start="2030-09-20", count=6, place=("LA", None, "Vientiane")),
        ]
    }
    use_table_extractor(monkeypatch, table)
    db = open_database(settings)
    try:
        (tmp_path / "two.txt").write_text("FICTIONAL report two.", encoding="utf-8")
        ingest_paths(db, [tmp_path / "two.txt"])
        first, second = sorted(r["id"] for r in incident_records(db, IncidentFilter()))
        review.merge(db, first, second, actor="t", reason="fictional test")
        accounts.add_user(db, "ed", PASSWORD, "editor")
    finally:
        db.dispose()
    with TestClient(
        create_app(settings.model_copy(update={"require_2fa": False})), follow_redirects=False
    ) as client:
        log_in(client)
        page = client.get("/review").text
        assert f'data-incident="{first}"' in page
        # Actions come first: before the claims and before the evidence.
        assert page.index('id="confirm"') < page.index('id="source-claims"') < page.index("Evidence")
        assert page.index('id="reject-reason"') < page.index('id="source-claims"')
        table_html = page[
            page.index('id="source-claims"') : page.index("</table>", page.index('id="source-claims"'))
        ]
        columns = re.findall(r'<th scope="col" data-source="(\d+)"', table_html)
        assert len(columns) == 2 and len(set(columns)) == 2  # one column per source, not per document
        row = re.search(r'<tr class="disagree" data-field="victims">(.*?)</tr>', table_html, re.S)
        assert row, table_html
        cells = re.findall(r"<td>([^<]*)</td>", row.group(1))
        assert cells == ["3", "6"]  # both figures visible, each under its own source
        assert re.search(r'id="people">3–6<', page)  # the reconciled range
        assert 'id="key-feedback"' in page and 'data-r="Type the reason for rejecting' in page
        # The incident's own page shows the same table (it keyed claims by document too).
        own = client.get(f"/incidents/{first}").text
        own_table = own[
            own.index('id="source-claims"') : own.index("</table>", own.index('id="source-claims"'))
        ]
        assert len(set(re.findall(r'<th scope="col" data-source="(\d+)"', own_table))) == 2
        own_row = re.search(r'<tr class="disagree" data-field="victims">(.*?)</tr>', own_table, re.S)
        assert own_row and re.findall(r"<td>([^<]*)</td>", own_row.group(1)) == ["3", "6"]
        assert '<h2 id="claims-title">' in own

        client.cookies.set("lang", "ko")
        korean = client.get("/review").text
        assert "출처별 내용" in korean and "What each source says" not in korean
        assert 'data-r="기각 이유를 입력한 뒤 Enter' in korean


def test_a_range_a_source_states_reads_as_a_range(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = {"span": make("span", start="2030-05-02", count=3, qualifier="range", count_max=6)}
    use_table_extractor(monkeypatch, table)
    db = open_database(settings)
    try:
        (tmp_path / "span.txt").write_text("FICTIONAL report span.", encoding="utf-8")
        ingest_paths(db, [tmp_path / "span.txt"])
        accounts.add_user(db, "ed", PASSWORD, "editor")
    finally:
        db.dispose()
    with TestClient(
        create_app(settings.model_copy(update={"require_2fa": False})), follow_redirects=False
    ) as client:
        log_in(client)
        page = client.get("/review").text
        row = re.search(r'data-field="victims">(.*?)</tr>', page, re.S)
        assert row and re.findall(r"<td>([^<]*)</td>", row.group(1)) == ["3–6"]  # not "Count: 3, ... range"
        assert re.search(r'id="people">3–6<', page)
