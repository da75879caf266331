"""A document's reference date from all the evidence there is: metadata, address, stamps, citations.

Each source gives a partial date (a year, a month, a day) with a confidence:

* **metadata**: the publication date of the index or form, possibly without a year
  ("June 4") or a day ("2021-06");
* **url**: a date in the address: a path (``/2031/04/23/``, ``/2031/02/``, ``/2031-03/``),
  a run of digits in an id (``/20310828/``, ``-20310321.html``, ``ABC2031052316…``,
  ``story-03152031101010`` written month-day-year), or a query parameter (``?date=2031-05-03``);
* **stamp**: "Published", "Posted", "입력", "등록" at the head of the text, or a date
  printed with its time of day ("March 2, 2031 | 9:15 pm"); an "Updated"/"수정"
  stamp counts only when nothing better is there, since it can be years later;
* **dateline**: "TUMEN, March 8 (Fictional Wire) —", usually without a year;
* **banner**: a bare date line at the head ("June 09, 2031"), often the day the
  page was displayed rather than written, so it only fills in what nothing else gives,
  and a report's year ("2031 Annual Report"), which stays a year;
* **citation**: "accessed 5 May 2019" / "retrieved on …" in notes: the document was
  written on or after that day (a lower bound);
* **latest-mention**: the latest full date the text itself names: a lower bound too.

The most trusted source with a year decides; a partial source completes another when
they agree ("June 4" from the metadata and ``/2021/06/`` from the address make
4 June 2021). A lower bound alone gives an open interval, which resolves no relative
date: unknown beats wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final
from urllib.parse import unquote

from refwatch.domain.dates import RefConfidence, ReferenceDate, RefSource
from refwatch.extract.dates import find_dates
from refwatch.extract.mentions import DateMention
from refwatch.ingest.dates import PartialDateTime, parse_human_date

#: How far into the text stamps, datelines and banners are looked for.
HEAD_CHARS: Final = 600
#: Years a reference date may have; a digit run outside them is an id, not a date.
FIRST_YEAR: Final = 1990

_CONFIDENCE_RANK: Final = {"high": 3, "medium": 2, "low": 1}


@dataclass(frozen=True, slots=True)
class Evidence:
    """One partial date and where it came from; ``rank`` orders sources of equal confidence."""

    year: int | None
    month: int | None
    day: int | None
    source: RefSource
    confidence: RefConfidence
    text: str
    rank: int


# Sources in order of trust when their confidence is equal.
_RANK: Final[dict[str, int]] = {
    "option": 9,
    "metadata": 8,
    "stamp": 7,
    "url": 6,
    "dateline": 5,
    "updated": 4,
    "banner": 3,
}

# --- addresses -------------------------------------------------------------------------------

_URL_YMD = re.compile(r"(?<![\d])(?P<y>(?:19|20)\d{2})[/_-](?P<m>\d{1,2})[/_-](?P<d>\d{1,2})(?=[/_.-]|$)")
_URL_YM = re.compile(r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>\d{1,2})(?=/)")
_URL_DIGITS = re.compile(r"(?<!\d)\d{8,}(?!\d)")
_URL_QUERY_DATE = re.compile(
    r"[?&](?:date|day|ymd|pubdate|publish(?:ed)?(?:_?date)?|dt|regdate)=(?P<v>[\d./-]{8,10})(?=&|$)",
    re.IGNORECASE,
)


def _valid(year: int, month: int, day: int | None, latest_year: int) -> bool:
    if not FIRST_YEAR <= year <= latest_year or not 1 <= month <= 12:
        return False
    if day is None:
        return True
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _query_values(query: str) -> list[str]:
    """The values of an address's query string, in order ("a=1&b=2" gives ["1", "2"])."""
    return [part.partition("=")[2] for part in query.split("&") if "=" in part]


