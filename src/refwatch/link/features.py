"""What linking reads of one report, computed once per report.

Comparing pairs is the hot loop of linking (every ingest relinks), so each report is
read once into a :class:`Features`: its date as a day interval, its count as bounds
widened by the qualifier, its places at three levels, its event types, the groups it
names (women, children, families), its language and the word shingles of its
evidence quotes. The quotes are read here, in memory, from the extracted incident;
nothing derived from them is stored or logged.

Dates: a report's date of writing is its document's reference date when that is known
as a closed interval, else its publication day (:func:`reference_interval`, the one
place that reads them). A report known only to be written after some day keeps that
day (:attr:`Features.written_after`): it bounds where a day named without a year can
be placed (:func:`placed`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zlib
from dataclasses import dataclass, replace
from typing import Final

from refwatch.domain.incidents import Incident
from refwatch.domain.vocabulary import CORE_EVENT_TYPES
from refwatch.extract.dates import find_dates
from refwatch.link.report import Report

#: An interval longer than this (days) is a vague date (a year, a season, "early 2017").
WIDE_DAYS = 31
#: How far a qualified figure may stray from its stated number ("about 600" covers 500 to 720).
ABOUT_SPREAD = 1.2
#: "More than 500" rarely means more than twice as many; "at most 30" rarely under half.
OPEN_SPREAD = 2.0
#: Outlets' figures for one group differ by a person or two (one counts the broker, another
#: not): a stated figure of :data:`NEAR_FROM` or more covers this much either side, so that
#: 27 and 29 meet while 9 and 10 stay apart.
NEAR_SPREAD = 1.05
NEAR_FROM = 20
#: A round figure of a hundred or more ("500", "600") is a rounded estimate even when no
#: "about" says so: it is read as "about".
ROUND_FROM = 100
ROUND_STEP = 100

# Words that say which people a group holds, when the extractor gave no demographic count.
# Small and deliberately general: a family, women, children — in the languages of the corpus.
_DEMOGRAPHIC_WORDS = {
    "family": ("family", "families", "가족", "일가족", "一家"),
    "children": ("child", "children", "minor", "baby", "infant", "아이", "어린이", "자녀", "아동", "儿童"),
    "women": ("woman", "women", "mother", "여성", "여자", "妇女"),
}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True, slots=True)
class Features:
    """A report as the comparison levels read it (see the module docstring)."""

    key: str
    document: str
    start: int | None  # days since 0001-01-01 (date.toordinal), or None when unknown
    end: int | None
    reference: tuple[int, int] | None  # the report's own date as an interval of days
    count: tuple[float, float] | None  # bounds, widened by the qualifier
    stated: int | None  # the stated figure, for labels and small-count levels
    places: frozenset[str]
    admin1: frozenset[str]
    countries: frozenset[str]
    types: frozenset[str]
    demographics: frozenset[str]
    language: str | None
    shingles: frozenset[int]
    main: bool
    #: A date the report names without a year ("on August 14", "6월 23일"): first and last
    #: (month, day), when the incident has no date; see :func:`placed`.
    yearless: tuple[tuple[int, int], tuple[int, int]] | None = None
    #: Nothing places the report in time: no date, no day without a year, no date of writing.
    timeless: bool = False
    #: The first day the report may have been written, when that bound is all that is known.
    written_after: int | None = None
    #: Dated by :func:`placed` from a part of the year without a day ("in April"): nearest the
    #: other incident, a month agrees with one in that month of any year, so the date rules a
    #: pair out when too far but is no evidence for it.
    loosely_placed: bool = False

    @property
    def wide(self) -> bool:
        """True when the date is vague (longer than :data:`WIDE_DAYS`)."""
        return self.start is not None and self.end is not None and self.end - self.start > WIDE_DAYS


def reference_interval(report: Report) -> tuple[int, int] | None:
    """The interval of days a report was written in: its document's reference date (from the
    metadata, its address, a stamp on the page...), else its publication day, when known."""
    return written_days(report.reference, report.published)


def written_days(
    reference: tuple[dt.date, dt.date] | None, published: dt.date | None
) -> tuple[int, int] | None:
    """:func:`reference_interval` of a document's reference interval and publication day (the
    block index of incremental linking reads them without the rest of the report)."""
    if reference is not None:
        return reference[0].toordinal(), reference[1].toordinal()
    if published is None:
        return None
    day = published.toordinal()
    return day, day


def count_bounds(incident: Incident) -> tuple[float, float] | None:
    """Bounds of the count, widened by the qualifier so that "more than 500" and "about 600" meet."""
    v = incident.victims
    low = v.count_min if v.count_min is not None else v.count
    if low is None and v.count_max is None:
        return None
    lo = float(low if low is not None else 0)
    hi = float(v.count_max) if v.count_max is not None else lo
    if v.qualifier == "about" or (v.qualifier == "exact" and lo == hi and _round(lo)):
        lo, hi = lo / ABOUT_SPREAD, hi * ABOUT_SPREAD
    elif v.qualifier == "exact" and lo == hi and lo >= NEAR_FROM:
        lo, hi = lo / NEAR_SPREAD, hi * NEAR_SPREAD
    elif v.qualifier == "at_least":
        hi = max(hi, lo) * OPEN_SPREAD
    elif v.qualifier == "at_most":
        lo = hi / OPEN_SPREAD
    return lo, hi


def _round(figure: float) -> bool:
    """Whether a stated figure reads as rounded ("500", "1,000"; not "31" or "120")."""
    return figure >= ROUND_FROM and figure % ROUND_STEP == 0


def _demographics(incident: Incident) -> frozenset[str]:
    v = incident.victims
    found = set()
    if v.women:
        found.add("women")
    if v.children:
        found.add("children")
    text = (v.text or "").lower()
    words = set(_WORD.findall(text))
    for category, cues in _DEMOGRAPHIC_WORDS.items():
        if any((cue in words) if cue.isascii() else (cue in text) for cue in cues):
            found.add(category)
    return frozenset(found)


def _language(text: str) -> str | None:
    if not text.strip():
        return None
    if _HANGUL.search(text):
        return "ko"
    if _HAN.search(text):
        return "zh"
    return "latin"


def shingles(text: str) -> frozenset[int]:
    """Hashes of the text's word pairs (words alone for scripts without spaces between them).

    Word pairs carry more than words ("eight defectors", "road check"); a stable hash
    (CRC32) keeps the set small and the same in every process.
    """
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 2:
        return frozenset(zlib.crc32(w.encode()) for w in words)
    return frozenset(zlib.crc32(f"{a} {b}".encode()) for a, b in zip(words, words[1:], strict=False))


def features(report: Report) -> Features:
    """Read a report once (see the module docstring)."""
    incident = report.incident
    start = end = None
    if incident.date.start and incident.date.end:
        start = dt.date.fromisoformat(incident.date.start).toordinal()
        end = dt.date.fromisoformat(incident.date.end).toordinal()
    quotes = " ".join(e.quote for e in incident.evidence)
    v = incident.victims
    stated = v.count if v.count is not None else v.count_min
    return Features(
        key=report.key,
        document=report.document,
        start=start,
        end=end,
        reference=reference_interval(report),
        count=count_bounds(incident),
        stated=stated,
        places=frozenset(loc.place for loc in incident.locations if loc.place),
        admin1=frozenset(loc.admin1 for loc in incident.locations if loc.admin1),
        countries=frozenset(loc.country for loc in incident.locations if loc.country),
        types=frozenset(incident.event_types),
        demographics=_demographics(incident),
        language=_language(quotes),
        shingles=shingles(quotes),
        main=incident.salience == "main",
        yearless=(yearless := _yearless(incident) if start is None else None),
        # a month without a year does not place a report in time either
        timeless=start is None and (yearless is None or _loose(yearless)) and not report.placed_in_time,
        written_after=report.written_after.toordinal() if report.written_after else None,
    )


#: Any year resolves a yearless expression; a leap year keeps 29 February.
_SOME_YEAR_END: Final = dt.date(2000, 12, 31)


#: News tells of the recent past: a day named without a year lies within this many days
#: before the report was written (or, for a deadline, shortly after).
YEARLESS_REACH_DAYS: Final = 366


#: A day named without a year is specific (one day in 365); a span longer than this (a month,
#: "mid-April") says only roughly when in the year.
LOOSE_DAYS: Final = 7


def _loose(yearless: tuple[tuple[int, int], tuple[int, int]]) -> bool:
    """Whether a date without a year spans more than :data:`LOOSE_DAYS` (in a common year)."""
    (m1, d1), (m2, d2) = yearless
    first = dt.date(2001, m1, min(d1, 28) if m1 == 2 else d1)
    last = dt.date(2001 if (m2, d2) >= (m1, d1) else 2002, m2, min(d2, 28) if m2 == 2 else d2)
    return (last - first).days > LOOSE_DAYS


def _yearless(incident: Incident) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The month and day an undated incident's own words name ("August 14", "in April"), when
    they name them without a year (a relative date, "last month", names none).

    The stored text is the span the extractor read as a date in its sentence. A bare month
    name is a date only after a cue word ("in April"; "April" alone may be a name), and the
    span leaves the cue out, so a span that reads as no date is read again after "in".
    """
    text = incident.date.text
    if not text:
        return None
    found = find_dates(text, _SOME_YEAR_END) or find_dates(f"in {text}", _SOME_YEAR_END)
    if len(found) != 1 or not found[0].year_inferred or found[0].lo is None or found[0].hi is None:
        return None
    lo, hi = found[0].lo, found[0].hi
    return (lo.month, lo.day), (hi.month, hi.day)


