"""Publication dates as people write them, kept only as precise as they were written.

Metadata tables carry dates such as ``October 16, 2023``, ``09.10.2017``,
``Dec 2, 2019 - 16:55``, ``Thursday, March 8 2012``, ``2015-04-08 21:01:00``,
``2014년 10월 17일 16시 28분``, ``2013.05.28 (21:12)`` or ``Oct. 19``. Each is
parsed into a :class:`PartialDateTime` whose missing parts stay missing: a date
written without a year has no year, never the current one.

Numeric dates are read by a fixed rule, because guessing per value would make
the same file mean different things: year-first when the first number has four
digits (``2013.05.28``, ``2013/05/28``); otherwise dotted and dashed forms are
day-first as in Europe and on Korean sites (``09.10.2017`` is 9 October), and
slashed forms are month-first as in the US (``10/09/2017`` is 9 October) unless
the first number cannot be a month.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

MONTHS: Final[dict[str, int]] = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS: Final[dict[str, int]] = {
    name: number
    for number, names in enumerate(
        [
            ("mon", "monday", "월요일", "월"),
            ("tue", "tues", "tuesday", "화요일", "화"),
            ("wed", "wednesday", "수요일", "수"),
            ("thu", "thur", "thurs", "thursday", "목요일", "목"),
            ("fri", "friday", "금요일", "금"),
            ("sat", "saturday", "토요일", "토"),
            ("sun", "sunday", "일요일", "일"),
        ]
    )
    for name in names
}

_TIME = (
    r"(?:\s*(?:-|–|,|/|at)?\s*(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\.\d+)?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?)?"
)
_ZONE = r"(?:\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT|KST|CST))?"
_MONTH_NAME = "|".join(sorted(MONTHS, key=len, reverse=True))

_PATTERNS: Final = [
    (
        "ymd",
        re.compile(
            rf"^(?P<year>\d{{4}})\s*[-./]\s*(?P<month>\d{{1,2}})\s*[-./]\s*(?P<day>\d{{1,2}})\.?(?:T|\s)?{_TIME}{_ZONE}$",
            re.I,
        ),
    ),
    (
        "dmy",
        re.compile(rf"^(?P<day>\d{{1,2}})[.-](?P<month>\d{{1,2}})[.-](?P<year>\d{{4}}){_TIME}{_ZONE}$", re.I),
    ),
    ("mdy", re.compile(rf"^(?P<month>\d{{1,2}})/(?P<day>\d{{1,2}})/(?P<year>\d{{4}}){_TIME}{_ZONE}$", re.I)),
    ("ym", re.compile(r"^(?P<year>\d{4})[-./](?P<month>\d{1,2})$")),
    ("y", re.compile(r"^(?P<year>\d{4})$")),
    (
        "cjk",
        re.compile(
            r"^(?:(?P<year>\d{4})\s*[년年]\s*)?(?P<month>\d{1,2})\s*[월月]\s*(?:(?P<day>\d{1,2})\s*[일日号號]?)?"
            r"\s*(?:(?P<ampm_ko>오전|오후|上午|下午)\s*)?"
            r"(?:(?P<hour>\d{1,2})\s*(?:[시時点點:])\s*(?:(?P<minute>\d{1,2})\s*[분分]?)?)?$"
        ),
    ),
    ("cjk_year", re.compile(r"^(?P<year>\d{4})\s*[년年]$")),
    (
        "month_first",
        re.compile(
            rf"^(?P<mname>{_MONTH_NAME})\.?\s*(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\.?)?,?\s*(?:(?P<year>\d{{4}}))?{_TIME}{_ZONE}$",
            re.I,
        ),
    ),
    (
        "day_first",
        re.compile(
            rf"^(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?(?P<mname>{_MONTH_NAME})\.?,?\s*(?P<year>\d{{4}})?{_TIME}{_ZONE}$",
            re.I,
        ),
    ),
]
_WEEKDAY_PREFIX = re.compile(
    r"^\s*(?P<wd>[A-Za-z]+day|[A-Za-z]{3,5}\.?|[월화수목금토일]요일)\s*[,.]?\s+", re.I
)
_WEEKDAY_SUFFIX = re.compile(r"\s*[(（]\s*(?P<wd>[월화수목금토일]|[A-Za-z]{3,9})\s*[)）]")


@dataclass(frozen=True, slots=True)
class PartialDateTime:
    """A date and time of which any part may be unknown."""

    year: int | None
    month: int | None
    day: int | None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None

    def to_date(self) -> dt.date | None:
        """The calendar day, when year, month and day are all known."""
        if self.year is None or self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)

    def iso(self) -> str:
        """ISO 8601 with reduced precision (``2017``, ``2017-04``, ``--10-19`` for no year)."""
        if self.year is None:
            if self.month is None:
                return ""
            return f"--{self.month:02d}" + (f"-{self.day:02d}" if self.day is not None else "")
        text = f"{self.year:04d}"
        if self.month is None:
            return text
        text += f"-{self.month:02d}"
        if self.day is None:
            return text
        text += f"-{self.day:02d}"
        if self.hour is None:
            return text
        text += f"T{self.hour:02d}:{(self.minute or 0):02d}"
        if self.second is not None:
            text += f":{self.second:02d}"
        return text

    @classmethod
    def from_iso(cls, text: str) -> PartialDateTime:
        """Read back what :meth:`iso` wrote."""
        m = re.fullmatch(
            r"(?:(?P<year>\d{4})|-)-?(?:(?P<month>\d{2})(?:-(?P<day>\d{2})"
            r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?)?)?",
            text,
        )
        if not m or (m.group("year") is None and m.group("month") is None):
            raise ValueError(f"not a reduced-precision ISO date: {text!r}")
        parts = {k: int(v) if v is not None else None for k, v in m.groupdict().items()}
        return cls(**parts)


def _check(year: int | None, month: int | None, day: int | None, text: str) -> None:
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"{text!r}: month {month} does not exist")
    if day is not None:
        try:
            dt.date(year if year is not None else 2000, month or 1, day)  # 2000: a leap year, for 29 February
        except ValueError:
            raise ValueError(f"{text!r}: day {day} does not exist in month {month}") from None
    if year is not None and not 1800 <= year <= 2200:
        raise ValueError(f"{text!r}: year {year} is out of range")


def parse_human_date(text: str) -> PartialDateTime:
    """Parse a publication date written by people; raise ValueError when it is not one."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("empty date")
    cleaned = " ".join(text.replace("\u00a0", " ").split())
    weekday: int | None = None
    m = _WEEKDAY_PREFIX.match(cleaned)
    if m and m.group("wd").lower().rstrip(".") in WEEKDAYS:
        weekday = WEEKDAYS[m.group("wd").lower().rstrip(".")]
        cleaned = cleaned[m.end() :]
    s = _WEEKDAY_SUFFIX.search(cleaned)
    if s and s.group("wd").lower() in WEEKDAYS:
        weekday = WEEKDAYS[s.group("wd").lower()]
        cleaned = (cleaned[: s.start()] + " " + cleaned[s.end() :]).strip()
    cleaned = re.sub(r"[()]", " ", cleaned)
    cleaned = " ".join(cleaned.split()).rstrip(".")
    for kind, pattern in _PATTERNS:
        match = pattern.match(cleaned)
        if match is None:
            continue
        groups = match.groupdict()
        year = int(groups["year"]) if groups.get("year") else None
        if groups.get("mname"):
            month: int | None = MONTHS[groups["mname"].lower()]
        else:
            month = int(groups["month"]) if groups.get("month") else None
        day = int(groups["day"]) if groups.get("day") else None
        if kind == "mdy" and month is not None and month > 12 and day is not None and day <= 12:
            month, day = day, month
        _check(year, month, day, text)
        hour = int(groups["hour"]) if groups.get("hour") else None
        minute = int(groups["minute"]) if groups.get("minute") else (0 if hour is not None else None)
        second = int(groups["second"]) if groups.get("second") else None
        ampm = (groups.get("ampm") or groups.get("ampm_ko") or "").lower().replace(".", "")
        if hour is not None:
            if ampm in ("pm", "오후", "下午") and hour < 12:
                hour += 12
            elif ampm in ("am", "오전", "上午") and hour == 12:
                hour = 0
            if hour > 23 or (minute or 0) > 59 or (second or 0) > 59:
                raise ValueError(f"{text!r}: the time {hour}:{minute} does not exist")
            if day is None:
                hour = minute = second = None
        result = PartialDateTime(year, month, day, hour, minute, second)
        full = result.to_date()
        if weekday is not None and full is not None and full.weekday() != weekday:
            raise ValueError(
                f"{text!r}: {full.isoformat()} is a {full.strftime('%A')}, not the weekday written"
            )
        return result
    raise ValueError(f"{text!r} is not a date in a form we know")
