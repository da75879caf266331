"""Reading a CSV file in Uwazi's import form into one incident report per row.

The columns are those :mod:`refwatch.report.uwazi` writes, read the way Uwazi
reads them: headers are matched after lower-casing and joining words with
``_``; a property may come with a language suffix (``title__en``,
``title__ko``), the bare column first, then English, then any other; columns
this reader does not know are kept in the row's text and otherwise ignored, as
Uwazi ignores them. Cells with several values are split on ``|``; dates are
``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYY-MM`` or ``YYYY``. The columns ``sources``,
``instruments``, ``location_geolocation`` and ``refwatch_id`` stay in the text
only: the law is classified again here, and a point adds nothing to a named place.

Each row keeps its original bytes (under the header line, so that the copy is
a CSV file of its own) and a readable rendering, ``column: value`` per line,
which is the evidence of every claim drawn from the row. A bad cell is refused
naming the file, row and column, never the cell's content (it may name a person).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from refwatch.domain.incidents import DateInterval, Evidence, Incident, Location, Perpetrator, Victims
from refwatch.domain.vocabulary import AGENCIES, EVENT_TYPES, STATUSES
from refwatch.errors import InvalidInput

SEPARATOR = "|"
Problem = Callable[[int, str], InvalidInput]
#: Where a bare place name is (name, country code or None), e.g. from the gazetteer; None if unknown.
PlaceOf = Callable[[str, str | None], Location | None]
#: The incident's properties, as Uwazi names them; the export writes them and the import reads them back.
PROPERTIES = (
    "event_types",
    "status",
    "date_start",
    "date_end",
    "people",
    "people_text",
    "places",
    "country",
    "perpetrators",
)
#: Columns read into the incident (after the language suffix is taken off).
KNOWN = ("title", *PROPERTIES)


@dataclass(frozen=True, slots=True)
class UwaziRow:
    """One row of the file: its bytes, its readable text and the report it gives."""

    number: int
    original: bytes
    text: str
    title: str
    incident: Incident


def read_uwazi_csv(data: bytes, where: str, *, place_of: PlaceOf | None = None) -> list[UwaziRow]:
    """Every non-blank row of ``data`` (a whole file named ``where``), checked; refuses the first bad one.

    ``place_of`` places a bare name ("Yanji") in its province and country; without
    it such a name is kept as a place of unknown province.

    Raises:
        InvalidInput: naming ``where``, the row (the header is row 1) and the column.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{where}: not UTF-8 text; save it as 'CSV UTF-8' and try again") from None
    if "\0" in text:
        raise InvalidInput(f"{where}: contains a NUL byte; this is not a CSV text file")
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","  # Uwazi accepts either
    reader = csv.reader(lines(), delimiter=delimiter, strict=True)
    number = 1
    rows: list[UwaziRow] = []
    try:
        header = next(reader, None)
        if header is None:
            raise InvalidInput(f"{where}: the file is empty; the first row must name the columns")
        header_bytes = "".join(consumed).encode("utf-8")
        consumed.clear()
        names = _names(header, where)
        for cells in reader:
            number += 1
            original = header_bytes + "".join(consumed).encode("utf-8")
            consumed.clear()
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(names):
                raise InvalidInput(
                    f"{where}, row {number}: {len(cells)} cells, not the {len(names)} columns of the header; "
                    "put cells that contain commas in double quotes"
                )
            rows.append(_row(number, original, names, cells, where, place_of))
    except csv.Error as exc:
        raise InvalidInput(
            f"{where}, row {number + 1}: malformed CSV ({exc}); "
            "check that every opening double quote is closed"
        ) from None
    if not rows:
        raise InvalidInput(f"{where}: no rows under the header")
    return rows


def _names(header: list[str], where: str) -> list[str]:
    names = [re.sub(r"\s+", "_", h.strip().lower()) for h in header]
    for position, name in enumerate(names, start=1):
        if name and names.index(name) != position - 1:
            raise InvalidInput(f"{where}, row 1, column {position}: {name} appears twice; keep one")
    bases = {n.split("__")[0] for n in names}
    if "title" not in bases:
        raise InvalidInput(
            f"{where}, row 1: no title column (title, title__en or title__ko); Uwazi needs one too"
        )
    return names


