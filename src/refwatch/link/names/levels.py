"""The name levels as Splink comparison levels (DuckDB SQL over precomputed columns).

Names are read in Python once per record (``name_columns``): the columns hold the
record's features (see ``compare.NameFeatures``), and the SQL conditions below
compare them exactly as ``compare.compare_features`` does, so the Python levels
are the reference the Splink model is tested against. The columns are derived
from names and are as sensitive as names: they live in the in-memory DuckDB of a
linkage run only.

Written against Splink 5.0 (the version PyPI gives; its comparison API is Splink
4's). Term frequencies: the exact and reading levels are adjusted by ``name_tf``
(surname and given-name key, so "Kim Yong-il" is common in every spelling).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from splink import comparison_level_library as cll
from splink import comparison_library as cl

from refwatch.link.names.compare import CLOSE_THRESHOLD, NameLevel, features
from refwatch.link.names.parse import parse_name

#: The columns ``name_columns`` fills, in the order a table should have them.
COLUMNS = ("name_norms", "name_readings", "name_loose", "name_surnames", "name_given_loose", "name_tf")


def name_columns(names: Sequence[str]) -> dict[str, list[str] | str | None]:
    """The name columns of one record from all its spellings (all ``None`` if none can be read).

    Examples:
        >>> name_columns(["Kim Jong-il", "김정일"])["name_tf"]
        '김|coqil'
    """
    found = features([parse_name(name) for name in names])
    if found is None:
        return dict.fromkeys(COLUMNS)
    surname = min(found.surnames) if found.surnames else ""
    return {
        "name_norms": sorted(found.norms),
        "name_readings": sorted(found.readings),
        "name_loose": sorted(found.loose),
        "name_surnames": sorted(found.surnames),
        "name_given_loose": found.given_loose,
        "name_tf": f"{surname}|{found.given_loose}",
    }


def level_conditions() -> dict[NameLevel | None, str]:
    """DuckDB SQL for each level (``None``: the null level), on ``_l``/``_r`` columns."""
    return {
        None: "name_readings_l IS NULL OR name_readings_r IS NULL",
        NameLevel.EXACT: "list_has_any(name_norms_l, name_norms_r)",
        NameLevel.SAME_READING: "list_has_any(name_readings_l, name_readings_r)",
        NameLevel.LOOSE_READING: "list_has_any(name_loose_l, name_loose_r)",
        NameLevel.CLOSE: (
            "list_has_any(name_surnames_l, name_surnames_r)"
            " AND name_given_loose_l <> '' AND name_given_loose_r <> ''"
            f" AND jaro_winkler_similarity(name_given_loose_l, name_given_loose_r) >= {CLOSE_THRESHOLD}"
        ),
    }


def _tf(weight: float) -> dict[str, Any]:
    # The level's own u is the baseline the name's frequency is set against: the levels
    # are not plain equality on name_tf, so Splink must not look for such a level.
    return {
        "tf_adjustment_column": "name_tf",
        "tf_adjustment_weight": weight,
        "disable_tf_exact_match_detection": True,
    }


def name_comparison() -> cl.CustomComparison:
    """The Splink comparison for Korean names: null, exact, same reading, loose, close, else."""
    sql = level_conditions()
    levels = [
        cll.CustomLevel(sql[None], label_for_charts="name unreadable or missing").configure(
            is_null_level=True
        ),
        cll.CustomLevel(sql[NameLevel.EXACT], label_for_charts="same spelling").configure(**_tf(1.0)),
        cll.CustomLevel(sql[NameLevel.SAME_READING], label_for_charts="same Hangul reading").configure(
            **_tf(1.0)
        ),
        cll.CustomLevel(
            sql[NameLevel.LOOSE_READING], label_for_charts="same reading, ad-hoc vowels"
        ).configure(**_tf(0.5)),
        cll.CustomLevel(sql[NameLevel.CLOSE], label_for_charts="same surname, given name close"),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(
        comparison_levels=levels,  # type: ignore[arg-type]
        output_column_name="name",
        comparison_description="Korean name (refwatch.link.names)",
    )