def url_evidence(url: str | None, *, today: dt.date | None = None) -> list[Evidence]:
    """Dates written in a web address, most explicit first.

    A path date separated by slashes or dashes is trusted (high). A date read out of a
    run of digits (``/20310828/``, an article id) is of medium confidence: many sites
    number articles by date, but a run can also only look like one. A run is read as
    year-month-day first, then as month-day-year, and only when it makes a real date
    in the years a report can have.

    Examples:
        >>> [(e.year, e.month, e.day) for e in url_evidence("https://example.org/news/2021/06/04/story")]
        [(2021, 6, 4)]
        >>> [(e.year, e.month, e.day, e.confidence) for e in url_evidence("https://example.org/a-06042021101010.html")]
        [(2021, 6, 4, 'medium')]
        >>> [(e.year, e.month, e.day) for e in url_evidence("https://example.org/blog/2021/06/title.html")]
        [(2021, 6, None)]
    """
    if not url:
        return []
    url = unquote(url)
    latest = (today or dt.date.today()).year + 1
    out: list[Evidence] = []
    path, _, query = url.partition("?")
    # Leave out the host: "www.2024-report.org" names no day.
    path = path.split("://", 1)[-1]
    path = path[path.find("/") :] if "/" in path else ""
    for m in _URL_QUERY_DATE.finditer("?" + query):
        value = m["v"]
        if value.isdigit() and len(value) == 8:
            value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
        try:
            parsed = parse_human_date(value)
        except ValueError:
            continue
        if parsed.year and parsed.month and _valid(parsed.year, parsed.month, parsed.day, latest):
            out.append(
                Evidence(parsed.year, parsed.month, parsed.day, "url", "high", m.group(0)[1:], _RANK["url"])
            )
    for m in _URL_YMD.finditer(path):
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        if _valid(y, mo, d, latest):
            out.append(Evidence(y, mo, d, "url", "high", m.group(0), _RANK["url"]))
    if not out:
        for m in _URL_YM.finditer(path):
            y, mo = int(m["y"]), int(m["m"])
            if _valid(y, mo, None, latest):
                out.append(Evidence(y, mo, None, "url", "high", m.group(0) + "/", _RANK["url"]))
    # a run of digits in the path, else in a query value ("view.php?no=2031050300123")
    for places in ([path], _query_values(query)):
        if out:
            break
        for run in (m.group(0) for place in places for m in _URL_DIGITS.finditer(place)):
            ymd = (int(run[:4]), int(run[4:6]), int(run[6:8]))
            mdy = (int(run[4:8]), int(run[:2]), int(run[2:4]))
            for y, mo, d in (ymd, mdy):
                if _valid(y, mo, d, latest):
                    out.append(Evidence(y, mo, d, "url", "medium", run, _RANK["url"]))
                    break
    return out


# --- the text --------------------------------------------------------------------------------

_PUBLISHED_LABEL = (
    r"published(?:\s+on)?|posted(?:\s+on)?|publication\s+date|date|입력|등록|승인|기사\s?입력|작성일?|송고(?:시간)?|"
    r"발행일|게재일|"
    r"发布时间|发布|發布"
)
_UPDATED_LABEL = r"(?:last\s+)?updated(?:\s+on)?|최종\s?수정|수정|更新"
_LABELLED = re.compile(
    rf"(?im:(?:^|\s)[\s•·|-]*(?P<label>{_PUBLISHED_LABEL}|{_UPDATED_LABEL})\s*[:|：]?\s*"
    r"(?P<date>[^\n|]{4,40}?)(?=\s*(?:\||입력|수정|updated|최종|$)))"
)
# A byline with the day after it: "By Fictional Reporter | May 3, 2031", "By A. Writer - 3 May 2031".
_BYLINE = re.compile(r"(?im:^\s*by\s+[^|\n]{2,60}?\s(?:\||-|–|—|·)\s*(?P<date>[^\n|]{6,40}?)\s*$)")
_TIMED = re.compile(
    r"(?m:^\s*(?P<date>(?:[A-Z][a-z]+day,?\s+)?[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4})\s*(?:/|\||,|-)?\s*\d{1,2}:\d{2})"
)
_LABEL_START = re.compile(rf"(?i:{_PUBLISHED_LABEL}|{_UPDATED_LABEL})")
#: A head line this short that reads as a date and nothing else is a stamp or a banner.
_DATE_LINE_CHARS: Final = 70
# "TUMEN, March 8 (Fictional Wire) --", "DANDONG, Aug. 28, 2031 (Wire) -": a place in capitals, a date,
# an optional agency, a dash.
_DATELINE = re.compile(
    r"(?m:^[ \t]*[A-Z][A-Z .'-]{2,30}(?:,\s*[A-Z][A-Za-z .]{2,30})?,\s+"
    r"(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s+\d{4})?)\s*(?:\([A-Za-z .]{2,30}\)\s*)?[-–—]{1,2})"
)
_BANNER_YEAR = re.compile(
    r"(?i:\b(?P<y1>(?:19|20)\d{2})\s+(?:annual\s+report|reporting\s+year)\b|\bannual\s+report\s+(?:for\s+|of\s+)?(?P<y2>(?:19|20)\d{2})\b)"
)
_ACCESSED = re.compile(
    r"(?i:\b(?:accessed|retrieved|last\s+visited|viewed)(?:\s+on)?[:\s]+(?P<date>[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}"
    r"|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|\d{4}[.-]\d{1,2}[.-]\d{1,2}))"
    r"|(?:검색일|접속일|열람일)\s*[:：]?\s*(?P<kdate>\d{4}\s?[.년-]\s?\d{1,2}\s?[.월-]\s?\d{1,2})"
)


