"""A person record from a partner's list: its fields and how cells are read into them.

A record is one row of one list, as the partner wrote it; linkage decides which
records are one person. Cells are read strictly and errors name the field, never
the cell's value (a shifted column can put a name where a date was expected).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

#: The fields a record may have, in the order docs/cli.md lists them.
FIELDS: Final = (
    "record_id",
    "name_hangul",
    "name_romanised",
    "name_other",
    "sex",
    "birth_year",
    "birth_date",
    "origin",
    "arrest_date",
    "arrest_place",
    "return_date",
    "return_place",
    "incident",
    "notes",
)
#: Name fields: each may hold several spellings separated by ``;``.
NAME_FIELDS: Final = ("name_hangul", "name_romanised", "name_other")
SEPARATOR: Final = ";"
MAX_RECORD_ID: Final = 100
#: How sex may be written (English or Korean), and the stored form.
SEXES: Final = {
    "f": "F",
    "female": "F",
    "여": "F",
    "여성": "F",
    "m": "M",
    "male": "M",
    "남": "M",
    "남성": "M",
}
YEARS: Final = range(1900, 2101)
_PARTIAL = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")


class CellError(ValueError):
    """A cell that cannot be read into its field; the message is safe to show (no cell value)."""


@dataclass(frozen=True, slots=True)
class RecordFields:
    """The checked fields of one record; ``names`` maps a name field to its spellings."""

    record_id: str | None = None
    names: dict[str, list[str]] = field(default_factory=dict)
    sex: str | None = None
    birth: str | None = None
    origin: str | None = None
    arrest_date: str | None = None
    arrest_place: str | None = None
    return_date: str | None = None
    return_place: str | None = None
    incidents: tuple[int, ...] = ()
    notes: str | None = None

    def spellings(self) -> list[str]:
        """Every spelling of every name field, Hangul first."""
        return [s for f in NAME_FIELDS for s in self.names.get(f, [])]


def partial_date(text: str) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` from a cell (``/`` and ``.`` also separate).

    Examples:
        >>> partial_date("1985.3")
        '1985-03'
        >>> partial_date("2019-11-02")
        '2019-11-02'
    """
    match = _PARTIAL.fullmatch(text.strip())
    if match is None:
        raise CellError("write a date as YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    if int(year) not in YEARS:
        raise CellError(f"the year must lie between {YEARS.start} and {YEARS.stop - 1}")
    parts = [year]
    if month is not None:
        if not 1 <= int(month) <= 12:
            raise CellError("the month must be 1 to 12")
        parts.append(f"{int(month):02d}")
    if day is not None:
        if not 1 <= int(day) <= 31:
            raise CellError("the day must be 1 to 31")
        parts.append(f"{int(day):02d}")
    return "-".join(parts)


def read_fields(values: dict[str, str]) -> RecordFields:
    """A record from its non-blank cells by field name.

    Raises:
        CellError: with the field name first (``"birth_year: ..."``).
    """
    names = {
        f: [s.strip() for s in values[f].split(SEPARATOR) if s.strip()] for f in NAME_FIELDS if f in values
    }
    if not any(names.values()):
        raise CellError(f"{NAME_FIELDS[0]}: give at least one of {', '.join(NAME_FIELDS)}")
    record_id = values.get("record_id")
    if record_id is not None and len(record_id) > MAX_RECORD_ID:
        raise CellError(f"record_id: at most {MAX_RECORD_ID} characters")
    sex = values.get("sex")
    if sex is not None:
        if sex.lower() not in SEXES:
            raise CellError("sex: write F or M (or 여/남), or leave it blank")
        sex = SEXES[sex.lower()]
    return RecordFields(
        record_id=record_id,
        names={f: s for f, s in names.items() if s},
        sex=sex,
        birth=_birth(values),
        origin=values.get("origin"),
        arrest_date=_date(values, "arrest_date"),
        arrest_place=values.get("arrest_place"),
        return_date=_date(values, "return_date"),
        return_place=values.get("return_place"),
        incidents=_incidents(values.get("incident", "")),
        notes=values.get("notes"),
    )


def birth_year(birth: str | None) -> int | None:
    """The year of a stored partial birth date."""
    return int(birth[:4]) if birth else None


def _birth(values: dict[str, str]) -> str | None:
    year = _date(values, "birth_year")
    if year is not None and len(year) != 4:
        raise CellError("birth_year: write a year such as 1985 (a fuller date goes in birth_date)")
    date = _date(values, "birth_date")
    if year and date and not date.startswith(year):
        raise CellError("birth_date: the year differs from birth_year")
    return date or year


def _date(values: dict[str, str], name: str) -> str | None:
    if name not in values:
        return None
    try:
        return partial_date(values[name])
    except CellError as exc:
        raise CellError(f"{name}: {exc}") from None


def _incidents(text: str) -> tuple[int, ...]:
    ids: list[int] = []
    for part in (p.strip() for p in text.split(SEPARATOR)):
        if not part:
            continue
        if not (part.isascii() and part.isdigit()) or not 1 <= int(part) < 2**31:
            raise CellError("incident: write incident numbers (e.g. 12; several as 12;15)")
        ids.append(int(part))
    return tuple(dict.fromkeys(ids))
