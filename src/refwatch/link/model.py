"""The incident linking model as data, applied in plain Python (Fellegi–Sunter, as Splink defines it).

The model is Splink's settings JSON (``save_model_to_json``) with an m and a u
probability for every comparison level, plus a small companion file with what Splink
computes from the data at prediction time and linking cannot (term frequencies of
cities and figures) and the threshold the model was checked at. Both ship in ``link/data/`` and are
re-made by ``refwatch link-train`` (:mod:`refwatch.link.training`).

A pair's **match weight** is ``log2(λ / (1 − λ))`` plus, for every comparison,
``log2(m / u)`` of the level the pair falls in (a null level — a value one side does
not state — adds nothing), plus Splink's term-frequency adjustment on the city level:
``log2(u / tf)`` where ``tf`` is the share of reports naming the shared city, so that
a city many reports name (Shenyang) weighs less than a rare one; the same for a
figure both reports state (nine is common, 41 is not). The match
probability is ``2^w / (1 + 2^w)``. Scoring a pair costs a few dictionary lookups:
Splink itself (DuckDB, SQL generation) would cost milliseconds per ingested document.

Two guards that EM on a few hundred reports needs: an m or u that EM drove to zero is
read as :data:`FLOOR` (one field wrongly extracted must not forbid a link by itself,
nor one rare agreement force it), and each comparison's contribution is bounded by
:data:`MAX_FIELD_WEIGHT` bits.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from refwatch.errors import InvalidInput
from refwatch.link.features import Features
from refwatch.link.levels import COMPARISONS, shared_values

#: Smallest m or u a level is read with.
FLOOR = 0.01
#: Largest contribution, either way, of one comparison (bits).
MAX_FIELD_WEIGHT = 8.0
MODEL_FILE = "incident_model.json"
COMPANION_FILE = "incident_model.refwatch.json"


@dataclass(frozen=True, slots=True)
class Level:
    """One comparison level's trained probabilities, and its weight: log2(m/u), bounded."""

    label: str
    m: float
    u: float
    tf_weight: float = 0.0
    weight: float = field(init=False)

    def __post_init__(self) -> None:
        raw = math.log2(max(self.m, FLOOR) / max(self.u, FLOOR / 10))
        object.__setattr__(self, "weight", max(-MAX_FIELD_WEIGHT, min(MAX_FIELD_WEIGHT, raw)))


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one comparison added to a pair's match weight."""

    comparison: str
    level: str | None  # None: not stated on one side (Bayes factor 1)
    weight: float
    value: str | None = None  # the city or figure both state, when the level is about one

    def text(self) -> str:
        """``place same city or county (Tumen) +2.1``."""
        value = f" ({self.value})" if self.value else ""
        return f"{self.comparison} {self.level}{value} {self.weight:+.1f}"


@dataclass(frozen=True, slots=True)
class Weighing:
    """A pair's match weight, its probability, and each comparison's part of it."""

    weight: float
    probability: float
    prior: float
    contributions: tuple[Contribution, ...]

    def explain(self) -> str:
        """The line reviewers see: the weight, then each field that moved it."""
        parts = [c.text() for c in self.contributions if c.level is not None]
        head = f"match weight {self.weight:+.1f} (p={self.probability:.2f}; prior {self.prior:+.1f})"
        return f"{head}: " + ", ".join(parts) if parts else head


@dataclass(frozen=True, slots=True)
class LinkModel:
    """A trained model (see the module docstring)."""

    name: str
    digest: str  # sha256 of the two files as stored: names the model in audit entries
    prior: float  # probability that two reports from different documents match
    levels: dict[str, dict[str, Level]]
    term_frequencies: dict[str, dict[str, float]] = field(default_factory=dict)
    threshold: float | None = None
    settings: dict[str, Any] = field(default_factory=dict, repr=False)  # as read, to store with runs
    companion: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def prior_weight(self) -> float:
        """log2 of the prior odds."""
        return math.log2(self.prior / (1 - self.prior))

    def weigh(self, a: Features, b: Features) -> Weighing:
        """Score one pair of reports."""
        total = self.prior_weight
        parts = []
        for name, (_labels, function) in COMPARISONS.items():
            label = function(a, b)
            level = self.levels.get(name, {}).get(label) if label is not None else None
            weight = 0.0 if level is None else level.weight
            values = shared_values(name, a, b) if level is not None else ()
            value = values[0] if values else None
            if level is not None and level.tf_weight:
                value, adjustment = self._tf_adjustment(name, level, values)
                weight += adjustment
            parts.append(Contribution(name, label, weight, value))
            total += weight
        return Weighing(total, probability_of(total), self.prior_weight, tuple(parts))

    def match_weight(self, a: Features, b: Features) -> float:
        """:meth:`weigh`'s weight alone, the same float, without the parts that explain it.

        Clustering weighs every candidate pair but shows the reasons of the few it links:
        building each field's part for the others cost about a third of a relink. Each
        field's weight is added in the same order as :meth:`weigh` adds it, so the two
        agree to the last bit (tests/link/test_model.py checks it).
        """
        total = self.prior_weight
        for name, (_labels, function) in COMPARISONS.items():
            label = function(a, b)
            level = self.levels.get(name, {}).get(label) if label is not None else None
            if level is None:
                total += 0.0
                continue
            weight = level.weight
            if level.tf_weight:
                weight += self._tf_adjustment(name, level, shared_values(name, a, b))[1]
            total += weight
        return total

    def _tf_adjustment(
        self, comparison: str, level: Level, values: tuple[str, ...]
    ) -> tuple[str | None, float]:
        """The rarest shared value training saw, and how much its rarity moves the level's weight.

        A value training never saw gets no adjustment (rather than a rare one's boost).
        """
        known = self.term_frequencies.get(comparison, {})
        seen = [(known[v], v) for v in values if known.get(v)]
        if not seen:
            return (values[0] if values else None), 0.0
        tf, value = min(seen)
        adjustment = level.tf_weight * math.log2(max(level.u, FLOOR / 10) / tf)
        return value, max(-MAX_FIELD_WEIGHT, min(MAX_FIELD_WEIGHT, adjustment))


