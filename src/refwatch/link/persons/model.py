"""The Splink model for person records: settings, training and scoring, in an in-memory DuckDB.

Comparisons: the Korean name (``link.names.levels``), birth year (same, ±1),
sex, origin (same place, same province), date of arrest or return (same day,
month, year) and its place (same place, same province). Each has a null level,
so a field a partner did not record is no evidence either way.

Training, in Splink's order: the prior (probability that two random records
match) from a deterministic rule (same surname and given-name key) with an
assumed recall; u by random sampling; m by expectation maximisation, in two
sessions blocked on the name key (trains everything but the name) and on birth
year and sex (trains the name). A session that finds no pairs to learn from is skipped
and its comparisons keep their starting values (``PRIORS``), which the run's
``trained`` list records. Small sets (at most ``ALL_PAIRS_LIMIT`` pairs) are
trained on every pair with u free as well: there, random pairs are not mostly
non-matches (a list of 25 people spelled 6 ways each has 3 % matching pairs), and
u by random sampling would count the matches as chance agreement.

DuckDB runs in memory with ``temp_directory`` unset, so no working set spills to disk.
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink import comparison_level_library as cll
from splink import comparison_library as cl
from splink.internals.exceptions import SplinkException

from refwatch.link.names.levels import name_comparison

logger = logging.getLogger(__name__)

Backend = Literal["duckdb", "spark"]

#: Starting m probabilities per comparison, best level first (the else level last).
PRIORS: Final[dict[str, tuple[float, ...]]] = {
    "name": (0.35, 0.35, 0.15, 0.1, 0.05),
    "birth_year": (0.8, 0.15, 0.05),
    "sex": (0.97, 0.03),
    "origin": (0.7, 0.2, 0.1),
    "event_date": (0.5, 0.2, 0.2, 0.1),
    "event_place": (0.7, 0.2, 0.1),
}
#: Recall assumed for the deterministic rule that estimates the prior.
PRIOR_RULE_RECALL: Final = 0.7
MAX_U_PAIRS: Final = 1e6
MAX_PRIOR: Final = 0.5
#: Up to this many pairs, EM runs over every pair with u free as well (see the module docstring).
ALL_PAIRS_LIMIT: Final = 2_000_000
_TEXT, _LIST = pa.string(), pa.list_(pa.string())
#: The columns ``features.feature_row`` gives, typed (a column nobody filled is still typed).
SCHEMA: Final = pa.schema(
    [
        ("unique_id", pa.int64()),
        ("list_name", _TEXT),
        ("name_norms", _LIST),
        ("name_readings", _LIST),
        ("name_loose", _LIST),
        ("name_surnames", _LIST),
        ("name_given_loose", _TEXT),
        ("name_tf", _TEXT),
        ("surname", _TEXT),
        ("sex", _TEXT),
        ("birth_year", pa.int32()),
        ("origin", _TEXT),
        ("origin_province", _TEXT),
        ("event_date", _TEXT),
        ("event_year", pa.int32()),
        ("event_place", _TEXT),
        ("event_province", _TEXT),
    ]
)


@dataclass(frozen=True, slots=True)
class Pair:
    """Two records the blocking rules brought together, and the model's probability."""

    left: int
    right: int
    probability: float


@dataclass(slots=True)
class LinkageModel:
    """A trained model: Splink's settings JSON and the scored pairs."""

    settings: dict[str, Any]
    pairs: list[Pair]
    trained: list[str] = field(default_factory=list)


def _levels(column: str, conditions: Sequence[tuple[str, str]]) -> cl.CustomComparison:
    """A comparison with a null level, the given levels (best first) and an else level."""
    priors = PRIORS[column]
    levels: list[Any] = [
        cll.CustomLevel(
            f"{column}_l IS NULL OR {column}_r IS NULL", label_for_charts="not recorded"
        ).configure(is_null_level=True)
    ]
    for (sql, label), m in zip(conditions, priors, strict=False):
        levels.append(cll.CustomLevel(sql, label_for_charts=label).configure(m_probability=m))
    levels.append(cll.ElseLevel().configure(m_probability=priors[-1]))
    return cl.CustomComparison(comparison_levels=levels, output_column_name=column)


