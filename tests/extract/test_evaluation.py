"""The scorer on hand-made (fictional) cases, and gold against itself on the dev corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from refwatch.errors import InvalidInput
from refwatch.extract.evaluation import (
    count_agrees,
    date_agrees,
    date_counted,
    evidence_errors,
    load_corpus,
    match_incidents,
    match_tallies,
    place_agrees,
    score_extraction,
    score_linking,
    score_tallies,
)


def inc(
    doc: str = "d",
    *,
    types: tuple[str, ...] = ("arrest",),
    start: str | None = "2030-03-11",
    end: str | None = "2030-03-20",
    precision: str = "range",
    count: int | None = 8,
    low: int | None = 8,
    high: int | None = 8,
    qualifier: str = "exact",
    places: tuple[tuple[str, str | None, str | None], ...] = (("CN", "Liaoning", "Shenyang"),),
    status: str = "at_risk",
    salience: str = "main",
    cluster: str | None = None,
) -> dict[str, Any]:
    return {
        "document": doc,
        "event_types": list(types),
        "status": status,
        "date": {"start": start, "end": end, "precision": precision if start else "unknown"},
        "victims": {"count": count, "count_min": low, "count_max": high, "qualifier": qualifier},
        "locations": [{"country": c, "admin1": a, "place": p, "role": "arrest"} for c, a, p in places],
        "perpetrators": [],
        "evidence": [],
        "salience": salience,
        "cluster": cluster,
    }


def test_perfect_prediction_scores_one() -> None:
    gold = [inc("a"), inc("b", count=3, low=3, high=3, salience="background")]
    result = score_extraction({"a": [gold[0]], "b": [gold[1]]}, gold)
    assert result["incidents"]["f1"] == 1.0 and result["incidents"]["main_recall"] == 1.0
    assert set(result["fields"].values()) == {1.0}


def test_no_prediction_scores_zero_recall() -> None:
    result = score_extraction({}, [inc("a")])
    assert result["incidents"]["recall"] == 0.0 and result["incidents"]["precision"] is None


def test_disjoint_core_types_do_not_match() -> None:
    assert match_incidents([inc(types=("repatriation",))], [inc(types=("arrest",))]) == []


def test_non_core_types_match_on_any_shared_type() -> None:
    assert match_incidents([inc(types=("torture", "death"))], [inc(types=("death",))]) == [(0, 0)]


def test_non_overlapping_dates_do_not_match() -> None:
    pred = inc(start="2031-01-01", end="2031-01-01", precision="day")
    assert match_incidents([pred], [inc()]) == []


def test_match_needs_one_specific_agreement() -> None:
    pred = inc(count=50, low=50, high=50, places=(("KP", None, "Sinuiju"),), start=None, end=None)
    assert match_incidents([pred], [inc()]) == []
    pred_place = inc(count=50, low=50, high=50, start=None, end=None)
    assert match_incidents([pred_place], [inc()]) == [(0, 0)]


def test_one_to_one_best_first() -> None:
    gold = [inc(count=30, low=30, high=30)]
    weak = inc(count=30, low=30, high=30, places=())
    strong = inc(count=30, low=30, high=30)
    # Both could match; the one agreeing on more (count, date and place) takes the gold incident.
    assert match_incidents([weak, strong], gold) == [(1, 0)]


def v(count: int | None, low: int | None, high: int | None, qualifier: str) -> dict[str, Any]:
    return {"count": count, "count_min": low, "count_max": high, "qualifier": qualifier}


UNKNOWN = v(None, None, None, "unknown")


@pytest.mark.parametrize(
    ("pred", "gold", "agrees"),
    [
        (v(500, 500, None, "at_least"), v(600, 600, 600, "about"), True),
        (v(33, None, 33, "at_most"), v(31, 31, 31, "exact"), True),
        (v(9, 9, 9, "exact"), v(8, 8, 8, "exact"), False),
        (UNKNOWN, UNKNOWN, True),
        (v(5, 5, 5, "exact"), UNKNOWN, False),
    ],
)
def test_count_bounds(pred: dict[str, Any], gold: dict[str, Any], agrees: bool) -> None:
    assert count_agrees({"victims": pred}, {"victims": gold}) is agrees


def test_dates_same_month_or_overlapping_range() -> None:
    day = inc(start="2030-03-14", end="2030-03-14", precision="day")
    assert date_agrees(day, inc())  # inside the gold range
    other_day = inc(start="2030-03-02", end="2030-03-02", precision="day")
    assert date_agrees(other_day, inc(start="2030-03-25", end="2030-03-25", precision="day"))  # same month
    assert not date_agrees(inc(start=None, end=None), inc())


def test_an_inferred_date_is_not_counted_against_an_unknown_gold_date() -> None:
    # INCIDENTS.md: "a date you infer is never counted against you when the gold date is unknown".
    unknown = inc(start=None, end=None)
    assert not date_counted(inc(), unknown)
    assert date_counted(unknown, unknown) and date_agrees(unknown, unknown)
    assert date_counted(unknown, inc()) and not date_agrees(unknown, inc())
    scored = score_extraction({"a": [inc("a")]}, [inc("a", start=None, end=None)])
    assert scored["fields"]["date"] is None  # nothing to count


def test_place_rules() -> None:
    assert place_agrees(inc(places=(("CN", "Liaoning", None),)), inc())
    assert not place_agrees(inc(places=(("CN", "Jilin", "Tumen"),)), inc())
    assert place_agrees(inc(places=(("CN", None, None),)), inc(places=(("CN", None, None),)))
    assert place_agrees(inc(), inc(places=())) is None


def test_linking_pairs() -> None:
    gold = [inc("a", cluster="x"), inc("b", cluster="x"), inc("c", cluster="x"), inc("d", cluster="y")]
    perfect = score_linking(
        gold, [{"sources": [{"document": d} for d in "abc"]}, {"sources": [{"document": "d"}]}]
    )
    assert (perfect.precision, perfect.recall, perfect.f1) == (1.0, 1.0, 1.0)
    partial = score_linking(gold, [{"sources": [{"document": "a"}, {"document": "b"}, {"document": "d"}]}])
    assert partial.true_pairs == 1 and partial.predicted_pairs == 3 and partial.gold_pairs == 3
    assert partial.missed == [("a", "c"), ("b", "c")]


def test_evidence_errors() -> None:
    text = "FICTIONAL: eight people were held."
    good = {"evidence": [{"start": 11, "end": 16, "quote": "eight"}]}
    bad = {"evidence": [{"start": 11, "end": 16, "quote": "seven"}, {"start": 5, "end": 999, "quote": "x"}]}
    assert evidence_errors(text, good) == []
    assert len(evidence_errors(text, bad)) == 2


def test_bad_gold_file_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("FICTIONAL", encoding="utf-8")
    (tmp_path / "gold.jsonl").write_text(json.dumps(inc("a")) + "\n{broken\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="line 2"):
        load_corpus(tmp_path)


def test_gold_against_itself_on_the_dev_corpus(shared_dir: Path) -> None:
    corpus = load_corpus(shared_dir / "corpus" / "dev")
    preds: dict[str, list[dict[str, Any]]] = {}
    clusters: dict[str, list[dict[str, str]]] = {}
    for g in corpus.gold:
        preds.setdefault(g["document"], []).append(g)
        clusters.setdefault(g["cluster"], []).append({"document": g["document"]})
        assert evidence_errors(corpus.texts[g["document"]], g) == []
    result = score_extraction(preds, corpus.gold)
    assert result["incidents"]["f1"] == 1.0
    assert score_linking(corpus.gold, [{"sources": s} for s in clusters.values()]).f1 == 1.0


def test_corpus_subset_by_id_patterns(tmp_path: Path) -> None:
    for doc in ("a1", "a2", "b1"):
        (tmp_path / f"{doc}.txt").write_text("FICTIONAL", encoding="utf-8")
    gold = [inc("a1"), inc("a2"), inc("b1"), inc("b1", count=3, low=3, high=3)]
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    corpus = load_corpus(tmp_path)
    part = corpus.subset(["b*"])
    assert set(part.texts) == {"b1"} and [g["document"] for g in part.gold] == ["b1", "b1"]
    both = corpus.subset(["a2", "b?"])
    assert set(both.texts) == {"a2", "b1"} and len(both.gold) == 3
    with pytest.raises(InvalidInput, match="'c\\*'"):
        corpus.subset(["a*", "c*"])


def tally(document: str, count: int, qualifier: str = "exact", high: int | None = None) -> dict[str, Any]:
    """A fictional tally record in the INCIDENTS.md shape."""
    top = None if qualifier == "at_least" else (high if high is not None else count)
    return {
        "document": document,
        "kind": "returned",
        "figure": {"count": count, "count_min": count, "count_max": top, "qualifier": qualifier, "text": "x"},
        "period": {"start": None, "end": None, "precision": "unknown", "text": None},
        "rate": None,
        "place": None,
        "source_org": None,
        "evidence": [],
    }


def test_tallies_match_on_overlapping_figure_bounds_in_the_same_document() -> None:
    gold = [tally("a", 670, "at_least"), tally("a", 33, "at_least"), tally("b", 3000, "about")]
    preds = {
        "a": [tally("a", 700), tally("a", 20, "range", 40)],  # 700 within >= 670; 20-40 overlaps >= 33
        "b": [tally("b", 2000)],  # 2000 against about 3000: no overlap
        "c": [tally("c", 3000)],  # another document: never a match
    }
    result = score_tallies(preds, gold)
    assert (result["n_matched"], result["n_predicted"], result["n_gold"]) == (2, 4, 3)
    assert (result["precision"], result["recall"]) == (0.5, 0.6667)


def test_tally_matching_is_one_to_one_closest_first() -> None:
    golds = [tally("a", 33, "at_least"), tally("a", 100, "at_least")]
    assert match_tallies([tally("a", 100, "at_least")], golds) == [(0, 1)]
    assert match_tallies([tally("a", 120), tally("a", 130)], [tally("a", 100, "at_least")]) == [(0, 0)]


def test_corpus_tallies_are_read_and_subset(tmp_path: Path) -> None:
    for doc in ("a1", "b1"):
        (tmp_path / f"{doc}.txt").write_text("FICTIONAL", encoding="utf-8")
    (tmp_path / "gold.jsonl").write_text(json.dumps(inc("a1")) + "\n", encoding="utf-8")
    assert load_corpus(tmp_path).tallies == []  # no tallies.jsonl: none
    lines = [json.dumps(tally("a1", 50)), json.dumps(tally("b1", 60))]
    (tmp_path / "tallies.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [t["document"] for t in corpus.subset(["b*"]).tallies] == ["b1"]
    (tmp_path / "tallies.jsonl").write_text('{"document": "a1"}\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="line 1"):
        load_corpus(tmp_path)


def test_dev_gold_tallies_score_one_against_themselves(shared_dir: Path) -> None:
    corpus = load_corpus(shared_dir / "corpus" / "dev")
    if not corpus.tallies:
        pytest.skip("the dev corpus has no tallies.jsonl")
    preds: dict[str, list[dict[str, Any]]] = {}
    for t in corpus.tallies:
        preds.setdefault(t["document"], []).append(t)
        assert evidence_errors(corpus.texts[t["document"]], t) == []
    result = score_tallies(preds, corpus.tallies)
    assert (result["precision"], result["recall"]) == (1.0, 1.0)
