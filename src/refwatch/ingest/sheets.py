"""Partner spreadsheets (CSV or XLSX) read into rows of text cells, strictly.

Used by ``refwatch persons import`` for lists of people. The reader never
guesses: every row must have as many cells as the header has columns, an
unclosed quote or a NUL byte is an error, and errors name the file and line
(the spreadsheet's own row number) but never a cell's content, which may be a
person's name.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from refwatch.errors import InvalidInput

#: Suffixes read as Excel workbooks (the first worksheet); anything else is CSV.
XLSX_SUFFIXES = (".xlsx", ".xlsm")


Sheet = tuple[list[str], Iterator[tuple[int, list[str]]]]


def read_sheet(path: Path) -> AbstractContextManager[Sheet]:
    """The header row and an iterator of (line number, cells) for each later non-empty row.

    A context manager, so the file is closed however the caller leaves. Line
    numbers count the header as line 1, as a spreadsheet program shows them.
    """
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _read_xlsx(path)
    return _read_csv(path)


def header_of(path: Path) -> list[str]:
    """Only the header row (to tell which kind of file it is)."""
    with read_sheet(path) as (header, _):
        return header


@contextmanager
def _read_csv(path: Path) -> Iterator[Sheet]:
    where = str(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InvalidInput(f"{where}: cannot read it ({exc.strerror})") from None
    with handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader, None)
        except (UnicodeDecodeError, csv.Error):
            raise InvalidInput(f"{where}, line 1: not a UTF-8 CSV header row") from None
        if header is None:
            raise InvalidInput(f"{where}: the file is empty; the first row must name the columns")
        _refuse_nul(header, where, 1)
        yield [h.strip() for h in header], _csv_rows(reader, len(header), where)


def _csv_rows(reader: Iterator[list[str]], width: int, where: str) -> Iterator[tuple[int, list[str]]]:
    number = 2
    try:
        for cells in reader:
            _refuse_nul(cells, where, number)
            if any(c.strip() for c in cells):
                if len(cells) != width:
                    more = "more" if len(cells) > width else "fewer"
                    raise InvalidInput(
                        f"{where}, line {number}: {len(cells)} cells, {more} than the {width} "
                        "columns of the header; put cells that contain commas in double quotes"
                    )
                yield number, [c.strip() for c in cells]
            number += 1
    except UnicodeDecodeError:
        raise InvalidInput(f"{where}: not UTF-8 text; save it as 'CSV UTF-8' and try again") from None
    except csv.Error as exc:
        raise InvalidInput(
            f"{where}, line {number}: malformed CSV ({exc}); check that every opening quote is closed"
        ) from None


@contextmanager
def _read_xlsx(path: Path) -> Iterator[Sheet]:
    from openpyxl import load_workbook  # loaded only for workbooks
    from openpyxl.utils.exceptions import InvalidFileException

    where = str(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, InvalidFileException, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InvalidInput(f"{where}: not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        values = book.worksheets[0].iter_rows(values_only=True)
        first = next(values, None)
        if first is None:
            raise InvalidInput(f"{where}: the first worksheet is empty; its first row must name the columns")
        header = [_cell(v) for v in first]
        while header and not header[-1]:
            header.pop()  # trailing empty header cells are the sheet's width, not columns
        yield header, _xlsx_rows(values, len(header), where)
    finally:
        book.close()


def _xlsx_rows(
    values: Iterator[tuple[object, ...]], width: int, where: str
) -> Iterator[tuple[int, list[str]]]:
    for number, row in enumerate(values, start=2):
        cells = [_cell(v) for v in row]
        if any(cells[width:]):
            raise InvalidInput(f"{where}, line {number}: a cell right of the last named column")
        cells = (cells + [""] * width)[:width]
        if any(cells):
            yield number, cells


def _cell(value: object) -> str:
    """A workbook cell as text: dates as ISO dates, whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _refuse_nul(cells: list[str], where: str, number: int) -> None:
    if any("\0" in cell for cell in cells):
        raise InvalidInput(f"{where}, line {number}: contains a NUL byte; this is not a CSV text file")