def _partial(text: str) -> PartialDateTime | None:
    """The date at the start of ``text`` (a label may be followed by more than the date)."""
    words = text.split()
    for n in range(len(words), 0, -1):
        try:
            return parse_human_date(" ".join(words[:n]))
        except ValueError:
            continue
    return None


def _evidence(
    parsed: PartialDateTime | None, source: RefSource, confidence: RefConfidence, text: str, rank: int
) -> Evidence | None:
    if parsed is None or parsed.month is None and parsed.year is None:
        return None
    return Evidence(parsed.year, parsed.month, parsed.day, source, confidence, text.strip(), rank)


def text_evidence(text: str) -> list[Evidence]:
    """Stamps, datelines and banners at the head of ``text``, and report years anywhere in its head.

    Examples:
        >>> found = text_evidence("Fictional Times\\n입력 2021년 6월 4일 09시 12분\\n")
        >>> [(e.source, e.year, e.month, e.day) for e in found]
        [('stamp', 2021, 6, 4)]
        >>> found = text_evidence("TUMEN, March 8 (Fictional Wire) -- Police said")
        >>> [(e.source, e.year, e.month, e.day) for e in found]
        [('dateline', None, 3, 8)]
    """
    head = text[:HEAD_CHARS]
    out: list[Evidence] = []
    for m in _LABELLED.finditer(head):
        updated = re.fullmatch(_UPDATED_LABEL, m["label"], re.IGNORECASE) is not None
        found = _evidence(
            _partial(m["date"]),
            "stamp",
            "low" if updated else "high",
            m.group(0),
            _RANK["updated" if updated else "stamp"],
        )
        if found is not None and found.day is not None:
            out.append(found)
    for m in _TIMED.finditer(head):
        if (found := _evidence(_partial(m["date"]), "stamp", "high", m.group(0), _RANK["stamp"])) is not None:
            out.append(found)
    for m in _BYLINE.finditer(head):
        found = _evidence(_partial(m["date"]), "stamp", "high", m.group(0), _RANK["stamp"])
        if found is not None and found.day is not None:
            out.append(found)
    for m in _DATELINE.finditer(head):
        if (
            found := _evidence(_partial(m["date"]), "dateline", "medium", m.group(0), _RANK["dateline"])
        ) is not None:
            out.append(found)
    out += _date_lines(head)
    for m in _BANNER_YEAR.finditer(head):
        year = int(m["y1"] or m["y2"])
        out.append(Evidence(year, None, None, "banner", "low", m.group(0), _RANK["banner"] - 1))
    unique: dict[tuple[object, ...], Evidence] = {}
    for e in out:  # one stamp may be read by two patterns
        unique.setdefault((e.source, e.confidence, e.year, e.month, e.day), e)
    return list(unique.values())


_HAS_YEAR: Final = re.compile(r"(?:19|20)\d\d")


def _date_lines(head: str) -> list[Evidence]:
    """Head lines that are a full date and nothing else.

    With a time of day ("Wednesday, 8 May, 2031, 17:03 GMT", "2031.05.03 10:02") the
    line is the page's stamp; a bare date line is often the day the page was displayed
    or crawled, so it is a low-confidence banner.
    """
    out = []
    for line in head.splitlines():
        line = line.strip(" \t|•·-")
        if not 8 <= len(line) <= _DATE_LINE_CHARS or not _HAS_YEAR.search(line):
            continue  # only a line with a year can give a full date (the parser is slow to refuse)
        if _LABEL_START.match(line):
            continue  # a labelled stamp: read above, with its label's meaning
        try:
            parsed = parse_human_date(line)
        except ValueError:
            continue
        if parsed.to_date() is None:
            continue
        if parsed.hour is not None:
            out.append(Evidence(parsed.year, parsed.month, parsed.day, "stamp", "high", line, _RANK["stamp"]))
        else:
            out.append(
                Evidence(parsed.year, parsed.month, parsed.day, "banner", "low", line, _RANK["banner"])
            )
    return out


def lower_bound(text: str, *, today: dt.date | None = None) -> tuple[dt.date, RefSource, str] | None:
    """The latest day the text shows it was written after: an "accessed" date, or the latest date it names.

    Only dates with their year written out count (a year alone gives its first day),
    and not those read as future ("will", "by", "until", "deadline") or after ``today``:
    a report names deadlines and meetings to come.
    """
    now = today or dt.date.today()
    best: tuple[dt.date, RefSource, str] | None = None
    for m in _ACCESSED.finditer(text):
        parsed = _partial(m["date"] or re.sub(r"[년월]", ".", m["kdate"]).replace(" ", ""))
        day = parsed.to_date() if parsed is not None else None
        if day is not None and day <= now and (best is None or day > best[0]):
            best = (day, "citation", m.group(0))
    if best is not None:
        return best
    for offset, d in _mentioned_dates(text):
        if d.lo is None or d.year_inferred or d.role == "future" or d.lo > now:
            continue
        start = offset + d.start
        if _FUTURE_BEFORE.search(text, max(0, start - 40), start):
            continue
        if best is None or d.lo > best[0]:
            best = (d.lo, "latest-mention", d.text)
    return best


