"""Training the incident linking model with Splink on DuckDB: m and u by EM, from the reports alone.

Incidents (reports) are Splink's records. Each comparison level's condition calls
one DuckDB function, ``refwatch_level(comparison, left id, right id)``, that runs the
Python level functions of :mod:`refwatch.link.levels` on the two records' features:
the levels Splink trains are, by construction, the levels linking applies.

Steps, as Splink's documentation lays them out: u from pairs of reports of
different documents (:func:`estimate_u`); m by expectation maximisation with u held,
in two sessions each blocked on agreement in one field; then the share of pairs
that match (:func:`estimate_prior`) and the threshold (:func:`choose_threshold`).
No annotation is read: gold clusters may *check* a model (:func:`gold_check`).
Every pair is visited in Python for u, the prior and the threshold: a few
seconds for a thousand reports, minutes for ten thousand (training is occasional).

Imported on its own (it loads Splink and DuckDB); linking reads the saved model
with :mod:`refwatch.link.model` in plain Python.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator
from splink import blocking_rule_library as brl
from splink import comparison_level_library as cll
from splink import comparison_library as cl

from refwatch.errors import InvalidInput
from refwatch.link.features import Features, features
from refwatch.link.levels import COMPARISONS, TF_COMPARISONS, place_terms
from refwatch.link.model import COMPANION_FILE, MODEL_FILE, LinkModel, from_settings
from refwatch.link.report import Report
from refwatch.link.scoring import compare_features

#: Pairs counted (or sampled, beyond) to estimate u.
U_PAIRS = 1_000_000
#: EM iterations tried in turn until Splink's EM finishes (see :func:`train`).
EM_ITERATIONS = (25, 10, 5, 2)

_FUNCTION = "refwatch_level"
_BLOCKING = "l.document <> r.document"


@dataclass(frozen=True, slots=True)
class Trained:
    """Splink's settings with m and u, and the term frequencies linking adjusts cities by."""

    settings: dict[str, Any]
    term_frequencies: dict[str, dict[str, float]]
    records: int
    threshold: float
    expected_f1: float
    threshold_source: str = "expected pairwise F1 under the model (no annotation)"

    def companion(self) -> dict[str, Any]:
        """The companion file's content (see :mod:`refwatch.link.model`)."""
        return {
            "threshold": self.threshold,
            "threshold_source": self.threshold_source,
            "expected_pairwise_f1": self.expected_f1,
            "records": self.records,
            "term_frequencies": self.term_frequencies,
        }

    def save(self, folder: Path) -> None:
        """Write the model's two files into ``folder`` (made if missing), readable by the owner only.

        The companion lists the cities and figures of the reports trained on, with their
        frequencies: trained on restricted documents it is as sensitive as they are.
        """
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in ((MODEL_FILE, self.settings), (COMPANION_FILE, self.companion())):
            path = folder / name
            path.write_text(json.dumps(content, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            path.chmod(0o600)


def comparisons(u: Mapping[str, Mapping[str, float]] | None = None) -> list[cl.CustomComparison]:
    """One Splink comparison per entry of :data:`refwatch.link.levels.COMPARISONS`, with ``u`` set."""
    out = []
    for name, (labels, _function) in COMPARISONS.items():
        call = f"{_FUNCTION}('{name}', {_column(name)}_l, {_column(name)}_r)"
        levels: list[Any] = [
            cll.CustomLevel(f"{call} IS NULL", label_for_charts="not stated on one side").configure(
                is_null_level=True
            )
        ]
        # EM starts from m halving level by level (strongest first), a shape and not a guess
        # of any field's value; EM moves every one of them.
        start = [2.0 ** (len(labels) - 1 - n) for n in range(len(labels))]
        levels += [
            cll.CustomLevel(f"{call} = '{label}'", label_for_charts=label).configure(
                m_probability=weight / sum(start),
                u_probability=max((u or {}).get(name, {}).get(label, 0.0), 1e-6),
            )
            for label, weight in zip(labels, start, strict=True)
        ]
        out.append(
            cl.CustomComparison(
                comparison_levels=levels,
                output_column_name=name,
                comparison_description=f"incident {name} (refwatch.link.levels)",
            )
        )
    return out


def block_on_sql(sql: str) -> brl.CustomRule:
    """A blocking rule written in SQL, typed as Splink wants it."""
    return brl.CustomRule(sql)


def _column(comparison: str) -> str:
    # Each comparison reads its own copy of the record id, so that Splink knows which
    # comparison a training blocking rule fixes (it looks at the columns a rule names).
    return f"id_{comparison}"


def _agree(comparison: str, levels: Sequence[str]) -> str:
    labels = ", ".join(f"'{label}'" for label in levels)
    column = _column(comparison)
    return f"{_FUNCTION}('{comparison}', l.{column}, r.{column}) IN ({labels}) AND {_BLOCKING}"


#: EM runs twice, each time on pairs that agree on one field (whose levels it then
#: cannot estimate): pairs agreeing on the count estimate the date and the rest, pairs
#: agreeing on the date estimate the count. Over all pairs matches are too rare (well
#: under 1 %) for EM to find them; Splink's guidance is the same.
def _training_rules() -> list[str]:
    date_levels, count_levels = COMPARISONS["date"][0], COMPARISONS["count"][0]
    return [_agree("count", count_levels[:2]), _agree("date", date_levels[:3])]


def _connection(found: Mapping[str, Features]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")

    def level(comparison: str, left: str, right: str) -> str | None:
        return COMPARISONS[comparison][1](found[left], found[right])

    # "special": the function itself answers NULL (no level: one side does not say).
    con.create_function(  # type: ignore[call-overload]
        _FUNCTION, level, ["varchar"] * 3, "varchar", null_handling="special", side_effects=False
    )
    return con


def estimate_u(
    found: Sequence[Features], *, max_pairs: int = U_PAIRS, seed: int = 16
) -> dict[str, dict[str, float]]:
    """u of every level: its share among pairs of reports from different documents.

    Splink's random sampling would draw pairs from one document too, which linking
    never compares and which share their date far more often than reports of two
    documents do (an extractor dates a report's incidents alike): u came out ten
    times too high for the closest date level. With few reports every pair is
    counted; beyond ``max_pairs`` a seeded sample is.
    """
    ordered = sorted(found, key=lambda f: f.key)
    pairs: list[tuple[Features, Features]]
    if len(ordered) * (len(ordered) - 1) // 2 <= max_pairs:
        pairs = [(a, b) for a, b in itertools.combinations(ordered, 2) if a.document != b.document]
    else:
        draw = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
        picks = (draw.sample(ordered, 2) for _ in range(max_pairs))
        pairs = [(a, b) for a, b in picks if a.document != b.document]
    out: dict[str, dict[str, float]] = {}
    for name, (labels, function) in COMPARISONS.items():
        counts = Counter(function(a, b) for a, b in pairs)
        stated = sum(n for label, n in counts.items() if label is not None)
        out[name] = {label: (counts[label] / stated if stated else 0.0) for label in labels}
    return out


def term_frequencies(found: Sequence[Features]) -> dict[str, dict[str, float]]:
    """The share of reports naming each city, province and country and stating each figure:
    common values are weak evidence (see :func:`refwatch.link.levels.shared_value`)."""
    total = max(len(found), 1)
    places = Counter(term for f in found for terms in place_terms(f) for term in terms)
    figures = Counter(str(f.stated) for f in found if f.stated is not None)
    return {
        name: {value: round(n / total, 6) for value, n in sorted(counts.items())}
        for name, counts in (("place", places), ("count", figures))
    }


def train(reports: Sequence[Report], *, window_days: int = 45, seed: int = 16) -> Trained:
    """Estimate the model from ``reports`` (see the module docstring)."""
    found = {r.key: features(r) for r in reports}
    rows = [
        {"unique_id": key, "document": f.document} | {_column(name): key for name in COMPARISONS}
        for key, f in sorted(found.items())
    ]
    u = estimate_u(list(found.values()), seed=seed)
    settings_json = None
    for iterations in EM_ITERATIONS:
        try:
            settings_json = _em(found, rows, u, max_iterations=iterations)
            break
        except ValueError:
            # Splink stops when EM drives a level's m to an underflow (a level no match
            # falls in, on few reports); fewer iterations stop before it does.
            continue
    if settings_json is None:
        raise InvalidInput("EM did not converge on these reports; link more documents before training")
    _mark_tf_level(settings_json)
    tf = term_frequencies(list(found.values()))
    settings_json["probability_two_random_records_match"] = estimate_prior(settings_json, tf, found)
    model = from_settings(settings_json, {"term_frequencies": tf}, name="training")
    threshold, expected = choose_threshold(model, list(found.values()), window_days=window_days)
    return Trained(
        settings=settings_json,
        term_frequencies=tf,
        records=len(rows),
        threshold=threshold,
        expected_f1=expected,
    )


def _em(
    found: Mapping[str, Features],
    rows: list[dict[str, str]],
    u: Mapping[str, Mapping[str, float]],
    *,
    max_iterations: int,
) -> dict[str, Any]:
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons(u),  # type: ignore[arg-type]
        blocking_rules_to_generate_predictions=[block_on_sql(_BLOCKING)],
        retain_intermediate_calculation_columns=False,
        max_iterations=max_iterations,
    )
    con = _connection(found)
    try:
        db = DuckDBAPI(connection=con)
        linker = Linker(db.register(pa.Table.from_pylist(rows)), settings, log_level=None)
        for rule in _training_rules():
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        result: dict[str, Any] = linker.misc.save_model_to_json()
        return result
    finally:
        con.close()


#: Thresholds (match probability) the training chooses from.
THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def choose_threshold(model: LinkModel, found: Sequence[Features], *, window_days: int) -> tuple[float, float]:
    """The threshold with the best pairwise F1 the model itself expects, and that F1.

    No annotation is used: over the pairs linking would compare (no veto), the model's
    match probabilities are its own estimate of how many pairs are true, so expected
    true positives above a threshold t are the sum of the probabilities above t, false
    positives the sum of their complements, and missed pairs the sum below t.
    """
    probabilities = []
    for a, b in itertools.combinations(sorted(found, key=lambda f: f.key), 2):
        result = compare_features(a, b, window_days=window_days, model=model)
        if result.veto is None:
            probabilities.append(result.score)
    total = sum(probabilities)
    best = (THRESHOLDS[-1], 0.0)
    for t in THRESHOLDS:
        tp = sum(p for p in probabilities if p >= t)
        fp = sum(1 - p for p in probabilities if p >= t)
        f1 = 2 * tp / (2 * tp + fp + (total - tp)) if tp else 0.0
        if f1 > best[1]:
            best = (t, round(f1, 4))
    return best


def _mark_tf_level(settings_json: dict[str, Any]) -> None:
    """Agreement on a city or a figure is adjusted for how common it is, as Splink's tf columns are."""
    for comparison in settings_json["comparisons"]:
        name = comparison["output_column_name"]
        for level in comparison["comparison_levels"]:
            if level.get("label_for_charts") in TF_COMPARISONS.get(name, ()):
                level["tf_adjustment_column"] = f"{name}_tf"
                level["tf_adjustment_weight"] = 1.0


def estimate_prior(
    settings_json: dict[str, Any],
    tf: dict[str, dict[str, float]],
    found: Mapping[str, Features],
    *,
    rounds: int = 200,
) -> float:
    """The share of pairs from different documents that match, by EM with m and u held fixed.

    Splink's EM refuses to hold both m and u; with them fixed the step is one line: the
    new share is the mean match probability of every pair under the old one.
    """
    probe = from_settings(
        settings_json | {"probability_two_random_records_match": 0.5},
        {"term_frequencies": tf},
        name="training",
    )
    evidence = [
        probe.weigh(a, b).weight - probe.prior_weight
        for a, b in itertools.combinations(sorted(found.values(), key=lambda f: f.key), 2)
        if a.document != b.document
    ]
    if not evidence:
        return 0.01
    share = 0.01
    for _ in range(rounds):
        odds = share / (1 - share)
        share = sum(odds * 2.0**e / (odds * 2.0**e + 1) for e in evidence) / len(evidence)
        share = min(max(share, 1e-6), 0.5)
    return round(share, 6)


def gold_check(reports: Sequence[Report], clusters: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """m and u as annotated clusters imply them, per level (to compare with EM's, never to set them).

    Args:
        reports: the reports the model was trained on.
        clusters: report key -> gold cluster, for reports mapped to an annotated incident.

    Returns:
        comparison -> level -> {"m": ..., "u": ...} over pairs of reports from different
        documents that both have a cluster.
    """
    found = [features(r) for r in reports if r.key in clusters]
    counts: dict[str, dict[str, list[int]]] = {name: {} for name in COMPARISONS}
    for a, b in itertools.combinations(found, 2):
        if a.document == b.document:
            continue
        same = clusters[a.key] == clusters[b.key]
        for name, (_labels, function) in COMPARISONS.items():
            label = function(a, b)
            if label is not None:
                slot = counts[name].setdefault(label, [0, 0])
                slot[0 if same else 1] += 1
    out: dict[str, dict[str, Any]] = {}
    for name, levels in counts.items():
        m_total = sum(v[0] for v in levels.values())
        u_total = sum(v[1] for v in levels.values())
        out[name] = {
            label: {
                "m": round(v[0] / m_total, 4) if m_total else None,
                "u": round(v[1] / u_total, 4) if u_total else None,
                "pairs": v,
            }
            for label, v in levels.items()
        }
    return out


def weight_of(m: float | None, u: float | None) -> float | None:
    """log2(m/u), or None when either is missing or zero."""
    if not m or not u:
        return None
    return math.log2(m / u)
