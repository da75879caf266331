"""Korean name comparison: pairwise precision/recall and comparisons per second.

    .venv/bin/python benchmarks/names.py [--shared ../shared]

1. ../shared/data/names/persons.csv (real attested spellings; skipped when absent),
   scored at each level used as the match threshold.
2. A synthetic set of fictional people: random surnames and given-name syllables,
   each person spelled in Hangul, RR, MR (with and without breves), ad-hoc and
   surname-last; plus look-alike people (one syllable changed, syllables swapped,
   another surname with the same given name). Seeded, so figures repeat.
3. Speed: read each record once (parse and features), then compare the pairs.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from itertools import combinations
from pathlib import Path

from refwatch.link.names import NameLevel, parse_name, romanise
from refwatch.link.names.compare import compare_features, features
from refwatch.link.names.evaluation import score_pairs
from refwatch.link.names.tables import surnames

GIVEN_SYLLABLES = list("영철수민희순옥성일남혁광진경호련향금춘선정현미은숙화룡길복만국학명애란")


def _spellings(surname_row: object, given: list[str], rng: random.Random) -> list[str]:
    row = surname_row
    hangul_name = row.hangul + "".join(given)  # type: ignore[attr-defined]
    latin = rng.choice(row.spellings)  # type: ignore[attr-defined]
    rr = "-".join(romanise([s]) for s in given)
    mr = romanise(given, system="mr")
    dprk = "-".join(romanise([s], system="mr", breves=False) for s in given)
    return [
        hangul_name,
        f"{latin} {rr.capitalize()}",
        f"{rng.choice(row.spellings)} {mr.capitalize()}",  # type: ignore[attr-defined]
        f"{latin} {dprk.replace('-', ' ').title()}",
        f"{dprk.capitalize()} {latin}",
    ]


def synthetic(seed: int = 7, people: int = 150) -> list[tuple[str, str]]:
    """Fictional records: ``people`` persons and as many look-alikes, five spellings each."""
    rng = random.Random(seed)
    rows = [row for row in surnames() if len(row.hangul) == 1][:30]
    records: list[tuple[str, str]] = []
    used: set[str] = set()  # two fictional people with one name cannot be told apart by name
    for person in range(people):
        row = rng.choice(rows)
        given = rng.sample(GIVEN_SYLLABLES, 2)
        if row.hangul + "".join(given) in used:
            continue
        records += [(f"p{person}", name) for name in _spellings(row, given, rng)]
        kind = person % 3
        if kind == 0:  # one syllable changed
            other = [given[0], rng.choice([s for s in GIVEN_SYLLABLES if s not in given])]
            look_row = row
        elif kind == 1:  # syllables swapped
            other, look_row = [given[1], given[0]], row
        else:  # same given name, another surname
            other, look_row = given, rng.choice([r for r in rows if r.hangul != row.hangul])
        if look_row.hangul + "".join(other) in used:
            continue
        used |= {row.hangul + "".join(given), look_row.hangul + "".join(other)}
        records += [(f"p{person}-look", name) for name in _spellings(look_row, other, rng)]
    return records


def _report(title: str, records: list[tuple[str, str]]) -> None:
    print(f"\n{title}: {len(records)} records, {len(records) * (len(records) - 1) // 2} pairs")
    print(f"{'threshold':<15} {'precision':>9} {'recall':>7} {'tp':>6} {'fp':>5} {'fn':>5}")
    for threshold in (NameLevel.SAME_READING, NameLevel.LOOSE_READING, NameLevel.CLOSE):
        s = score_pairs(records, threshold=threshold)
        print(
            f"{threshold.name:<15} {s.precision:>9.3f} {s.recall:>7.3f} "
            f"{s.true_positives:>6} {s.false_positives:>5} {s.false_negatives:>5}"
        )


def _speed(records: list[tuple[str, str]]) -> None:
    names = [name for _, name in records]
    start = time.perf_counter()
    parsed = [features([parse_name.__wrapped__(name)]) for name in names]
    parse_s = time.perf_counter() - start
    pairs = list(combinations(parsed, 2))
    start = time.perf_counter()
    for left, right in pairs:
        compare_features(left, right)
    compare_s = time.perf_counter() - start
    print(
        f"\nspeed: parse {len(names) / parse_s:,.0f} names/s; compare {len(pairs) / compare_s:,.0f} pairs/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    args = parser.parse_args()
    persons = args.shared / "data" / "names" / "persons.csv"
    if persons.is_file():
        with persons.open(encoding="utf-8", newline="") as handle:
            _report("persons.csv", [(r["person_id"], r["spelling"]) for r in csv.DictReader(handle)])
    else:
        print(f"{persons} not found: skipped")
    records = synthetic()
    _report("synthetic look-alikes (fictional)", records)
    _speed(records)


if __name__ == "__main__":
    main()
