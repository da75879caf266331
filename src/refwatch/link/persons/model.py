"""The Splink model for person records: settings, training and scoring, in an in-memory DuckDB.

Comparisons: the Korean name (``link.names.levels``), birth year (same, ±1),
sex, origin (same place, same province), date of arrest or return (same day,
month, year) and its place (same place, same province). Each has a null level,
so a field a partner did not record is no evidence either way.

Training, in Splink's order. The name's m and u are not trained: with names as
the only evidence EM cannot separate matches from non-matches (every true pair
settled near 0.56), so they are measured on labelled spellings and fixed
(``evidence``). The prior (probability that two random records match) comes from a
deterministic rule (``PRIOR_RULE``) and the rule's measured recall; u by random
sampling (for the name in large lists, less the matches the prior expects; in
small lists, the measured chance rate); m by expectation maximisation, in two
sessions blocked on the name key (everything but the name) and on birth year and
sex (origin, dates, places again). A session that finds no pairs to learn from is
skipped and its comparisons keep their starting values (``PRIORS``), which the
run's ``trained`` list records. Small sets (at most ``ALL_PAIRS_LIMIT`` pairs) are
trained on every pair with u free as well: there, random pairs are not mostly
non-matches (a list of 25 people spelled 6 ways each has 4 % matching pairs), and
u by random sampling would count the matches as chance agreement. Names are
adjusted by their frequency among other persons' records (``_Frequencies``).

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
from refwatch.link.persons.evidence import NameEvidence, name_evidence

logger = logging.getLogger(__name__)

Backend = Literal["duckdb", "spark"]

#: Starting m probabilities per comparison, best level first (the else level last); the
#: name's are not here: they are measured (``evidence.name_evidence``) and fixed.
PRIORS: Final[dict[str, tuple[float, ...]]] = {
    "birth_year": (0.8, 0.15, 0.05),
    "sex": (0.97, 0.03),
    "origin": (0.7, 0.2, 0.1),
    "event_date": (0.5, 0.2, 0.2, 0.1),
    "event_place": (0.7, 0.2, 0.1),
}
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


def comparisons(
    *, frequencies: bool = True, backend: Backend = "duckdb", evidence: NameEvidence | None = None
) -> list[Any]:
    """The comparisons, in the order of ``PRIORS``; ``frequencies``: adjust names by term frequency.

    The name's m probabilities are fixed from ``evidence`` (default: the shipped table):
    no training session changes them.
    """
    name = name_comparison().get_comparison("duckdb").as_dict()  # type: ignore[no-untyped-call]
    for level in name["comparison_levels"]:
        if backend == "spark":
            level["sql_condition"] = spark_sql(level["sql_condition"])
    for level, m in zip(name["comparison_levels"][1:], (evidence or name_evidence()).m, strict=True):
        level["m_probability"] = m
        level["fix_m_probability"] = True  # measured on labelled spellings (link.persons.evidence)
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
    *,
    frequencies: bool = True,
    prior: float = 1e-4,
    backend: Backend = "duckdb",
    evidence: NameEvidence | None = None,
) -> SettingsCreator:
    """Splink settings: dedupe over all lists together (within-list and across-list pairs alike)."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(frequencies=frequencies, backend=backend, evidence=evidence),
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
    evidence: NameEvidence | None = None,
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
        evidence: the name's measured m and u and the prior rule's recall (default: the
            shipped table, ``evidence.name_evidence``; the benchmark refits it on part of
            the labelled persons to score the rest).

    Raises:
        ValueError: fewer than two rows.
    """
    if len(rows) < 2:
        raise ValueError("linkage needs at least two records")
    frequencies = len(rows) >= frequency_min_records
    evidence = evidence or name_evidence()
    prior = estimate_prior(rows, evidence.rule_recall)
    if backend == "spark":
        from refwatch.link.persons.spark import spark_table

        source = spark_table(rows, SCHEMA)
    else:
        source = _duckdb_table(rows)
    n_pairs = len(rows) * (len(rows) - 1) // 2
    with _quiet(), source as table:
        frequency = _Frequencies(table, rows, prior) if frequencies else None
        linker = _linker(
            table,
            settings(frequencies=frequencies, prior=prior, backend=backend, evidence=evidence),
            frequency,
        )
        linker, trained = _train(table, linker, prior, n_pairs, seed, frequency, evidence)
        model = linker.misc.save_model_to_json()
        # An EM session reports the match rate inside its block; the prior is the one
        # estimated over all pairs, so it is put back before scoring.
        model["probability_two_random_records_match"] = trained.prior
        linker = _linker(table, model, frequency)
        frame = linker.inference.predict(threshold_match_probability=review_threshold)
        pairs = [
            Pair(int(r["unique_id_l"]), int(r["unique_id_r"]), float(r["match_probability"]))
            for r in frame.as_record_list()
        ]
    if not frequencies:
        trained.steps.append(f"no term frequencies (fewer than {frequency_min_records} records)")
    return LinkageModel(model, pairs, trained.steps)


class _Frequencies:
    """How common each name is (``name_tf``) among *other persons'* records.

    Splink's own term frequency of a name is its share of all records. The records of
    the person a pair is about carry the name too, so for exactly the pairs that matter
    it counts the person against themselves: in a list where each person is spelled five
    times every name looked common, and a true pair's weight fell with the person's own
    repeats (pairs scored 0.5 to 0.6 were 91 % true on the generated 10k records). A
    record's person has on average ``1 + prior·(records − 1)`` records (itself and the
    matches the prior expects); those are taken out of the name's count before it is
    divided by the records, and what is left may be nothing: the level's u is then the
    floor (``fix_name_u``). The table replaces Splink's in each linker.
    """

    def __init__(self, table: Any, rows: Sequence[dict[str, Any]], prior: float) -> None:
        counts = Counter(row["name_tf"] for row in rows if row.get("name_tf"))
        named = sum(counts.values())
        own = 1.0 + prior * (named - 1)
        lookup = pa.table(
            {
                "name_tf": pa.array(list(counts), _TEXT),
                "tf_name_tf": pa.array([max(c - own, 0.0) / named for c in counts.values()], pa.float64()),
            }
        )
        self.frame = table.db_api.register(lookup, table_name="name_tf_frequencies")


def _linker(table: Any, model: Any, frequency: _Frequencies | None) -> Linker:
    linker = Linker(table, model, log_level=None)
    if frequency is not None:
        linker.table_management.register_term_frequency_lookup(frequency.frame, "name_tf")
    return linker


@dataclass(slots=True)
class _Training:
    prior: float
    steps: list[str]


#: The prior's deterministic rule: same surname and given-name key, and nothing recorded on
#: both records that contradicts it (sex, birth years more than one apart). Without the
#: second half, namesakes (common in large lists) would count as matches and inflate the prior.
PRIOR_RULE: Final = """
SELECT count(*) FROM records l JOIN records r ON l.name_tf = r.name_tf AND l.unique_id < r.unique_id
WHERE (l.sex IS NULL OR r.sex IS NULL OR l.sex = r.sex)
  AND (l.birth_year IS NULL OR r.birth_year IS NULL OR abs(l.birth_year - r.birth_year) <= 1)
