"""The --metadata table (fictional rows)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from refwatch.errors import InvalidInput
from refwatch.ingest.metadata import load_metadata


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_tsv_by_id_and_human_dates(tmp_path: Path) -> None:
    meta = write(
        tmp_path,
        "m.tsv",
        "id\turl\ttitle\toutlet\tpublication_date\tlanguage\n"
        "a\thttps://example.org/a\tA\tOutlet\tOctober 16, 2023\ten\n"
        "b\t\tB\t\t2031년 4월 2일 09시 05분\tko\n"
        "c\t\tC\t\tOct. 19\t\n"
        "d\t\tD\t\t\t\n",
    )
    table = load_metadata(meta)
    a = table.for_file(tmp_path / "a.txt")
    assert a is not None and a.publication_date is not None
    assert a.publication_date.iso() == "2023-10-16"
    b = table.for_file(tmp_path / "b.txt")
    assert b is not None and b.publication_date is not None and b.language == "ko"
    assert b.publication_date.iso().startswith("2031-04-02T09:05")
    c = table.for_file(tmp_path / "c.txt")
    assert c is not None and c.publication_date is not None
    assert c.publication_date.year is None and c.publication_date.to_date() is None
    d = table.for_file(tmp_path / "d.txt")
    assert d is not None and d.publication_date is None


def test_csv_by_path(tmp_path: Path) -> None:
    meta = write(tmp_path, "m.csv", "path,title\nsub/x.txt,Fictional X\n")
    row = load_metadata(meta).for_file(tmp_path / "sub" / "x.txt")
    assert row is not None and row.title == "Fictional X"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("title\toutlet\nA\tB\n", "'id' or a 'path'"),
        ("id\na\na\n", "appears twice"),
    ],
)
def test_bad_metadata_names_the_problem(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        load_metadata(write(tmp_path, "m.tsv", content))


def test_missing_metadata_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not found"):
        load_metadata(tmp_path / "nope.tsv")


def test_an_unreadable_date_warns_and_leaves_the_row_without_a_date(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    meta = write(
        tmp_path,
        "m.tsv",
        "id\tpublication_date\tlanguage\n"
        "a\tnot a date at all\ten\n"
        "b\tFriday, 8 May, 2002, 17:03 GMT\t\n"  # 8 May 2002 was a Wednesday
        "c\tFriday, 3 June, 2011, 09:12 GMT 10:12 UK\t\n",
    )
    with caplog.at_level(logging.WARNING, logger="refwatch.ingest.metadata"):
        table = load_metadata(meta)
    a, b, c = (table.by_id[k] for k in "abc")
    assert a.publication_date is None and a.publication_date_text == "not a date at all"
    assert a.language == "en"  # the rest of the row is kept
    assert b.publication_date is None
    assert c.publication_date is not None and c.publication_date.iso() == "2011-06-03T09:12"
    assert len(table.warnings) == 2
    assert f"{meta}, line 2, column publication_date" in table.warnings[0]
    assert f"{meta}, line 3, column publication_date" in table.warnings[1]
    assert "Friday" in table.warnings[1]
    logged = [r.getMessage() for r in caplog.records]
    assert len(logged) == 2 and "line 2, column publication_date" in logged[0]
    assert not any("not a date at all" in m for m in logged)  # logs carry no file contents