def _place(column: str, province: str) -> cl.CustomComparison:
    return _levels(
        column,
        [
            (f"{column}_l = {column}_r", "same place"),
            (f"{province}_l = {province}_r", "same province"),
        ],
    )


def comparisons(*, frequencies: bool = True, backend: Backend = "duckdb") -> list[Any]:
    """The comparisons, in the order of ``PRIORS``; ``frequencies``: adjust names by term frequency."""
    name = name_comparison().get_comparison("duckdb").as_dict()  # type: ignore[no-untyped-call]
    for level in name["comparison_levels"]:
        if backend == "spark":
            level["sql_condition"] = spark_sql(level["sql_condition"])
    for level, m in zip(name["comparison_levels"][1:], PRIORS["name"], strict=True):
        level["m_probability"] = m
        if not frequencies:
            for key in ("tf_adjustment_column", "tf_adjustment_weight", "disable_tf_exact_match_detection"):
                level.pop(key, None)
    return [
        name,
        _levels(
            "birth_year",
            [
                ("birth_year_l = birth_year_r", "same year"),
                ("abs(birth_year_l - birth_year_r) <= 1", "one year apart"),
            ],
        ),
        _levels("sex", [("sex_l = sex_r", "same")]),
        _place("origin", "origin_province"),
        _levels(
            "event_date",
            [
                ("event_date_l = event_date_r AND length(event_date_l) = 10", "same day"),
                (
                    "length(event_date_l) >= 7 AND substr(event_date_l, 1, 7) = substr(event_date_r, 1, 7)",
                    "same month",
                ),
                ("event_year_l = event_year_r", "same year"),
            ],
        ),
        _place("event_place", "event_province"),
    ]


def settings(
    *, frequencies: bool = True, prior: float = 1e-4, backend: Backend = "duckdb"
) -> SettingsCreator:
    """Splink settings: dedupe over all lists together (within-list and across-list pairs alike)."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(frequencies=frequencies, backend=backend),
        blocking_rules_to_generate_predictions=[
            block_on("name_readings", arrays_to_explode=["name_readings"]),
            block_on("name_loose", arrays_to_explode=["name_loose"]),
            block_on("surname", "birth_year"),
        ],
        probability_two_random_records_match=prior,
        additional_columns_to_retain=["list_name"],
        retain_intermediate_calculation_columns=False,
    )


def memory_only_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that cannot spill: past its memory limit a query fails instead.

    By default an in-memory DuckDB offloads to ``.tmp`` in the working directory;
    with ``temp_directory`` empty it has nowhere to write the derived name columns.
    """
    con = duckdb.connect(":memory:")
    con.execute("SET temp_directory = ''")
    return con


@contextlib.contextmanager
def _duckdb_table(rows: Sequence[dict[str, Any]]) -> Iterator[Any]:
    """The rows as a Splink table in an in-memory DuckDB that never spills to disk."""
    con = memory_only_connection()
    try:
        api = DuckDBAPI(connection=con)
        yield api.register(pa.Table.from_pylist(list(rows), schema=SCHEMA), table_name="records")
    finally:
        con.close()