def _pick(values: dict[str, tuple[int, str]], name: str) -> tuple[int, str]:
    """The cell for property ``name``: bare, then ``__en``, then ``__ko``, then any language."""
    for key in (name, f"{name}__en", f"{name}__ko"):
        if key in values and values[key][1]:
            return values[key]
    for key, value in values.items():
        if key.startswith(f"{name}__") and value[1]:
            return value
    return (0, "")


def _row(
    number: int, original: bytes, names: list[str], cells: list[str], where: str, place_of: PlaceOf | None
) -> UwaziRow:
    values = {n: (i, c.strip()) for i, (n, c) in enumerate(zip(names, cells, strict=True), start=1) if n}
    text = "".join(f"{n}: {v}\n" for n, (_, v) in values.items() if v)

    def problem(column: int, message: str) -> InvalidInput:
        return InvalidInput(f"{where}, row {number}, column {column} ({names[column - 1]}): {message}")

    position, title = _pick(values, "title")
    if not title:
        raise InvalidInput(f"{where}, row {number}: no title; Uwazi needs one on every row")
    types = []
    position, cell = _pick(values, "event_types")
    for item in _split(cell):
        code = re.sub(r"[\s-]+", "_", item.lower())
        if code not in EVENT_TYPES:
            raise problem(position, f"not a known event type; use {', '.join(EVENT_TYPES)}")
        if code not in types:
            types.append(code)
    position, status = _pick(values, "status")
    if status and status not in STATUSES:
        raise problem(position, f"not a known status; use {', '.join(STATUSES)}")
    start_at, start = _pick(values, "date_start")
    end_at, end = _pick(values, "date_end")
    date = _date(_day(start, False, problem, start_at), _day(end or start, True, problem, end_at or start_at))
    victims = _victims(_pick(values, "people"), _pick(values, "people_text"), problem)
    position, cell = _pick(values, "places")
    locations = [_checked(_location(item, place_of), lambda m: problem(position, m)) for item in _split(cell)]
    position, cell = _pick(values, "country")
    for code in _split(cell):
        if not re.fullmatch(r"[A-Z]{2}", code):
            raise problem(position, "not a two-letter country code (ISO 3166, e.g. CN)")
        if all(loc.country != code for loc in locations):
            locations.append(Location(country=code))
    position, cell = _pick(values, "perpetrators")
    perpetrators = [_perpetrator(item, lambda m: problem(position, m)) for item in _split(cell)]
    incident = Incident(
        document="",
        event_types=types,  # type: ignore[arg-type]
        status=(status or "unknown"),  # type: ignore[arg-type]
        date=date,
        victims=victims,
        locations=locations,
        perpetrators=perpetrators,
        evidence=[Evidence(0, len(text), text)],
    )
    return UwaziRow(number=number, original=original, text=text, title=title, incident=incident)


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(SEPARATOR) if part.strip()]


def _day(value: str, end: bool, problem: Problem, column: int) -> dt.date | None:
    if not value:
        return None
    text = value.replace("/", "-")
    try:
        if re.fullmatch(r"\d{4}", text):
            return dt.date(int(text), 12, 31) if end else dt.date(int(text), 1, 1)
        if re.fullmatch(r"\d{4}-\d{2}", text):
            first = dt.date.fromisoformat(f"{text}-01")
            return _month_end(first) if end else first
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise problem(column, "not a date; write YYYY-MM-DD (Uwazi's default date format)")


