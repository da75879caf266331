"""Order-independent clustering with human constraints (fictional incidents)."""

from __future__ import annotations

from factories import make
from hypothesis import given, settings
from hypothesis import strategies as st

from refwatch.link.clustering import cluster
from refwatch.link.model import default_model
from refwatch.link.scoring import Report

THRESHOLD = default_model().threshold or 0.5


def reports() -> list[Report]:
    specs = [
        (
            "n1",
            {"start": "2030-10-09", "count": 500, "qualifier": "at_least", "place": ("CN", "Jilin", "Tumen")},
        ),
        (
            "n2",
            {"start": "2030-10-09", "count": 600, "qualifier": "about", "place": ("CN", "Jilin", "Tumen")},
        ),
        (
            "n3",
            {
                "start": "2030-10-08",
                "end": "2030-10-10",
                "count": 550,
                "qualifier": "about",
                "place": ("CN", "Jilin", None),
            },
        ),
        (
            "n4",
            {"start": "2030-03-11", "end": "2030-03-20", "count": 8, "place": ("CN", "Liaoning", "Shenyang")},
        ),
        ("n5", {"start": "2030-03-15", "count": 8, "place": ("CN", None, None)}),
        ("n6", {"start": "2031-07-01", "count": 3, "place": ("LA", None, None)}),
    ]
    return [Report(f"{doc}#000", doc, make(doc, **kw)) for doc, kw in specs]  # type: ignore[arg-type]


def test_groups_the_same_events() -> None:
    result = cluster(reports(), threshold=THRESHOLD, window_days=45)
    assert result.groups == (("n1#000", "n2#000", "n3#000"), ("n4#000", "n5#000"), ("n6#000",))
    assert all(link.comparison.reason for link in result.links)


@settings(max_examples=40, deadline=None)
@given(st.permutations(reports()))
def test_order_does_not_matter(shuffled: list[Report]) -> None:
    assert (
        cluster(shuffled, threshold=THRESHOLD, window_days=45).groups
        == cluster(reports(), threshold=THRESHOLD, window_days=45).groups
    )


def test_pinned_groups_stay_apart() -> None:
    result = cluster(reports(), threshold=THRESHOLD, window_days=45, pinned=[["n1#000"], ["n2#000"]])
    groups = {frozenset(g) for g in result.groups}
    assert not any({"n1#000", "n2#000"} <= g for g in groups)
    assert any("n3#000" in g for g in groups)


def test_pinned_group_is_kept_together() -> None:
    result = cluster(reports(), threshold=THRESHOLD, window_days=45, pinned=[["n1#000", "n6#000"]])
    assert any({"n1#000", "n6#000"} <= set(g) for g in result.groups)


def test_two_incidents_of_one_document_stay_apart() -> None:
    a = Report("d#000", "d", make("d", start="2030-01-01", count=3))
    b = Report("d#001", "d", make("d", start="2030-01-01", count=3))
    c = Report("e#000", "e", make("e", start="2030-01-01", count=3))
    groups = cluster([a, b, c], threshold=THRESHOLD, window_days=45).groups
    assert len(groups) == 2
