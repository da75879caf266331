"""Reading capture tables: both file shapes, comments, and errors that say where."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from refwatch.errors import InvalidInput
from refwatch.estimate.tables import all_histories, from_counts, read_table


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "table.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_count_table_with_comments_and_missing_histories(tmp_path: Path) -> None:
    path = write(tmp_path, "# fictional table\na,b,count\n1,0,10\n# a note\n0,1,5\n1,1,2\n")
    table = read_table(path)
    assert table.lists == ("a", "b")
    assert table.n_observed == 17
    assert dict(zip(map(table.label, range(3)), table.counts, strict=True)) == {"01": 5, "10": 10, "11": 2}


def test_one_row_per_individual(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "a,b,c\n1,0,0\n1,0,0\n0,1,1\n1,1,1\n"))
    assert table.n_observed == 4
    assert table.counts[[table.label(i) for i in range(7)].index("100")] == 2


def test_repeated_histories_add_up(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "a,b,count\n1,0,3\n1,0,4\n0,1,1\n"))
    assert table.n_observed == 8


def test_histories_are_in_a_fixed_complete_order() -> None:
    h = all_histories(3)
    assert h.shape == (7, 3)
    assert not (h.sum(axis=1) == 0).any()
    assert len({tuple(r) for r in h.tolist()}) == 7
    table = from_counts(("x", "y", "z"), {(1, 1, 1): 4})
    assert table.counts.sum() == 4 and np.count_nonzero(table.counts) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,count\n1,2,3\n", "table.csv:2: column 'b' must be 0 or 1"),
        ("a,b,count\n1,0,-3\n", "table.csv:2: column 'count'"),
        ("a,b,count\n1,0,x\n", "table.csv:2: column 'count' must be a whole number"),
        ("a,b,count\n1,0\n", "table.csv:2: expected 3 values"),
        ("a,b,count\n0,0,5\n", "all-zero history"),
        ("a,count\n1,5\n", "2 to 10 list columns"),
        ("a,a,count\n1,0,1\n", "unique"),
        ("# only a comment\n", "empty"),
        ("a,b,count\n1,0,0\n", "all counts are zero"),
    ],
)
def test_bad_tables_are_named_with_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(")):
        read_table(write(tmp_path, text))


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not found"):
        read_table(tmp_path / "nope.csv")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a,b,count\n\xff\xfe\x00\x01")
    with pytest.raises(InvalidInput, match="cannot read"):
        read_table(bad)


def test_other_names_for_the_count_column_and_an_unknown_zero_row(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "A,B,C,Freq\n0,0,0,NA\n1,0,0,7\n0,1,1,2\n"))
    assert table.lists == ("A", "B", "C")
    assert table.n_observed == 9


def test_two_count_columns_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="more than one count column"):
        read_table(write(tmp_path, "a,b,count,n\n1,0,3,3\n"))
