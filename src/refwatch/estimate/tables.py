"""Capture tables: how many people (or incidents) each combination of lists recorded.

A table with k lists has 2^k − 1 observable capture histories (every pattern of
lists except "on no list", which is what estimation is about). Histories that
do not appear in a file are observed zeros, not missing values: a zero overlap
is information. Rows are kept in one fixed order (binary counting over the
lists) so that designs and tables line up without lookups.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from refwatch.errors import InvalidInput

MIN_LISTS = 2
MAX_LISTS = 10
#: Names other tools give the frequency column (R's ``Freq``, Rcapture's ``freq``...), matched ignoring case.
COUNT_COLUMNS = ("count", "freq", "frequency", "n", "weight")
#: What a file may put in the count of the all-zero row, which is unknown by definition.
UNKNOWN = ("", "na", "nan", "?", "-")


@dataclass(frozen=True)
class CaptureTable:
    """Counts for every non-empty capture history of ``lists``.

    ``histories`` is an (2^k − 1) × k array of 0/1 and ``counts`` the matching
    counts (float, so that fitted and bootstrapped tables share the type).
    """

    lists: tuple[str, ...]
    histories: npt.NDArray[np.int8]
    counts: npt.NDArray[np.float64]

    @property
    def n_observed(self) -> int:
        """Records on at least one list."""
        return int(round(float(self.counts.sum())))

    @property
    def k(self) -> int:
        """Number of lists."""
        return len(self.lists)

    def with_counts(self, counts: npt.NDArray[np.float64]) -> CaptureTable:
        """The same histories with other counts (bootstrap replicates, simulations)."""
        return CaptureTable(self.lists, self.histories, np.asarray(counts, dtype=float))

    def label(self, row: int) -> str:
        """History as a 0/1 string in list order, e.g. ``"101"``."""
        return "".join(str(int(v)) for v in self.histories[row])


def all_histories(k: int) -> npt.NDArray[np.int8]:
    """Every non-empty 0/1 history of ``k`` lists, in a fixed order."""
    rows = [h for h in itertools.product((0, 1), repeat=k) if any(h)]
    return np.array(rows, dtype=np.int8).reshape(len(rows), k)


def from_counts(lists: Sequence[str], mapping: Mapping[tuple[int, ...], float]) -> CaptureTable:
    """Build a table from ``{history: count}``; absent histories are zeros."""
    names = tuple(lists)
    _check_lists(names, "table")
    histories = all_histories(len(names))
    index = {tuple(int(v) for v in row): i for i, row in enumerate(histories)}
    counts = np.zeros(len(histories))
    for history, count in mapping.items():
        key = tuple(int(v) for v in history)
        if len(key) != len(names) or any(v not in (0, 1) for v in key):
            raise InvalidInput(f"history {history!r} does not have one 0/1 value per list ({len(names)})")
        if not any(key):
            if count:
                raise InvalidInput("the all-zero history (on no list) cannot have a count: it is the unknown")
            continue
        if count < 0:
            raise InvalidInput(f"history {''.join(map(str, key))} has a negative count ({count})")
        counts[index[key]] += count
    return CaptureTable(names, histories, counts)


def read_table(path: Path) -> CaptureTable:
    """Read a CSV: 0/1 list columns plus ``count``, or one row per individual with 0/1 columns only.

    The count column may also be called ``freq``, ``Freq``, ``frequency``, ``n`` or
    ``weight``; an all-zero row with an unknown count (``NA``, empty) is ignored.

    ``#`` lines are comments. Repeated histories are added up (a table split over
    several rows, or individual rows). Errors name the file, line and column.
    """
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: table file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot read the table ({exc})") from None
    lines = [
        (n, line) for n, line in enumerate(raw.splitlines(), start=1) if not line.lstrip().startswith("#")
    ]
    lines = [(n, line) for n, line in lines if line.strip()]
    if not lines:
        raise InvalidInput(f"{path}: the table is empty")
    header_no, header_line = lines[0]
    header = [h.strip() for h in next(csv.reader(io.StringIO(header_line)))]
    if len(set(header)) != len(header) or any(not h for h in header):
        raise InvalidInput(f"{path}:{header_no}: column names must be unique and not empty")
    count_columns = [h for h in header if h.lower() in COUNT_COLUMNS]
    if len(count_columns) > 1:
        raise InvalidInput(
            f"{path}:{header_no}: more than one count column ({', '.join(count_columns)}); keep one"
        )
    count_column = count_columns[0] if count_columns else None
    lists = tuple(h for h in header if h != count_column)
    _check_lists(lists, str(path))
    mapping: dict[tuple[int, ...], float] = {}
    for line_no, line in lines[1:]:
        cells = [c.strip() for c in next(csv.reader(io.StringIO(line)))]
        if len(cells) != len(header):
            raise InvalidInput(f"{path}:{line_no}: expected {len(header)} values, found {len(cells)}")
        row = dict(zip(header, cells, strict=True))
        history = tuple(_binary(path, line_no, name, row[name]) for name in lists)
        if count_column is None:
            count = 1.0
        elif not any(history) and row[count_column].lower() in UNKNOWN:
            continue  # the all-zero row written with an unknown count: that is what we estimate
        else:
            count = _count(path, line_no, count_column, row[count_column])
        if not any(history) and count:
            raise InvalidInput(
                f"{path}:{line_no}: a row on no list with count {count:g}; "
                "the all-zero history is the unknown and must be left out"
            )
        mapping[history] = mapping.get(history, 0.0) + count
    table = from_counts(lists, mapping)
    if table.n_observed == 0:
        raise InvalidInput(f"{path}: all counts are zero")
    return table


def _check_lists(lists: tuple[str, ...], where: str) -> None:
    if not MIN_LISTS <= len(lists) <= MAX_LISTS:
        raise InvalidInput(
            f"{where}: estimation needs {MIN_LISTS} to {MAX_LISTS} list columns, found {len(lists)}"
        )


def _binary(path: Path, line_no: int, column: str, value: str) -> int:
    if value not in ("0", "1"):
        raise InvalidInput(f"{path}:{line_no}: column {column!r} must be 0 or 1, not {value!r}")
    return int(value)


def _count(path: Path, line_no: int, column: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise InvalidInput(
            f"{path}:{line_no}: column {column!r} must be a whole number, not {value!r}"
        ) from None
    if number < 0 or number != int(number):
        raise InvalidInput(f"{path}:{line_no}: column {column!r} must be a whole number ≥ 0, not {value!r}")
    return number
