"""Mention-level linking score and headline check, on made-up records."""

from __future__ import annotations

from typing import Any

from refwatch.extract.linkeval import headline_check, score_mention_linking


def _incident(
    doc: str, count: int, date: str, *, cluster: str | None = None, status: str = "at_risk"
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "document": doc,
        "event_types": ["arrest"],
        "status": status,
        "date": {"start": date, "end": date, "precision": "day"},
        "victims": {"count": count, "count_min": count, "count_max": count, "qualifier": "exact"},
        "locations": [],
    }
    if cluster:
        record["cluster"] = cluster
    return record


def _linked(*sources: dict[str, Any], status: str = "at_risk", count: int = 0) -> dict[str, Any]:
    return {
        "status": status,
        "victims": {"count": count},
        "sources": [{"document": s["document"], "extracted": s} for s in sources],
    }


GOLD = [
    _incident("a", 7, "2031-03-02", cluster="seven"),
    _incident("a", 40, "2031-05-20", cluster="forty"),
    _incident("b", 7, "2031-03-02", cluster="seven"),
    _incident("b", 40, "2031-05-20", cluster="forty"),
]


def test_linking_the_wrong_incidents_of_two_reports_earns_nothing() -> None:
    """Document-level scoring counts a-b as right whichever incidents were joined; mentions do not."""
    crossed = [
        _linked(_incident("a", 7, "2031-03-02"), _incident("b", 40, "2031-05-20")),
        _linked(_incident("a", 40, "2031-05-20"), _incident("b", 7, "2031-03-02")),
    ]
    score = score_mention_linking(GOLD, crossed)
    assert score.gold_pairs == 2
    assert score.true_pairs == 0
    assert score.f1 == 0.0


def test_linking_the_right_incidents_scores_full_marks() -> None:
    right = [
        _linked(_incident("a", 7, "2031-03-02"), _incident("b", 7, "2031-03-02")),
        _linked(_incident("a", 40, "2031-05-20"), _incident("b", 40, "2031-05-20")),
    ]
    score = score_mention_linking(GOLD, right)
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)


def test_a_source_matching_no_gold_incident_adds_no_pair() -> None:
    linked = [_linked(_incident("a", 7, "2031-03-02"), _incident("b", 900, "2040-01-01"))]
    score = score_mention_linking(GOLD, linked)
    assert score.predicted_pairs == 0
    assert score.unmapped_sources == 1


def test_headline_takes_each_event_once_with_its_largest_returned_count() -> None:
    gold = [
        _incident("a", 50, "2031-07-01", cluster="fifty", status="returned"),
        _incident("b", 60, "2031-07-02", cluster="fifty", status="returned"),
        _incident("c", 60, "2031-07-02", cluster="fifty", status="at_risk"),
        _incident("c", 9, "2031-08-02", status="at_risk"),
    ]
    split = [
        _linked(gold[0], status="returned", count=50),
        _linked(gold[1], status="returned", count=60),
        _linked(gold[2], status="at_risk", count=60),
        _linked(gold[3], status="at_risk", count=9),
    ]
    check = headline_check(gold, split)
    assert check.gold_returned_people == 60
    assert check.returned_people == 110
    assert check.gold_events == 2
    assert check.incidents == 4
    assert check.returned_incidents == 2
    assert check.gold_returned_events == 1