def probability_of(weight: float) -> float:
    """The match probability of a match weight (bits): ``2^w / (1 + 2^w)``, 0 far below."""
    return 1 / (1 + 2.0 ** (-weight)) if weight > -1000 else 0.0


def from_settings(
    settings: dict[str, Any], companion: dict[str, Any], *, name: str, digest: str = ""
) -> LinkModel:
    """Read Splink's settings (with m and u) and the companion data into a model.

    Raises:
        InvalidInput: when a comparison or level the code defines is missing or untrained.
    """
    prior = settings.get("probability_two_random_records_match")
    if not isinstance(prior, float | int) or not 0 < prior < 1:
        raise InvalidInput(f"{name}: probability_two_random_records_match must lie between 0 and 1")
    levels: dict[str, dict[str, Level]] = {}
    by_name = {c.get("output_column_name"): c for c in settings.get("comparisons", [])}
    for comparison, (labels, _function) in COMPARISONS.items():
        if comparison not in by_name:
            raise InvalidInput(f"{name}: no comparison {comparison!r}; re-train with `refwatch link-train`")
        found: dict[str, Level] = {}
        for level in by_name[comparison].get("comparison_levels", []):
            if level.get("is_null_level"):
                continue
            label = level.get("label_for_charts")
            m, u = level.get("m_probability"), level.get("u_probability")
            found[str(label)] = Level(
                str(label), float(m or 0.0), float(u or 0.0), float(level.get("tf_adjustment_weight") or 0.0)
            )
        missing = [label for label in labels if label not in found]
        if missing:
            raise InvalidInput(f"{name}: comparison {comparison!r} lacks levels {missing}; re-train")
        levels[comparison] = found
    tf = companion.get("term_frequencies") or {}
    threshold = companion.get("threshold")
    return LinkModel(
        name=name,
        digest=digest,
        prior=float(prior),
        levels=levels,
        term_frequencies={k: {str(p): float(v) for p, v in t.items()} for k, t in tf.items()},
        threshold=float(threshold) if threshold is not None else None,
        settings=settings,
        companion=companion,
    )


def read_model(folder: Path | None = None) -> LinkModel:
    """The model in ``folder`` (the two files of the module docstring), or the packaged one.

    Raises:
        InvalidInput: when the files are missing or do not hold a trained model.
    """
    if folder is None:
        return default_model()
    try:
        model_bytes = (folder / MODEL_FILE).read_bytes()
        companion_bytes = (folder / COMPANION_FILE).read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{folder}: cannot read the linking model ({exc.strerror})") from None
    return _parse(model_bytes, companion_bytes, name=str(folder))


@lru_cache(maxsize=1)
def default_model() -> LinkModel:
    """The model shipped in ``refwatch/link/data`` (read once per process)."""
    data = resources.files("refwatch.link") / "data"
    return _parse(
        (data / MODEL_FILE).read_bytes(), (data / COMPANION_FILE).read_bytes(), name="refwatch.link/data"
    )


def _parse(model_bytes: bytes, companion_bytes: bytes, *, name: str) -> LinkModel:
    try:
        settings = json.loads(model_bytes)
        companion = json.loads(companion_bytes)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{name}: the linking model is not JSON ({exc.msg})") from None
    digest = hashlib.sha256(model_bytes + b"\n" + companion_bytes).hexdigest()
    return from_settings(settings, companion, name=name, digest=digest)