"""


def estimate_prior(rows: Sequence[dict[str, Any]], rule_recall: float) -> float:
    """The probability that two random records match, from a deterministic rule (``PRIOR_RULE``).

    The pairs the rule finds are taken to be ``rule_recall`` of the matches (the share of
    labelled same-person pairs whose ``name_tf`` agrees, ``evidence.NameEvidence``), as
    Splink's ``estimate_probability_two_random_records_match`` does, counted here so that
    a floor applies before training: a rule that finds no pair gives half a pair, so the
    prior is never 0 (a weight of minus infinity) nor above ``MAX_PRIOR``. Counted in a
    memory-only DuckDB whatever the backend (a join on one key: cheap at any size here).
    """
    n_pairs = len(rows) * (len(rows) - 1) // 2
    columns = ("unique_id", "name_tf", "sex", "birth_year")
    table = pa.Table.from_pylist(
        [{c: row.get(c) for c in columns} for row in rows],
        schema=pa.schema([SCHEMA.field(c) for c in columns]),
    )
    con = memory_only_connection()
    try:
        con.register("records", table)
        found = con.execute(PRIOR_RULE).fetchone()
    finally:
        con.close()
    agreeing = int(found[0]) if found else 0
    return min(max(agreeing / rule_recall, 0.5) / n_pairs, MAX_PRIOR)


def _train(
    table: Any,
    linker: Linker,
    prior: float,
    n_pairs: int,
    seed: int,
    frequency: _Frequencies | None,
    evidence: NameEvidence,
) -> tuple[Linker, _Training]:
    """Train what the data allows; returns the trained linker and what was trained, in order."""
    done: list[str] = ["prior"]
    # A small set is sampled whole: one pass per comparison, not the chunks (and the probe)
    # that stop early on large ones (on Spark each chunk is a job: 10 s each for 7 records).
    linker.training.estimate_u_using_random_sampling(
        max_pairs=MAX_U_PAIRS, seed=seed, num_chunks=1 if n_pairs <= MAX_U_PAIRS else 10
    )
    model = linker.misc.save_model_to_json()
    small = n_pairs <= ALL_PAIRS_LIMIT
    if small:
        fix_name_u(model, evidence.u)
        done.append("u (name: labelled)")
    else:
        fix_name_u(model, deconvolved_name_u(model, prior, floor=0.5 / MAX_U_PAIRS))
        done.append("u (name: less the matches the prior expects)")
    linker = _linker(table, model, frequency)
    if small and _em(linker, "1=1", fix_u=False):
        done.append("m and u by EM over all pairs (name fixed)")
        model = linker.misc.save_model_to_json()
        floor_u(model, 0.5 / n_pairs)
        return _linker(table, model, frequency), _Training(prior, done)
    # Blocked on name columns, the first session trains every comparison but the name
    # (its m is fixed anyway); the second, blocked on birth year and sex, trains origin,
    # dates and places a second time from other pairs (Splink averages the two).
    for rule, what in (
        (block_on("surname", "name_given_loose"), "m (all but name)"),
        (block_on("birth_year", "sex"), "m (origin, dates, places)"),
    ):
        if _em(linker, rule):
            done.append(what)
    return linker, _Training(prior, done)


def floor_u(model: dict[str, Any], floor: float) -> None:
    """No u below half a pair (in place): EM over a few pairs drives u to 0 where every
    agreement it sees is a match, and a weight of +infinity made every such pair certain."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("u_probability") is not None:
                level["u_probability"] = max(float(level["u_probability"]), floor)


