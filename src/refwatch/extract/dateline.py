"""Publication dates found in the document itself or in its URL, when metadata gives none.

A stamp near the top that says it is one ("Published: ...", "입력 2014년 10월
17일", "Posted July. 19, 2021") or that carries a time of day ("April 24, 2017 /
4:44 AM") is taken as the publication date. A bare date line is not: on
scraped pages it is as often the crawl or display date as the publication one,
and resolving "last month" against the wrong year does more harm than leaving
it unresolved. "Updated" and "Last updated" stamps are skipped for the same reason.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from refwatch.ingest.dates import parse_human_date

#: How far into the text a dateline may appear.
HEAD_CHARS: Final = 600
_LABELLED = re.compile(
    r"(?im:(?:^|\s)[\s•·|-]*(?:published(?:\s+on)?|posted(?:\s+on)?|publication\s+date|date|입력|등록|승인|기사입력|작성|"
    r"发布时间|发布|發布)\s*[:|]?\s*(?P<date>[^\n|]{6,40}?)(?=\s*(?:\||수정|updated|최종|$)))"
)
_TIMED = re.compile(
    r"(?m:^\s*(?P<date>(?:[A-Z][a-z]+day,?\s+)?[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4})\s*(?:/|\||,|-)?\s*\d{1,2}:\d{2})"
)
_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>\d{1,2})[/-](?P<d>\d{1,2})(?:/|$)|/(?P<y8>(?:19|20)\d{2})(?P<m8>\d{2})(?P<d8>\d{2})/"
)


def _full_date(text: str) -> dt.date | None:
    try:
        parsed = parse_human_date(text.strip())
    except ValueError:
        return None
    if parsed.year is None or parsed.month is None or parsed.day is None:
        return None
    return dt.date(parsed.year, parsed.month, parsed.day)


def dateline_date(text: str) -> dt.date | None:
    """The publication date stated at the head of ``text``, if it says clearly that it is one.

    Examples:
        >>> dateline_date("Fictional Times\\n입력 2014년 10월 17일 16시 28분\\n...")
        datetime.date(2014, 10, 17)
    """
    head = text[:HEAD_CHARS]
    for pattern in (_LABELLED, _TIMED):
        for m in pattern.finditer(head):
            found = _full_date(m["date"])
            if found is not None:
                return found
            # The label may be followed by more than the date: try its first words.
            words = m["date"].split()
            for n in range(len(words) - 1, 0, -1):
                found = _full_date(" ".join(words[:n]))
                if found is not None:
                    return found
    return None


def url_date(url: str | None) -> dt.date | None:
    """A full date written in a URL path (``/2012/02/14/``, ``/20240828/``), else None.

    Examples:
        >>> url_date("https://example.org/news/2012/02/14/story")
        datetime.date(2012, 2, 14)
    """
    if not url:
        return None
    m = _URL_DATE.search(url)
    if not m:
        return None
    y, mo, d = (m["y"], m["m"], m["d"]) if m["y"] else (m["y8"], m["m8"], m["d8"])
    try:
        return dt.date(int(y), int(mo), int(d))
    except ValueError:
        return None
