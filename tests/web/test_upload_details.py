"""Upload with metadata (#19 "entry by hand"): title, outlet, address, publication date and language typed
beside the files apply to each, as a ``--metadata`` row does; what cannot be used is left out with a
warning, and the files are stored all the same.

Reports are fictional.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from test_pages import client, csrf, log_in  # noqa: F401 (the client fixture)

from refwatch.ingest.metadata import upload_details

REPORT = b"FICTIONAL. Police arrested 12 North Korean defectors in Shenyang on March 3, 2031."


def _upload(client: TestClient, name: str, **fields: str) -> str:  # noqa: F811
    form = {"csrf": csrf(client, "/documents"), **fields}
    answer = client.post("/documents", files=[("files", (name, REPORT, "text/plain"))], data=form)
    assert answer.status_code == 200, answer.text
    return answer.text


def test_typed_details_are_stored_with_the_document(client: TestClient) -> None:  # noqa: F811
    log_in(client)
    fields = {
        "title": "Fictional headline",
        "outlet": "Outlet 7",
        "url": "https://example.org/2031/03/04/story",
        "publication_date": "March 4, 2031",
        "language": "en",
    }
    shown = _upload(client, "gamma.txt", **fields)
    assert 'id="upload-warnings"' not in shown
    page = client.get("/documents/by-key/gamma").text
    for value in ("Fictional headline", "Outlet 7", "https://example.org/2031/03/04/story", "2031-03-04"):
        assert value in page


def test_an_address_that_is_not_a_web_address_is_left_out_with_a_warning(client: TestClient) -> None:  # noqa: F811
    log_in(client)
    shown = _upload(client, "delta.txt", url="javascript:alert(1)", publication_date="the day after")
    warnings = re.search(r'id="upload-warnings"[^>]*>(.*?)</ul>', shown, re.S)
    assert warnings and "url" in warnings.group(1) and "publication date" in warnings.group(1)
    page = client.get("/documents/by-key/delta").text
    assert "javascript:alert" not in page  # never a link a reader could click


def test_a_language_outside_the_list_is_refused_by_name(client: TestClient) -> None:  # noqa: F811
    log_in(client)
    form = {"csrf": csrf(client, "/documents"), "language": "xx"}
    answer = client.post("/documents", files=[("files", ("eps.txt", REPORT, "text/plain"))], data=form)
    assert answer.status_code == 422 and "language" in answer.text


def test_nothing_typed_gives_no_details() -> None:
    assert upload_details() == (None, [])
    details, warnings = upload_details(title="  ", language="auto")
    assert details is None and warnings == []
