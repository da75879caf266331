"""Person linkage without a database: clusters, decisions, and precision/recall against known truth.

The synthetic people are FICTIONAL (random syllables, seeded); the attested spellings of
../shared/data/names/persons.csv are read at test time and the test skips when they are absent.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import random
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refwatch.domain.records import CellError, partial_date
from refwatch.link.names import romanise
from refwatch.link.names.tables import surnames
from refwatch.link.persons import Decision, LinkRecord, Pair, cluster_records, feature_row, score_pairs
from refwatch.link.persons.model import probability_of

GIVEN = list("영철수민희순옥성일남혁광진경호련향금춘선정현미은숙화룡길복만국학명애란")


def pairwise(person_of: dict[int, int], truth: dict[int, str]) -> tuple[float, float]:
    found = {frozenset(p) for p in itertools.combinations(person_of, 2) if person_of[p[0]] == person_of[p[1]]}
    true = {frozenset(p) for p in itertools.combinations(truth, 2) if truth[p[0]] == truth[p[1]]}
    hits = len(found & true)
    return (hits / len(found) if found else 1.0), (hits / len(true) if true else 1.0)


def test_decisions_override_the_model_and_persons_do_not_depend_on_order() -> None:
    pairs = [Pair(1, 2, 0.99), Pair(2, 3, 0.95), Pair(4, 5, 0.5), Pair(6, 7, 0.1)]
    plain = cluster_records(range(1, 8), pairs, match_threshold=0.9, review_threshold=0.3)
    assert plain.person_of == {1: 1, 2: 1, 3: 1, 4: 4, 5: 5, 6: 6, 7: 7}
    assert [(p.left, p.right) for p in plain.review] == [(4, 5)]
    decided = cluster_records(
        range(1, 8),
        list(reversed(pairs)),
        match_threshold=0.9,
        review_threshold=0.3,
        decisions=[Decision(2, 3, "split"), Decision(4, 5, "confirmed"), Decision(6, 7, "confirmed")],
    )
    assert decided.person_of == {1: 1, 2: 1, 3: 3, 4: 4, 5: 4, 6: 6, 7: 6}
    assert decided.review == [] and decided.probability[5] == 0.5 and decided.probability[7] == 0.1


def _fictional(people: int, seed: int) -> tuple[list[LinkRecord], dict[int, str]]:
    """Fictional people on two lists, each spelled differently, with some fields missing."""
    rng = random.Random(seed)
    rows = [row for row in surnames() if len(row.hangul) == 1][:20]
    records: list[LinkRecord] = []
    truth: dict[int, str] = {}
    for person in range(people):
        row, given = rng.choice(rows), rng.sample(GIVEN, 2)
        born, origin = rng.randrange(1950, 2005), rng.choice(["회령", "Hoeryong", "Musan", "무산", "Hyesan"])
        date = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3000))
        spellings = [
            row.hangul + "".join(given),
            f"{rng.choice(row.spellings)} {'-'.join(romanise([s]) for s in given).capitalize()}",
            f"{rng.choice(row.spellings)} {romanise(given, system='mr').capitalize()}",
        ]
        for n, list_name in enumerate(rng.sample(["NGO A", "NGO B", "Press"], rng.choice([1, 2, 2, 3]))):
            rid = len(records) + 1
            truth[rid] = f"p{person}"
            records.append(
                LinkRecord(
                    id=rid,
                    list_name=list_name,
                    spellings=(spellings[n],),
                    sex="F" if person % 2 else "M",
                    birth_year=None if rng.random() < 0.2 else born + rng.choice([0, 0, 0, 1]),
                    origin=origin,
                    event_date=date.isoformat()[: rng.choice([7, 10])],
                )
            )
    return records, truth


def test_fictional_lists_link_with_high_precision_and_recall() -> None:
    records, truth = _fictional(400, seed=3)
    model = score_pairs([feature_row(r) for r in records], review_threshold=0.3)
    outcome = cluster_records(truth, model.pairs, match_threshold=0.9, review_threshold=0.3)
    precision, recall = pairwise(outcome.person_of, truth)
    assert precision >= 0.95 and recall >= 0.90, (precision, recall, model.trained)
    assert model.settings["comparisons"][0]["output_column_name"] == "name"


def test_attested_spellings_names_only(shared_dir: Path) -> None:
    """Names alone: Splink ranks every reading of one person above every other pair.

    In this set (25 people, 6 spellings each) names are all the evidence there is; the
    default thresholds are checked in test_persons_names_only.py, the ranking here.
    """
    path = shared_dir / "data" / "names" / "persons.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    records = [
        LinkRecord(id=i + 1, list_name="names", spellings=(r["spelling"],)) for i, r in enumerate(rows)
    ]
    truth = {i + 1: r["person_id"] for i, r in enumerate(rows)}
    model = score_pairs([feature_row(r) for r in records], review_threshold=0.3)
    outcome = cluster_records(truth, model.pairs, match_threshold=0.5, review_threshold=0.3)
    precision, recall = pairwise(outcome.person_of, truth)
    assert precision >= 0.95 and recall >= 0.90, (precision, recall)
    by_truth: dict[bool, list[float]] = defaultdict(list)
    for pair in model.pairs:
        by_truth[truth[pair.left] == truth[pair.right]].append(pair.probability)
    assert not by_truth[False] or min(by_truth[True]) > max(by_truth[False])


def test_match_weight_as_probability() -> None:
    assert probability_of(0.0) == 0.5 and probability_of(10.0) > 0.999


@given(st.integers(1900, 2100), st.integers(1, 12), st.integers(1, 31), st.sampled_from("-/."))
def test_partial_dates_read_back_in_one_form(year: int, month: int, day: int, sep: str) -> None:
    assert partial_date(f"{year}{sep}{month}{sep}{day}") == f"{year}-{month:02d}-{day:02d}"
    assert partial_date(f"{year}{sep}{month}") == f"{year}-{month:02d}"
    assert partial_date(str(year)) == str(year)


@pytest.mark.parametrize("text", ["1899", "2019-13", "2019-01-32", "nineteen", "2019-1-1-1", ""])
def test_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(CellError):
        partial_date(text)


def test_the_linkage_database_fails_rather_than_spill_to_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    from refwatch.link.persons.model import memory_only_connection

    monkeypatch.chdir(tmp_path)  # where a default in-memory DuckDB would put its .tmp directory
    con = memory_only_connection()
    try:
        assert con.execute("SELECT current_setting('temp_directory')").fetchone() == ("",)
        con.execute("SET memory_limit = '40MB'")
        big_sort = "SELECT count(*) FROM (SELECT md5(i::VARCHAR) AS s FROM range(3000000) t(i) ORDER BY s)"
        with pytest.raises(duckdb.OutOfMemoryException):
            con.execute(big_sort).fetchall()
    finally:
        con.close()
    assert list(tmp_path.iterdir()) == []


def test_a_place_written_in_another_script_is_the_same_place() -> None:
    """Partners write the same county in Hangul, in Latin or in Chinese: the gazetteer's id is the
    key compared, so "회령" and "Hoeryong" agree as one place (they used to count as two places in
    one province, which made "same province" look like a match and "same place" rare among matches)."""
    from refwatch.services.person_linkage import gazetteer_place

    hangul, latin = gazetteer_place("회령", country="KP"), gazetteer_place("Hoeryong", country="KP")
    assert hangul == latin == ("kp.north_hamgyong.hoeryong", "North Hamgyong")
    assert gazetteer_place("图们")[0] == gazetteer_place("Tumen")[0] == "cn.jilin.tumen"
    assert gazetteer_place("Chongjin", country="KP")[0] != hangul[0]
    assert gazetteer_place("nowhere at all") == (None, None)

    def row(origin: str, place: str) -> dict[str, object]:
        record = LinkRecord(
            1,
            "NGO A",
            ("김영철",),
            origin=origin,
            origin_place=gazetteer_place(origin, country="KP")[0],
            event_place=place,
            event_place_id=gazetteer_place(place)[0],
        )
        return feature_row(record)

    one, other = row("회령", "图们"), row("Hoeryong", "Tumen City")
    assert (one["origin"], one["event_place"]) == (other["origin"], other["event_place"])
    # A place the gazetteer does not know is still compared as written (folded).
    assert feature_row(LinkRecord(1, "NGO A", ("김영철",), origin="Hamlet No. 5"))["origin"] == "hamlet no 5"
