"""Search and lists (#19): highlighted snippets that cannot inject markup, sortable columns, clear-filters.

Reports are fictional.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from test_pages import client, csrf, log_in, upload  # noqa: F401 (the client fixture)

from refwatch.services.snippets import snippet

HOSTILE = (
    "FICTIONAL REPORT. Police in <script>alert('x')</script>Dandong and <b>Dandong</b> "
    "<img src=x onerror=alert(2)> detained 4 North Korean women on June 2, 2031, a source said."
)


def test_snippet_marks_the_match_and_the_page_escapes_document_markup(client: TestClient) -> None:  # noqa: F811
    log_in(client)
    files = [("files", ("hostile.txt", HOSTILE.encode(), "text/plain"))]
    assert (
        client.post("/documents", files=files, data={"csrf": csrf(client, "/documents")}).status_code == 200
    )
    page = client.get("/documents", params={"q": "dandong"}).text
    found = re.search(r'<p class="snippet"[^>]*>(.*?)</p>', page, re.S)
    assert found, "no snippet on the results page"
    shown = found.group(1)
    assert "<mark>Dandong</mark>" in shown
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in shown
    assert "&lt;img src=x onerror=alert(2)&gt;" in shown
    assert "<script>alert" not in page and "<img src=x" not in page
    assert shown.count("<mark>") == 2 and "&lt;b&gt;<mark>Dandong</mark>&lt;/b&gt;" in shown
    assert 'id="clear-filters" href="/documents"' in page


def test_snippet_pieces() -> None:
    assert snippet("a  Yanji\n b", "yanji") == [("a ", False), ("Yanji", True), (" b", False)]
    assert snippet("옌지에서 체포", "옌지") == [("옌지", True), ("에서 체포", False)]
    assert snippet("x" * 100 + " Tumen " + "y" * 100, "tumen", context=5)[0] == ("…xxxx ", False)
    assert snippet("nothing", "tumen") == []


def test_incident_list_sorts_by_a_column_and_clears_its_filters(client: TestClient) -> None:  # noqa: F811
    log_in(client)
    upload(client)
    listed = client.get("/incidents", params={"sort": "-people", "review_state": "candidate"})
    assert listed.status_code == 200
    people = [int(n) for n in re.findall(r'<td class="num">(?:≥ )?(\d+)</td>\s*<td>', listed.text)]
    assert len(people) >= 2 and people == sorted(people, reverse=True)
    ascending = client.get("/incidents", params={"sort": "people", "review_state": "candidate"}).text
    assert [int(n) for n in re.findall(r'<td class="num">(?:≥ )?(\d+)</td>\s*<td>', ascending)] == sorted(
        people
    )
    # The header that sorts says so, and its link turns the order round; the filter stays.
    assert (
        'aria-sort="descending"><a href="/incidents?review_state=candidate&amp;sort=people">' in listed.text
    )
    # The filter reads as words, can be removed alone, and "clear filters" keeps only the order.
    assert 'id="active-filters"' in listed.text and "Review: candidate" in re.sub(r"<[^>]+>", "", listed.text)
    assert 'id="clear-filters" href="/incidents?sort=-people"' in listed.text
    assert client.get("/incidents", params={"sort": "nonsense"}).status_code == 422