def _name_levels(model: dict[str, Any]) -> list[dict[str, Any]]:
    name = next(c for c in model["comparisons"] if c["output_column_name"] == "name")
    return [level for level in name["comparison_levels"] if not level.get("is_null_level")]


def deconvolved_name_u(model: dict[str, Any], prior: float, *, floor: float) -> tuple[float, ...]:
    """The name's u from random sampling with the matches taken out (large lists).

    Random pairs agree on a name level at rate ``r = prior·m + (1 − prior)·u``; with m
    fixed (measured) and the prior estimated, ``u = (r − prior·m) / (1 − prior)``,
    floored at ``floor`` (half a sampled pair: never zero). In a large list the prior is
    tiny and this changes u by little; it matters where one person's records are a
    noticeable share of all pairs. The else level takes the rest.
    """
    levels = _name_levels(model)
    u = [
        max((float(level.get("u_probability") or 0.0) - prior * level["m_probability"]) / (1 - prior), floor)
        for level in levels[:-1]
    ]
    return (*u, max(1 - sum(u), floor))


def fix_name_u(model: dict[str, Any], u: Sequence[float]) -> None:
    """Put ``u`` on the name levels (in place) and fix it: no EM session changes it.

    Where the name is adjusted by term frequency, a name's frequency may make it weaker
    evidence than its level's average, never stronger (``tf_minimum_u_value``): in a list
    that repeats people, a rare name's count measures the repeats, not the name.
    """
    for level, value in zip(_name_levels(model), u, strict=True):
        level["u_probability"] = value
        level["fix_u_probability"] = True
        if level.get("tf_adjustment_column"):
            level["tf_minimum_u_value"] = value


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
