"""The name comparison scored on real attested spellings (../shared/data/names/persons.csv).

The rows are read from ../shared at test time and never copied here; the test
skips when ../shared is absent.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from refwatch.link.names import NameLevel, parse_name
from refwatch.link.names.evaluation import score_pairs


@pytest.fixture(scope="module")
def records(shared_dir: Path) -> list[tuple[str, str]]:
    path = shared_dir / "data" / "names" / "persons.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["person_id"], row["spelling"]) for row in csv.DictReader(handle)]


def test_pairwise_precision_and_recall_on_attested_spellings(records: list[tuple[str, str]]) -> None:
    """#18's targets are precision >= 0.95 and recall >= 0.90 (measured at LOOSE_READING: 1.00 and 0.965).

    The pairs still missed are the Vietnamese and Hokkien readings of two names.
    """
    score = score_pairs(records, threshold=NameLevel.CLOSE)
    assert score.precision >= 0.95
    assert score.recall >= 0.90
    strict = score_pairs(records, threshold=NameLevel.LOOSE_READING)
    assert strict.precision >= 0.99
    assert strict.recall >= 0.95


def test_almost_every_attested_spelling_is_read(records: list[tuple[str, str]]) -> None:
    """Only readings in other languages (a Vietnamese rendering of 金德訓) are left unread."""
    unread = [name for _, name in records if parse_name(name) is None]
    assert len(unread) <= 0.02 * len(records)
