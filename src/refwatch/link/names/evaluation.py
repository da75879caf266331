"""Pairwise precision and recall of the name comparison over records with known persons.

Used by the tests on ../shared/data/names/persons.csv and by benchmarks/names.py:
every pair of records is compared once; a pair is predicted to be one person
when its level reaches ``threshold``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from refwatch.link.names.compare import NameLevel, compare_features, features
from refwatch.link.names.parse import parse_name


@dataclass(frozen=True, slots=True)
class PairwiseScore:
    """Counts and rates over all pairs of records."""

    true_positives: int
    false_positives: int
    false_negatives: int
    levels: Counter[tuple[bool, NameLevel]]

    @property
    def precision(self) -> float:
        """Share of predicted same-person pairs that are the same person (1.0 when none)."""
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        """Share of same-person pairs predicted as such (1.0 when none)."""
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0


def score_pairs(records: Sequence[tuple[str, str]], *, threshold: NameLevel) -> PairwiseScore:
    """Score ``(person_id, name)`` records: every pair, a match at ``threshold`` or above."""
    parsed = [(person, features([parse_name(name)])) for person, name in records]
    levels: Counter[tuple[bool, NameLevel]] = Counter()
    tp = fp = fn = 0
    for (left_person, left), (right_person, right) in combinations(parsed, 2):
        level = compare_features(left, right)
        same = left_person == right_person
        levels[(same, level)] += 1
        if level >= threshold:
            tp, fp = (tp + 1, fp) if same else (tp, fp + 1)
        elif same:
            fn += 1
    return PairwiseScore(true_positives=tp, false_positives=fp, false_negatives=fn, levels=levels)