def _month_end(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _date(start: dt.date | None, end: dt.date | None) -> DateInterval:
    if start is None and end is None:
        return DateInterval()
    start = start or end
    end = end or start
    assert start is not None and end is not None  # noqa: S101 - both set above
    if end < start:
        start, end = end, start
    if start == end:
        precision = "day"
    elif start.day == 1 and end == _month_end(start):
        precision = "month"
    elif (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        precision = "year"
    else:
        precision = "range"
    return DateInterval(start=start.isoformat(), end=end.isoformat(), precision=precision)  # type: ignore[arg-type]


def _victims(people: tuple[int, str], text: tuple[int, str], problem: Problem) -> Victims:
    """The count from ``people_text`` ("about 40", "40 to 60", "fewer than 5") or else ``people``."""
    words = text[1].lower()
    forms = (
        (r"about (\d{1,7})", "about"),
        (r"at least (\d{1,7})", "at_least"),
        (r"at most (\d{1,7})", "at_most"),
        (r"(\d{1,7}) to (\d{1,7})", "range"),
        (r"fewer than (\d{1,7})", "fewer"),
        (r"(\d{1,7})", "exact"),
    )
    for pattern, kind in forms:
        if m := re.fullmatch(pattern, words):
            n = int(m.group(1))
            if kind == "range":
                return Victims(count=n, count_min=n, count_max=int(m.group(2)), qualifier="range")
            if kind == "fewer":
                return Victims(count=None, count_min=None, count_max=max(n - 1, 0), qualifier="at_most")
            if kind == "at_least":
                return Victims(count=n, count_min=n, count_max=None, qualifier="at_least")
            if kind == "at_most":
                return Victims(count=n, count_min=None, count_max=n, qualifier="at_most")
            return Victims(count=n, count_min=n, count_max=n, qualifier=kind)  # type: ignore[arg-type]
    if not people[1]:
        return Victims()
    if not re.fullmatch(r"\d{1,7}", people[1]):  # seven digits: more than any incident, within storage
        raise problem(people[0], "not a whole number of people (at most seven digits)")
    n = int(people[1])
    return Victims(count=n, count_min=n, count_max=n, qualifier="exact")


def _location(text: str, place_of: PlaceOf | None) -> Location:
    """A place as the public form writes it ("Tumen, Jilin, CN"), or a bare name ``place_of`` knows."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    country = parts.pop() if len(parts) > 1 and re.fullmatch(r"[A-Z]{2}", parts[-1]) else None
    if len(parts) == 1 and re.fullmatch(r"[A-Z]{2}", parts[0]) and country is None:
        return Location(country=parts[0])
    if len(parts) >= 2:
        return Location(country=country, admin1=parts[1], place=parts[0])
    if not parts:
        return Location(country=country)
    return (place_of(parts[0], country) if place_of else None) or Location(country=country, place=parts[0])


#: Longest names the incident tables hold (``storage.tables.IncidentLocation``).
MAX_ADMIN1, MAX_PLACE = 100, 200


def _checked(location: Location, problem: Callable[[str], InvalidInput]) -> Location:
    """Refuse a place a spreadsheet would run as a formula, or one longer than storage holds."""
    for name, limit in ((location.admin1, MAX_ADMIN1), (location.place, MAX_PLACE)):
        if name is None:
            continue
        if name[0] in "=+-@" or any(ord(ch) < 32 for ch in name):
            raise problem(
                "a place name starts with = + - @ or holds a control character; write the name alone"
            )
        if len(name) > limit:
            raise problem(f"a place name is longer than {limit} characters")
    return location


def _perpetrator(text: str, problem: Callable[[str], InvalidInput]) -> Perpetrator:
    """ "CN police", "? border_police" or "KP" (state, then agency)."""
    state, _, agency = text.partition(" ")
    agency = re.sub(r"[\s-]+", "_", agency.strip().lower()) or "unknown"
    if not (state == "?" or re.fullmatch(r"[A-Z]{2}", state)):
        raise problem("a perpetrator is a state code (or ?) then an agency, e.g. CN border_police")
    if agency not in AGENCIES:
        raise problem(f"not a known agency; use {', '.join(AGENCIES)}")
    return Perpetrator(state=None if state == "?" else state, agency=agency)  # type: ignore[arg-type]