def placed(yearless: Features, dated: Features) -> Features:
    """``yearless`` dated in the year that puts its month and day nearest ``dated``'s dates.

    A report that names "August 14" or "in April" but not the year still tells when in the
    year it happened: placed in the year that fits the other incident best, it counts as a
    date (agreeing, near, or too far apart) like any other. A report known to be written
    after some day (:attr:`Features.written_after`) tells of the year before it at the
    earliest, so no earlier year is tried: placed there, it is far from an older incident
    and the window rules the pair out.

    Examples:
        >>> def day(s): return dt.date.fromisoformat(s).toordinal()
        >>> base = dict(document="d", reference=None, count=None, stated=None, places=frozenset(),
        ...             admin1=frozenset(), countries=frozenset(), types=frozenset(),
        ...             demographics=frozenset(), language=None, shingles=frozenset(), main=True)
        >>> old = Features(key="a", start=day("2003-01-01"), end=day("2003-12-31"), **base)
        >>> august = Features(key="b", start=None, end=None, yearless=((8, 29), (8, 29)), **base)
        >>> str(dt.date.fromordinal(placed(august, old).start))
        '2003-08-29'
        >>> late = replace(august, written_after=day("2021-07-01"))
        >>> str(dt.date.fromordinal(placed(late, old).start))
        '2020-08-29'
    """
    if yearless.yearless is None or dated.start is None or dated.end is None:
        return yearless
    (m1, d1), (m2, d2) = yearless.yearless
    floor = None if yearless.written_after is None else yearless.written_after - YEARLESS_REACH_DAYS
    first_year = dt.date.fromordinal(dated.start).year - 1
    last_year = dt.date.fromordinal(dated.end).year + 1
    if floor is not None:
        first_year = max(first_year, dt.date.fromordinal(floor).year)
        last_year = max(last_year, first_year + 1)
    best: tuple[int, int, int] | None = None
    for year in range(first_year, last_year + 1):
        try:
            lo = dt.date(year, m1, d1).toordinal()
            hi = dt.date(year if (m2, d2) >= (m1, d1) else year + 1, m2, d2).toordinal()
        except ValueError:  # 29 February in a common year
            continue
        if floor is not None and lo < floor:
            continue
        gap = max(lo - dated.end, dated.start - hi, 0)
        if best is None or gap < best[0]:
            best = (gap, lo, hi)
    if best is None:
        return yearless
    return replace(yearless, start=best[1], end=best[2], loosely_placed=_loose(yearless.yearless))


def core_types(f: Features) -> frozenset[str]:
    """The event types that say what was done to the group (arrest, detention, return)."""
    return f.types & CORE_EVENT_TYPES


def log_ratio(a: tuple[float, float], b: tuple[float, float]) -> float:
    """How far apart two count intervals are on a log scale (0 when they overlap)."""
    if a[0] <= b[1] and b[0] <= a[1]:
        return 0.0
    low, high = (a, b) if a[1] < b[0] else (b, a)
    return math.log(max(high[0], 1.0) / max(low[1], 1.0))
