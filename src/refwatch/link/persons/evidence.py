"""What a name says about two records being one person, measured on labelled pairs and kept as data.

Why: when names are all a list records (the usual case for press lists and many
partner spreadsheets), expectation maximisation has nothing but the name to
separate matches from non-matches, and it settles on a mixture that explains the
name levels equally well either way: every pair of one person's spellings came
out near 0.56 whatever the data. How often one person's spellings fall in each
name level (the name's m probabilities) is a property of how people spell Korean
names, not of one list, so it is measured once on labelled spellings, kept in
``data/name_m.toml`` with its source, and held fixed in every run; what is left to
estimate per run (u, the prior, the other fields' m) the run's own data can
estimate. The same labelled pairs give the recall of the deterministic rule the
prior is estimated from.

``derive`` measures both from ``(person, spelling)`` records (``scripts/linkage_name_m.py``
writes the table; the benchmark refits on half of the persons to score the other half).
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import combinations

from refwatch.errors import ConfigError
from refwatch.link.names.compare import NameLevel, compare_features, features
from refwatch.link.names.levels import name_columns
from refwatch.link.names.parse import parse_name

#: The name levels in the order of the Splink comparison (best first, the else level last).
LEVELS = (
    NameLevel.EXACT,
    NameLevel.SAME_READING,
    NameLevel.LOOSE_READING,
    NameLevel.CLOSE,
    NameLevel.DIFFERENT,
)


@dataclass(frozen=True, slots=True)
class NameEvidence:
    """The name's m probabilities (in ``LEVELS`` order) and the prior rule's recall.

    Attributes:
        m: share of same-person pairs at each name level, add-one smoothed so that no
            level is impossible for a match (a weight of minus infinity).
        u: share of different-person pairs at each level, add-half smoothed: how often
            two different people's names agree that far by chance (used where the run's
            own pairs cannot say, see ``model.score_pairs``).
        rule_recall: share of same-person pairs whose ``name_tf`` agrees (the
            deterministic rule of ``model.estimate_prior``).
        pairs: how many same-person pairs these were measured on.
        source: where the labelled spellings came from.
    """

    m: tuple[float, ...]
    u: tuple[float, ...]
    rule_recall: float
    pairs: int
    source: str


def derive(records: Sequence[tuple[str, str]], *, source: str) -> NameEvidence:
    """Measure the evidence from ``(person, spelling)`` records, one spelling per record.

    Raises:
        ValueError: no two records of one person.
    """
    read = [
        (person, features([parse_name(name)]), name_columns([name])["name_tf"]) for person, name in records
    ]
    levels: Counter[NameLevel] = Counter()
    chance: Counter[NameLevel] = Counter()
    agreeing = 0
    for (left_person, left, left_tf), (right_person, right, right_tf) in combinations(read, 2):
        if left_person != right_person:
            chance[compare_features(left, right)] += 1
            continue
        levels[compare_features(left, right)] += 1
        agreeing += bool(left_tf) and left_tf == right_tf
    pairs, others = sum(levels.values()), sum(chance.values())
    if not pairs or not others:
        raise ValueError("labelled records need two spellings of one person and two persons")
    m = tuple((levels[level] + 1) / (pairs + len(LEVELS)) for level in LEVELS)
    u = tuple((chance[level] + 0.5) / (others + len(LEVELS) / 2) for level in LEVELS)
    return NameEvidence(m=m, u=u, rule_recall=agreeing / pairs, pairs=pairs, source=source)


def to_toml(evidence: NameEvidence) -> str:
    """The table as ``data/name_m.toml`` holds it."""
    lines = [
        "# The name's m probabilities (share of pairs of one person's records at each name level,",
        "# add-one smoothed), its u probabilities (the same over pairs of different persons, add-half",
        "# smoothed) and the recall of the prior's rule (same name_tf), measured on labelled",
        "# spellings by scripts/linkage_name_m.py. See refwatch.link.persons.evidence.",
        f'source = "{evidence.source}"',
        f"pairs = {evidence.pairs}",
        f"rule_recall = {evidence.rule_recall:.4f}",
        "",
        "[m]",
        *(f"{level.name.lower()} = {m:.4f}" for level, m in zip(LEVELS, evidence.m, strict=True)),
        "",
        "[u]",
        *(f"{level.name.lower()} = {u:.4g}" for level, u in zip(LEVELS, evidence.u, strict=True)),
    ]
    return "\n".join(lines) + "\n"


def _table_text() -> str:
    return resources.files("refwatch.link.persons").joinpath("data", "name_m.toml").read_text("utf-8")


@cache
def name_evidence() -> NameEvidence:
    """The table shipped in ``data/name_m.toml``, checked as it loads.

    Raises:
        ConfigError: the table is malformed (m not a distribution, recall outside (0, 1]).
    """
    raw = tomllib.loads(_table_text())
    try:
        m = tuple(float(raw["m"][level.name.lower()]) for level in LEVELS)
        u = tuple(float(raw["u"][level.name.lower()]) for level in LEVELS)
        evidence = NameEvidence(m, u, float(raw["rule_recall"]), int(raw["pairs"]), str(raw["source"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"name_m.toml: {exc}") from None
    if any(not 0 < p < 1 for p in m + u) or abs(sum(m) - 1) > 1e-3 or abs(sum(u) - 1) > 1e-3:
        raise ConfigError("name_m.toml: m and u must be distributions over the levels")
    if not 0 < evidence.rule_recall <= 1:
        raise ConfigError("name_m.toml: rule_recall must be in (0, 1]")
    return evidence
