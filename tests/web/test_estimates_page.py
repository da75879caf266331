"""The estimation page (#19 "every command in the UI", #18 point 5): the `estimate --from-db` choices
in the browser, with the estimate, interval, warnings and chart per stratum.

People and lists are fictional (pseudonyms only; the same 40 as tests/services/test_estimation_db.py).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from test_pages import client, log_in  # noqa: F401 (the client fixture)

from fictional_people import seed_people
from refwatch.config import Settings
from refwatch.services.setup import open_database


@pytest.fixture
def people(settings: Settings) -> None:
    db = open_database(settings)
    try:
        seed_people(db)
    finally:
        db.dispose()


def test_the_form_offers_every_choice_and_runs_nothing_until_asked(client: TestClient) -> None:  # noqa: F811
    log_in(client, "vi")
    page = client.get("/estimates")
    assert page.status_code == 200
    for name in ("unit", "lists", "strata", "select", "interval", "seed"):
        assert f'name="{name}"' in page.text
    assert 'id="estimates"' not in page.text and 'id="estimate-problem"' not in page.text


def test_persons_on_source_lists_by_sex_give_an_estimate_and_chart_per_stratum(
    client: TestClient,  # noqa: F811
    people: None,
) -> None:
    log_in(client, "vi")
    query = "unit=persons&lists=source_lists&strata=sex&select=bic&interval=percentile&seed=7&run=1"
    page = client.get(f"/estimates?{query}")
    assert page.status_code == 200, page.text
    rows = re.findall(r"<tr>\s*<td>([^<]+)</td>\s*<td class=\"num\">(\d+)</td>", page.text)
    assert dict(rows) == {"F": "30", "M": "9", "unknown": "1"}
    assert 'id="estimate-spec"' in page.text  # the chart of documented against estimated
    assert "selected>" in page.text and 'value="sex" selected' in page.text  # the choice is kept


def test_a_request_the_data_cannot_answer_is_explained_beside_the_form(client: TestClient) -> None:  # noqa: F811
    log_in(client, "vi")
    page = client.get("/estimates?unit=persons&lists=source_lists&run=1")
    assert page.status_code == 200
    problem = re.search(r'id="estimate-problem"[^>]*>([^<]+)<', page.text)
    assert problem and "at least two lists" in problem.group(1)


def test_a_choice_outside_the_vocabulary_is_refused_by_name(client: TestClient) -> None:  # noqa: F811
    log_in(client, "vi")
    page = client.get("/estimates?interval=wide&run=1")
    assert page.status_code == 422 and "interval" in page.text


def test_the_page_speaks_korean(client: TestClient, people: None) -> None:  # noqa: F811
    log_in(client, "vi")
    client.get("/lang/ko")
    page = client.get("/estimates?unit=persons&lists=source_lists&run=1&seed=3").text
    assert "How many were never recorded" not in page and "Documented" not in page