def _mentioned_dates(text: str) -> Iterator[tuple[int, DateMention]]:
    """Every date mentioned in ``text``, with the offset its positions are relative to.

    A text longer than extraction's segment size is read one segment at a time, as
    extraction reads it, so that a book-length report never has all its dates (and the
    finders' working copies of the whole text) in memory at once.
    """
    from refwatch.extract import rules  # rules imports this module

    if len(text) <= rules.SEGMENT_CHARS:
        for d in find_dates(text, None):
            yield 0, d
        return
    for start, end in rules.segments(text, rules.SEGMENT_CHARS):
        for d in find_dates(text[start:end], None):
            yield start, d


_FUTURE_BEFORE = re.compile(
    r"(?i:\b(?:will|would|by|until|till|before|deadline|due|scheduled|expires?|next|upcoming|plans?\s+to)\b[^.!?]{0,30}$)"
    r"|(?:까지|예정|오는)\s*$"
)


# --- combining -------------------------------------------------------------------------------


def _best(evidence: list[Evidence]) -> Evidence | None:
    with_year = [e for e in evidence if e.year is not None]
    if not with_year:
        return None
    return max(
        with_year,
        key=lambda e: (_CONFIDENCE_RANK[e.confidence], e.rank, e.day is not None, e.month is not None),
    )


def combine(
    evidence: list[Evidence], bound: tuple[dt.date, RefSource, str] | None = None
) -> ReferenceDate | None:
    """The reference date the evidence supports, or None when it supports none.

    The most trusted source with a year is the base. A finer source that agrees with
    it adds the month or the day it lacks; a yearless source ("June 4", "March 8")
    takes the base's year when its month agrees with the base or the base has none.
    """
    base = _best(evidence)
    if base is None:
        if bound is None:
            return None
        first, source, written = bound
        # An "accessed" date is a firm lower bound; the latest date named may be a quoted old one.
        return ReferenceDate(
            first, None, "interval", source, "medium" if source == "citation" else "low", written
        )
    year, month, day = base.year, base.month, base.day
    confidence: RefConfidence = base.confidence
    texts = [base.text]
    assert year is not None  # noqa: S101 (mypy: _best returns evidence with a year)
    for other in sorted(evidence, key=lambda e: (-_CONFIDENCE_RANK[e.confidence], -e.rank)):
        if day is not None:
            break
        if other is base or other.month is None or (other.year is not None and other.year != year):
            continue
        if month is None:
            month, day = other.month, other.day
        elif other.month == month and other.day is not None:
            day = other.day
        else:
            continue
        if _CONFIDENCE_RANK[other.confidence] < _CONFIDENCE_RANK[confidence]:
            confidence = other.confidence
        texts.append(other.text)
    text = " + ".join(t for t in texts if t)[:200]
    if month is None:
        return ReferenceDate.year(year, source=base.source, confidence=confidence, text=text)
    if day is None:
        return ReferenceDate.month(year, month, source=base.source, confidence=confidence, text=text)
    return ReferenceDate.day(dt.date(year, month, day), source=base.source, confidence=confidence, text=text)


def reference_date(
    text: str,
    *,
    metadata: PartialDateTime | str | None = None,
    url: str | None = None,
    bounds: bool = True,
    today: dt.date | None = None,
) -> ReferenceDate | None:
    """A document's reference date from its metadata date, address and text; None when nothing says.

    Args:
        text: the working text.
        metadata: the publication date the metadata gives, parsed or as written.
        url: the document's web address.
        bounds: also look for a lower bound (citations, latest mention) when nothing
            else gives a year; extraction leaves it out, since an open interval
            resolves no relative date.
        today: the day to treat as now (address digit runs after next year are ids).

    Examples:
        >>> reference_date("Fictional text.", metadata="June 4", url="https://example.org/2021/06/x").label()
        '2021-06-04'
        >>> reference_date("Fictional text.", url="https://example.org/2021/02/x.html").label()
        '2021-02'
        >>> reference_date("No date here.") is None
        True
    """
    evidence: list[Evidence] = []
    parsed = metadata
    if isinstance(metadata, str):
        try:
            parsed = parse_human_date(metadata) if metadata.strip() else None
        except ValueError:
            parsed = None
    if isinstance(parsed, PartialDateTime):
        found = _evidence(parsed, "metadata", "high", parsed.iso(), _RANK["metadata"])
        if found is not None:
            evidence.append(found)
    evidence += url_evidence(url, today=today)
    evidence += text_evidence(text)
    if _best(evidence) is not None or not bounds:
        return combine(evidence)
    return combine(evidence, lower_bound(text, today=today))
