"""Human publication dates from metadata tables, kept at the precision they were written.

News and NGO sites write dates in many ways (``October 16, 2023``, ``09.10.2017``,
``Dec 2, 2019 - 16:55``, ``2031년 4월 2일 09시 05분``, ``Oct. 19``). The parser
here reads them with its own small grammar instead of a general-purpose date
library, because general parsers fill every field they cannot see from a default
(usually today): ``Oct. 19`` would silently become a date in the current year.
For a record of when forced returns happened, an invented year is worse than a
missing one, so :class:`PartialDateTime` keeps unknown fields as ``None``.

Rules for ambiguous numeric dates (fixed, so one file never means two things):

* ``2013.05.28``, ``2014/10/17``, ``2013-11-18``: a four-digit year first is
  always year, month, day.
* ``09.10.2017`` and ``09-10-2017`` (dots or dashes, year last): day first, as
  European and Korean sites write it.
* ``10/09/2017`` (slashes, year last): month first, as US sites write it.
* If the preferred reading is impossible because one part is over 12, the other
  reading is used (``10.17.2014`` and ``17/10/2014`` are both 17 October).
* Two-digit years (``09.10.17``) are refused: nothing tells them from the other parts.

Time zones are read and dropped: the local wall-clock time as published is kept,
because the day a site published in its own zone is the day it reported. When a
site prints one moment in several zones (``17:03 GMT 18:03 UK``), the first time,
the one written beside the date, is kept; each time must then name its zone.
A weekday name given with a full date must agree with that date.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from refwatch.languages import calendar

__all__ = ["PartialDateTime", "parse_human_date"]

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class PartialDateTime:
    """A date and time of which only some fields are known.

    Any field may be ``None``, but a field needs the ones it refines: a day needs a
    month, an hour needs a day, a minute an hour, a second a minute. The year alone
    may be missing above a known month, because sites print ``Oct. 19`` without one.

    Raises:
        ValueError: on construction, when a field is out of range or the known
            fields cannot form a date (``day 31 does not exist in 2021-02``).

    Examples:
        >>> PartialDateTime(2017, 4, 24, 21, 1).iso()
        '2017-04-24T21:01'
        >>> PartialDateTime(None, 10, 19).iso()
        '--10-19'
    """

    year: int | None
    month: int | None
    day: int | None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None

    def __post_init__(self) -> None:
        if self.year is None and self.month is None:
            raise ValueError("a date needs at least a year or a month")
        _check_range("year", self.year, 1, 9999)
        _check_range("month", self.month, 1, 12)
        _check_range("day", self.day, 1, 31)
        _check_range("hour", self.hour, 0, 23)
        _check_range("minute", self.minute, 0, 59)
        _check_range("second", self.second, 0, 59)
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if self.hour is not None and self.day is None:
            raise ValueError("a time of day needs a day")
        if self.minute is not None and self.hour is None:
            raise ValueError("minutes need an hour")
        if self.second is not None and self.minute is None:
            raise ValueError("seconds need minutes")
        if self.month is not None and self.day is not None:
            # Without a year, 29 February is allowed: some year has it (2000 does).
            try:
                dt.date(self.year if self.year is not None else 2000, self.month, self.day)
            except ValueError:
                where = (
                    f"{self.year:04d}-{self.month:02d}" if self.year is not None else f"month {self.month}"
                )
                raise ValueError(f"day {self.day} does not exist in {where}") from None

    def to_date(self) -> dt.date | None:
        """The calendar date, or ``None`` unless year, month and day are all known.

        Storage sorts and filters on real dates; a partial date must not pretend to be one.
        """
        if self.year is None or self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)

    def iso(self) -> str:
        """ISO 8601 text at the known precision, so that nothing unknown is written down.

        Returns:
            ``2017``, ``2017-04``, ``2017-04-24``, ``2017-04-24T21``,
            ``2017-04-24T21:01`` or ``2017-04-24T21:01:00``; without a year the
            truncated forms of ISO 8601:2000, ``--10-19`` (month and day) or
            ``--10`` (month), optionally followed by a time.
        """
        text = f"{self.year:04d}" if self.year is not None else "-"
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        if self.hour is not None:
            text += f"T{self.hour:02d}"
            if self.minute is not None:
                text += f":{self.minute:02d}"
                if self.second is not None:
                    text += f":{self.second:02d}"
        return text

    @classmethod
    def from_iso(cls, s: str) -> PartialDateTime:
        """Read exactly what :meth:`iso` writes (its inverse), e.g. from the database.

        Raises:
            ValueError: when ``s`` is not one of the forms :meth:`iso` produces.
        """
        match = _ISO_OUT.fullmatch(s)
        if match is None:
            raise ValueError(
                f"{s!r} is not a reduced-precision ISO date such as 2017, 2017-04, "
                "2017-04-24, 2017-04-24T21:01 or --10-19"
            )
        g = match.groupdict()
        return cls(
            year=_int(g["year"]),
            month=_int(g["month"] or g["ymonth"]),
            day=_int(g["day"] or g["yday"]),
            hour=_int(g["hour"]),
            minute=_int(g["minute"]),
            second=_int(g["second"]),
        )


def _check_range(name: str, value: int | None, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        raise ValueError(f"{name} {value} does not exist (expected {low}-{high})")


def _int(text: str | None) -> int | None:
    return int(text) if text else None


_ISO_OUT = re.compile(
    r"(?:(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?"
    r"|--(?P<ymonth>\d{2})(?:-(?P<yday>\d{2}))?)"
    r"(?:T(?P<hour>\d{2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?)?",
    re.ASCII,
)

# Machine-written timestamps: 2024-08-28T03:00:00Z, 2024-08-28 03:00:00.5+09:00.
_ISO_IN = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"[t ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"
    r" ?(?:z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII,
)


# Month and day words come from the language data (refwatch.languages): English names and
# abbreviations, and the one-character day forms of Korean (월 = Monday), Japanese (月 = Monday)
# and Chinese (一 = Monday) stamps (tests/languages checks that no character names different
# days in two of these languages).
_MONTHS = calendar("en").months
_EN_WEEKDAYS = calendar("en").weekdays
_CJK_WEEKDAYS = {
    word: day
    for code in ("ko", "ja", "zh")
    for word, day in calendar(code).weekdays.items()
    if len(word) == 1
}

# Labels that sites print before a date and that carry no date information.
_LABEL = re.compile(
    r"^(?:last updated|published|updated|posted|date|기사 ?입력|입력|수정|등록|发布时间|发布|更新)"
    r"(?: on)? ?[:：]? ?",
    re.IGNORECASE,
)

# Time-zone labels sites print after a time. "UK" and "local" are not zones in any
# standard, but news sites write them ("17:03 GMT 18:03 UK") for the wall-clock time
# at home; they name a zone all the same.
_ZONE_NAMES = (
    "z|utc|gmt|uk|bst|ist|wet|west|cet|cest|eet|eest|msk|kst|jst|hkt|sgt|ict|pht|wib"
    "|cst|cdt|est|edt|mst|mdt|pst|pdt|akst|akdt|hst|aest|aedt|acst|awst|nzst|nzdt|et|ct|mt|pt"
)
_ZONE = (
    rf"(?:(?:{_ZONE_NAMES})(?: ?[+-]\d{{1,2}}(?::?\d{{2}})?)?\b(?: time\b)?"
    r"|local time\b|[+-]\d{2}(?::?\d{2})?(?!\d))"
)

_TIME = re.compile(
    r"(?<![\d:.])(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"
    r"(?: ?(?P<ampm>[ap])\.? ?m\b\.?)?"
    rf"(?: ?\(?(?P<zone>{_ZONE})\)?)?(?![\d:])"
    r"|(?<![\d:.])(?P<hour12>\d{1,2}) ?(?P<ampm12>[ap])\.? ?m\b\.?"
    rf"(?: ?\(?(?P<zone12>{_ZONE})\)?)?",
    re.ASCII,
)

_CJK_MARKERS = re.compile(r"[년월일시분초年月日号號時时分秒]")

_CJK = re.compile(
    r"(?:(?P<year>\d{4}) ?[년年] ?)?"
    r"(?:(?P<month>\d{1,2}) ?[월月] ?)?"
    r"(?:(?P<day>\d{1,2}) ?[일日号號] ?)?"
    r"(?:[(（] ?(?P<wd_paren>[월화수목금토일月火水木金土])(?:요일|曜日)? ?[)）]"
    r"|(?P<wd_ko>[월화수목금토일])요일|(?:星期|周|週)(?P<wd_zh>[一二三四五六日天])|(?P<wd_ja>[月火水木金土日])曜日)?"
    r" ?(?:(?P<ampm>오전|오후|上午|下午|午前|午後) ?)?"
    r"(?:(?P<hour>\d{1,2}) ?[시時时点點] ?(?:(?P<minute>\d{1,2}) ?[분分] ?)?(?:(?P<second>\d{1,2}) ?[초秒])?"
    r"|(?P<chour>\d{1,2}):(?P<cminute>\d{2})(?::(?P<csecond>\d{2}))?)?",
    re.ASCII,
)


def parse_human_date(text: str) -> PartialDateTime:
    """Read a date as a website printed it, keeping only the fields it states.

    Args:
        text: the date as written, e.g. ``Thursday, March 14 2030`` or ``2030.11.03 (08:40)``.

    Returns:
        The date with unknown fields left ``None``: ``Oct. 19`` has no year and
        ``May 2013`` no day.

    Raises:
        ValueError: when the text is not a date, is impossible (``32.13.2020``),
            is ambiguous (a two-digit year), or names the wrong weekday. The
            message quotes the text and says what is wrong.

    Examples:
        >>> parse_human_date("Dec 2, 2019 - 16:55").iso()
        '2019-12-02T16:55'
        >>> parse_human_date("09.10.2017").iso()
        '2017-10-09'
    """
    # NFKC turns full-width digits and letters (common on CJK sites) into ASCII.
    cleaned = " ".join(unicodedata.normalize("NFKC", text).split())
    if not cleaned:
        raise ValueError("empty date: write it as YYYY-MM-DD or leave the field empty")
    try:
        return _parse(_LABEL.sub("", cleaned, count=1))
    except ValueError as exc:
        raise ValueError(f"{text.strip()!r} is not a date we can read: {exc}") from None


def _parse(text: str) -> PartialDateTime:
    try:
        return PartialDateTime.from_iso(text)
    except ValueError:
        pass
    iso = _ISO_IN.fullmatch(text.lower())
    if iso is not None:
        g = iso.groupdict()
        return PartialDateTime(
            int(g["year"]),
            int(g["month"]),
            int(g["day"]),
            int(g["hour"]),
            int(g["minute"]),
            _int(g["second"]),
        )
    if _CJK_MARKERS.search(text):
        return _parse_cjk(text)
    return _parse_western(text.lower())


def _parse_cjk(text: str) -> PartialDateTime:
    match = _CJK.fullmatch(text)
    if match is None or not (match["year"] or match["month"]):
        raise ValueError("expected a form like 2031년 4월 2일 09시 05분 or 2021年7月19日")
    g = match.groupdict()
    hour = _int(g["hour"] or g["chour"])
    if hour is not None and g["ampm"]:
        hour = _twelve_hour(hour, pm=g["ampm"] in ("오후", "下午", "午後"))
    date = PartialDateTime(
        _int(g["year"]),
        _int(g["month"]),
        _int(g["day"]),
        hour,
        _int(g["minute"] or g["cminute"]),
        _int(g["second"] or g["csecond"]),
    )
    weekday = g["wd_paren"] or g["wd_ko"] or g["wd_zh"] or g["wd_ja"]
    if weekday:
        _check_weekday(date, _CJK_WEEKDAYS[weekday])
    return date


def _twelve_hour(hour: int, *, pm: bool) -> int:
    if not 1 <= hour <= 12:
        raise ValueError(f"hour {hour} cannot go with AM/PM (expected 1-12)")
    return hour % 12 + (12 if pm else 0)


def _parse_western(text: str) -> PartialDateTime:
    times = list(_TIME.finditer(text))
    hour = minute = second = None
    if times:
        clocks = [_clock(t) for t in times]
        if len(times) > 1:
            _check_same_moment(times, clocks)
        # The first time is the one written beside the date, so it is the one the date is
        # the day of; the others restate that moment in other zones.
        hour, minute, second = clocks[0]
        for t in reversed(times):
            text = text[: t.start()] + " " + text[t.end() :]
    weekday: int | None = None
    tokens: list[str] = []
    for token in re.sub(r"[,()\[\]|@]", " ", text).split():
        bare = token.rstrip(".")
        if bare in ("-", "–", "—", "/", "at", "on", "the", "of", ""):
            continue
        if bare in _EN_WEEKDAYS:
            if weekday is not None:
                raise ValueError("it names more than one weekday")
            weekday = _EN_WEEKDAYS[bare]
            continue
        tokens.append(token)
    if not tokens:
        raise ValueError("no day, month or year found")
    joined = " ".join(tokens)
    if re.search(r"[^\W\d_]", joined):
        year, month, day = _month_name_date(joined)
    else:
        year, month, day = _numeric_date(joined)
    if hour is not None and day is None:
        raise ValueError("a time of day needs a day")
    date = PartialDateTime(year, month, day, hour, minute, second)
    if weekday is not None:
        _check_weekday(date, weekday)
    return date


def _clock(t: re.Match[str]) -> tuple[int, int | None, int | None]:
    if t["hour12"] is not None:
        return _twelve_hour(int(t["hour12"]), pm=t["ampm12"] == "p"), None, None
    hour = int(t["hour"])
    if t["ampm"]:
        hour = _twelve_hour(hour, pm=t["ampm"] == "p")
    return hour, int(t["minute"]), _int(t["second"])


def _check_same_moment(times: list[re.Match[str]], clocks: list[tuple[int, int | None, int | None]]) -> None:
    """Several times are one moment in several zones (``17:03 GMT 18:03 UK``), or an error.

    Each must name its zone, else nothing says they are the same moment; and zones differ
    by whole quarter hours, so their minutes must agree modulo 15.
    """
    if not all(t["zone"] or t["zone12"] for t in times):
        raise ValueError("it holds more than one time of day (several are allowed only each with its zone)")
    minutes = {(m or 0) % 15 for _, m, _ in clocks}
    seconds = {s for _, _, s in clocks}
    if len(minutes) > 1 or len(seconds) > 1:
        raise ValueError("its times in different zones cannot be the same moment")


_ORDERS = frozenset({"MDY", "DMY", "MY", "MD", "DM", "YMD", "YM"})
_KIND_NAMES = {"M": "month", "Y": "year", "D": "day"}


def _month_name_date(text: str) -> tuple[int | None, int | None, int | None]:
    kinds = ""
    values: dict[str, int] = {}
    for raw in re.split(r"[ ./\-]+", text):
        if not raw:
            continue
        piece = re.sub(r"^(\d{1,2})(?:st|nd|rd|th)$", r"\1", raw)
        if piece in _MONTHS:
            kind, value = "M", _MONTHS[piece]
        elif re.fullmatch(r"\d{4}", piece, re.ASCII):
            kind, value = "Y", int(piece)
        elif re.fullmatch(r"\d{1,2}", piece, re.ASCII):
            kind, value = "D", int(piece)
        elif re.fullmatch(r"'\d{2}", piece, re.ASCII):
            raise ValueError("a two-digit year is ambiguous; write the full year")
        else:
            raise ValueError(f"{raw!r} is not a month, day or year")
        if kind in values:
            raise ValueError(f"it has more than one {_KIND_NAMES[kind]}")
        kinds += kind
        values[kind] = value
    if kinds not in _ORDERS:
        raise ValueError("expected a form like 'October 16, 2023', '17 October 2014' or 'May 2013'")
    return values.get("Y"), values.get("M"), values.get("D")


_DAY_FIRST = {".": True, "-": True, "/": False}


def _numeric_date(text: str) -> tuple[int | None, int | None, int | None]:
    # Korean sites write "2013. 5. 28."; close the gaps around separators first.
    s = re.sub(r" ?([./\-]) ?", r"\1", text).rstrip(".")
    if m := re.fullmatch(r"(\d{4})([./\-])(\d{1,2})\2(\d{1,2})", s, re.ASCII):
        return int(m[1]), int(m[3]), int(m[4])
    if m := re.fullmatch(r"(\d{4})[./\-](\d{1,2})", s, re.ASCII):
        return int(m[1]), int(m[2]), None
    if re.fullmatch(r"\d{4}", s, re.ASCII):
        return int(s), None, None
    if m := re.fullmatch(r"(\d{1,2})([./\-])(\d{1,2})\2(\d{4})", s, re.ASCII):
        first, second, year = int(m[1]), int(m[3]), int(m[4])
        day, month = (first, second) if _DAY_FIRST[m[2]] else (second, first)
        if month > 12 >= day:  # the preferred reading is impossible; the other one is not
            day, month = month, day
        return year, month, day
    if m := re.fullmatch(r"(\d{1,2})[./\-](\d{4})", s, re.ASCII):
        return int(m[2]), int(m[1]), None
    if re.fullmatch(r"\d{1,2}([./\-])\d{1,2}\1\d{2}", s, re.ASCII):
        raise ValueError("a two-digit year is ambiguous; write the full year")
    raise ValueError("expected a form like 2024-08-28, 2013.05.28, 09.10.2017 or 10/17/2014")


def _check_weekday(date: PartialDateTime, weekday: int) -> None:
    full = date.to_date()
    if full is None:
        return  # Without a full date the weekday cannot be checked, and adds nothing.
    if full.weekday() != weekday:
        raise ValueError(
            f"it says {_WEEKDAY_NAMES[weekday]} but {full.isoformat()} is a {_WEEKDAY_NAMES[full.weekday()]}"
        )
