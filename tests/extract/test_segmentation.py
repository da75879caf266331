"""Which incidents a report holds, and which mentions belong to each (made-up sentences)."""

from __future__ import annotations

import datetime as dt

from refwatch.extract import extract_document


def test_a_list_of_dated_groups_gives_one_incident_each_even_without_a_year() -> None:
    # No publication date: "지난해" cannot be placed, yet each item is its own group.
    text = "가상: 당국은 지난해 5월 3일 30명, 같은 해 2월 7일 70명 등을 북한에 돌려보냈다."
    incidents = extract_document(text, document="demo")
    assert sorted(i.victims.count for i in incidents) == [30, 70]


def test_the_day_a_source_spoke_is_not_the_day_of_the_event() -> None:
    text = "가상: 탈북자 11명이 공안에 체포됐다고 한 단체가 24일 전했다."
    (incident,) = extract_document(text, document="demo", published=dt.date(2015, 3, 25))
    assert incident.date.start is None
    assert incident.date.precision == "unknown"