def score_pairs(
    rows: Sequence[dict[str, Any]],
    *,
    review_threshold: float,
    frequency_min_records: int = 1000,
    backend: Backend = "duckdb",
    seed: int = 42,
) -> LinkageModel:
    """Train on ``rows`` (``features.feature_row``); score the pairs at or above ``review_threshold``.

    Args:
        rows: the records' comparison columns.
        review_threshold: pairs below this probability are not returned.
        frequency_min_records: below this many records, names are not adjusted by their
            frequency: in a small set a name's share says more about how often the set
            repeats one person than about how common the name is.
        backend: ``duckdb`` (in memory) or ``spark`` (local mode, ``link.persons.spark``).
        seed: for the random sampling of u.

    Raises:
        ValueError: fewer than two rows.
    """
    if len(rows) < 2:
        raise ValueError("linkage needs at least two records")
    frequencies = len(rows) >= frequency_min_records
    prior = estimate_prior(rows)
    if backend == "spark":
        from refwatch.link.persons.spark import spark_table

        source = spark_table(rows, SCHEMA)
    else:
        source = _duckdb_table(rows)
    with _quiet(), source as table:
        linker = Linker(
            table, settings(frequencies=frequencies, prior=prior, backend=backend), log_level=None
        )
        trained = _train(linker, prior, len(rows) * (len(rows) - 1) // 2, seed)
        model = linker.misc.save_model_to_json()
        # An EM session reports the match rate inside its block; the prior is the one
        # estimated over all pairs, so it is put back before scoring.
        model["probability_two_random_records_match"] = trained.prior
        linker = Linker(table, model, log_level=None)
        frame = linker.inference.predict(threshold_match_probability=review_threshold)
        pairs = [
            Pair(int(r["unique_id_l"]), int(r["unique_id_r"]), float(r["match_probability"]))
            for r in frame.as_record_list()
        ]
    if not frequencies:
        trained.steps.append(f"no term frequencies (fewer than {frequency_min_records} records)")
    return LinkageModel(model, pairs, trained.steps)


@dataclass(slots=True)
class _Training:
    prior: float
    steps: list[str]


def estimate_prior(rows: Sequence[dict[str, Any]]) -> float:
    """The probability that two random records match, from a deterministic rule.

    Pairs with the same ``name_tf`` (surname and given-name key) are counted and taken
    to be ``PRIOR_RULE_RECALL`` of the matches (Splink's
    ``estimate_probability_two_random_records_match`` with that rule, done here so that
    the floor applies before training): a rule that finds no pair gives half a pair,
    so the prior is never 0 (a weight of minus infinity) nor above ``MAX_PRIOR``.
    """
    n_pairs = len(rows) * (len(rows) - 1) // 2
    keys = Counter(row["name_tf"] for row in rows if row.get("name_tf"))
    agreeing = sum(k * (k - 1) // 2 for k in keys.values())
    return min(max(agreeing / PRIOR_RULE_RECALL, 0.5) / n_pairs, MAX_PRIOR)


def _train(linker: Linker, prior: float, n_pairs: int, seed: int) -> _Training:
    """Train what the data allows; returns the prior and what was trained, in order."""
    done: list[str] = ["prior"]
    training = linker.training
    training.estimate_u_using_random_sampling(max_pairs=MAX_U_PAIRS, seed=seed)
    done.append("u")
    if n_pairs <= ALL_PAIRS_LIMIT and _em(linker, "1=1", fix_u=False):
        done.append("m and u by EM over all pairs")
        return _Training(prior, done)
    # Blocked on name columns, the first session leaves the name alone; the
    # second, blocked on birth year and sex, trains the name.
    for rule, what in (
        (block_on("surname", "name_given_loose"), "m (all but name)"),
        (block_on("birth_year", "sex"), "m (name)"),
    ):
        if _em(linker, rule):
            done.append(what)
    return _Training(prior, done)


def _em(linker: Linker, rule: Any, *, fix_u: bool = True) -> bool:
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule,
            fix_u_probabilities=fix_u,
            fix_probability_two_random_records_match=True,
            estimate_without_term_frequencies=not fix_u,  # u free: the mixture alone, for stability
            record_sample_proportion=1.0,
        )
    except (SplinkException, ValueError, duckdb.Error):
        return False
    return True


def spark_sql(sql: str) -> str:
    """A name level's DuckDB condition in Spark SQL (the two functions it uses have other names there)."""
    return sql.replace("list_has_any(", "arrays_overlap(").replace(
        "jaro_winkler_similarity(", "jaro_winkler("
    )


@contextlib.contextmanager
def _quiet() -> Any:
    """Splink reports training progress at INFO on its own loggers; keep it out of our logs."""
    splink_logger = logging.getLogger("splink")
    level = splink_logger.level
    splink_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        splink_logger.setLevel(level)


def probability_of(weight: float) -> float:
    """A match weight (log2 Bayes factor with the prior) as a probability."""
    return 1.0 / (1.0 + math.pow(2.0, -weight))
