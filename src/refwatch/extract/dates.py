"""Date mentions: find time expressions and resolve them to intervals of days.

Absolute dates ("May 10, 2013", "2024년 8월 21일") resolve on their own. Dates
without a year ("on July 14", "21일", "in November") and relative ones ("last
month", "Monday night", "지난달 말") need an anchor: the publication date. With
no anchor they stay unknown rather than get an invented year. A year written in
a full date shortly before carries forward to yearless dates that follow it
("caught on May 10, 2013 ... deported on May 27"), as newspapers write.

Each mention also gets a role from its neighbours: a date right after "said" or
before "보도했다" dates a report, not the event; "since January" bounds a period.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Final

from refwatch.domain.dates import ReferenceDate
from refwatch.domain.vocabulary import Precision
from refwatch.extract.mentions import DateMention
from refwatch.extract.scan import Scanner, WindowPattern, window_lowered
from refwatch.languages import alternation, numbers, vocabulary, word_set
from refwatch.languages import calendar as language_calendar

EN: Final = vocabulary("en")
KO: Final = vocabulary("ko")

_EN_CALENDAR: Final = language_calendar("en")

#: Capitalised month names and abbreviations, and full names in capitals ("MAY 3"); from the
#: language data (``refwatch.languages``), full names before abbreviations ("Sept" before "Sep").
_MONTH_NAMES: Final = (
    "(?:"
    + "|".join(
        [n.title() for n in _EN_CALENDAR.month_names]
        + [n.title() for n in _EN_CALENDAR.months if n not in _EN_CALENDAR.month_names]
        + [n.upper() for n in _EN_CALENDAR.month_names]
    )
    + ")"
)
_WEEKDAY_NAMES: Final = "(?:" + "|".join(n.title() for n in _EN_CALENDAR.weekday_names) + ")"
_NUM_WORDS: Final = "|".join(sorted((w for w in numbers("en").words if " " not in w), key=len, reverse=True))
_MOD: Final = r"(?P<mod>early|mid|late|the\s+(?:beginning|start|middle|end)\s+of)"
_YEAR: Final = r"(?P<y>(?:19|20)\d{2})"
#: A year named relative to the report after a month: "in May last year", "October of this year".
_RELATIVE_YEAR: Final = r"(?:,?\s+(?:of\s+)?(?P<ly>last|this|next)\s+year\b)"
#: How a year named so counts from the report's year.
_YEAR_WORD_OFFSET: Final = {"last": -1, "this": 0, "next": 1}

_ISO = re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})[-./]\s?(?P<m>\d{1,2})[-./]\s?(?P<d>\d{1,2})(?![\d])")
#: What may follow a day's figure: "18th".
_ORDINAL_SUFFIX: Final = re.compile(r"(?:st|nd|rd|th)?")
_MDY = re.compile(
    rf"(?:\b{_MOD}[- ])?\b(?P<mon>{_MONTH_NAMES})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"
    r"(?:\s*(?:and|-|–|to)\s*(?P<d2>\d{1,2})(?:st|nd|rd|th)?\b)?"
    rf"(?:,?\s+{_YEAR}\b|{_RELATIVE_YEAR})?"
)
_DMY = re.compile(
    rf"\b(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MONTH_NAMES})\b\.?(?:,?\s+{_YEAR}\b|{_RELATIVE_YEAR})?"
)
_MY = re.compile(rf"(?:\b{_MOD}[- ]?)?\b(?P<mon>{_MONTH_NAMES})\b\.?(?:,?\s+{_YEAR}\b|{_RELATIVE_YEAR})?")
_Y = re.compile(rf"(?i:\b(?:{_MOD}[- ]?|(?P<prep>in|since|during|until|throughout)\s+))\b{_YEAR}\b")
_WD = re.compile(
    rf"\b(?:(?P<rel>last|this|on|late|early)\s+)?(?P<wd>{_WEEKDAY_NAMES})"
    r"(?:\s+(?P<part>night|morning|evening|afternoon))?\b"
)
_REL = re.compile(
    r"(?i:\b(?:(?P<day>yesterday|today|tonight|last\s+night)"
    r"|(?P<span>(?:over|in|during)\s+the\s+(?:past|last|previous)\s+(?:week|month|year|few\s+days))"
    rf"|(?:over|in|during|for)\s+the\s+(?:past|last|previous)\s+(?P<sn>\d+|{_NUM_WORDS})\s+(?P<su>days|weeks|months|years)\b"
    r"|(?P<earlier>earlier\s+this\s+(?:week|month|year))"
    r"|(?P<opening>the\s+(?:beginning|start)\s+of\s+the\s+(?:week|month|year))"
    r"|(?P<weekend>(?:at|over|during)\s+the\s+weekend|(?:last|this|past)\s+weekend)"
    r"|(?:(?P<calmod>early|mid|late|the\s+(?:beginning|start|middle|end|(?:first|second)\s+half)\s+of)[- ]?)?"
    r"(?P<cal>(?:this|last|past|previous)\s+(?:week|month|year))"
    rf"|(?P<n>\d+|an?|{_NUM_WORDS})\s+(?P<unit>days?|weeks?|fortnights?|months?|years?)\s+ago"
    r"|(?:on\s+)?the\s+(?P<nth>\d{1,2})(?:st|nd|rd|th)\s+of\s+(?P<which>this|last)\s+month"
    # "on the 18th" alone: a day of the month of writing (as "18일" is), when nothing follows that
    # could make it another ordinal ("the 18th of May", "the 5th floor", "the 3rd time")
    r"|on\s+the\s+(?P<alone>\d{1,2})(?:st|nd|rd|th)"
    r"(?=\s*(?:[,.;:)]|$)|\s+(?:and|or|but|when|while|after|before|as|in|at|near|from|during)\b))\b)"
)
_K_YMD = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s?[년年]\s?(?P<m>\d{1,2})\s?[월月](?:\s?(?P<d>\d{1,2})(?:\s?[~∼～\-–]\s?(?P<d2>\d{1,2}))?\s?[일日号])?"
    r"(?:\s?(?P<mod>초순|초|중순|하순|말))?"
)
_K_MD = re.compile(
    r"(?:(?P<rel>지난해|작년|올해|금년|지난|이번|내년)\s?)?(?<![\d.])(?P<m>\d{1,2})\s?[월月]"
    r"(?:\s?(?P<d>\d{1,2})(?:\s?[~∼～\-–]\s?(?P<d2>\d{1,2}))?\s?[일日号]|\s?(?P<mod>초순|초|중순|하순|말))?"
)
# "전" (before) as a word: alone or with a particle ("3일 전에", "2년 전부터"), not the first
# syllable of another word ("18일 전해졌다" is "reported on the 18th", "전달하다" is "to deliver").
_K_BEFORE = r"(?:전|前)(?=[^가-힣]|$|에|엔|인|쯤|께|부터|까지|의|만)"
#: Words for last month before a Korean day ("지난달 2일", "전달 2일").
_LAST_MONTH_KO: Final = frozenset({"지난달", "전달"})
_K_D = re.compile(
    r"(?:(?P<rel>지난\s?달|전달|지난|앞서|오는|이달|이번\s?달)\s?)?(?<![\d.월\-])(?P<d>\d{1,2})\s?일"
    rf"(?!\s?(?:간|동안|째|{_K_BEFORE}|만에|후|뒤(?!늦)|치|부터\s?\d(?!\d?\s?일)))"
)
# A year alone, in Korean only as the bound of a period ("2019년 이후", "2020년부터") or with a time
# particle ("2019년에", "2019년께"): a bare "2019년" is more often an age, a term, a sum or part of a
# name ("1986년 협약") than a date.
# Parts of a written year: seasons and halves ("in the summer of 2019", "late spring 2019", "the first
# half of 2019", "2019년 여름", "2019년 상반기", "2019년 말"). Without a year they stay unmatched.
_SEASON = re.compile(
    r"(?i:\b(?:(?P<smod>early|late|mid)[- ]?)?(?:the\s+)?(?P<season>spring|summer|autumn|fall|winter)"
    rf"(?:\s+of)?,?\s+{_YEAR}\b"
    rf"|\b(?:the\s+)?(?P<half>first|second)\s+half\s+of\s+{_YEAR.replace('<y>', '<hy>')}\b)"
)
_K_SEASON = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s?년\s?(?:(?P<season>봄|여름|가을|겨울)|(?P<half>상반기|하반기)|(?P<kmod>초반|초|중반|후반|말|연말|연초))"
    r"(?![가-힣])"
)
_K_Y_BOUND = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s?년(?=\s?(?:이후|이래|부터|까지|이전)"
    # ... or the time of an event: "2019년에 체포돼", "2019년께", "2019년경"
    r"|(?:에(?:는|도|만)?|께|경|쯤|무렵)(?![가-힣]))"
)
# "3일 전", "두 달 전" (Korean numerals before 달), "일주일 전" (a week ago).
_K_AGO = re.compile(
    rf"(?:(?<![\d.])(?P<n>\d{{1,3}})|(?<![가-힣])(?P<kn>한|두|세|네|일))\s?(?P<unit>일|주|주일|개월|달|년)\s?{_K_BEFORE}"
    # the native words for a number of days: "닷새 전" (five days ago), "사흘 전에"
    rf"|(?<![가-힣])(?P<kd>하루|이틀|사흘|나흘|닷새|엿새|이레|여드레|아흐레|열흘|보름)\s?{_K_BEFORE}"
)
_KO_NUMERALS: Final = {"한": 1, "두": 2, "세": 3, "네": 4, "일": 1}
_KO_DAY_COUNTS: Final = {
    "하루": 1,
    "이틀": 2,
    "사흘": 3,
    "나흘": 4,
    "닷새": 5,
    "엿새": 6,
    "이레": 7,
    "여드레": 8,
    "아흐레": 9,
    "열흘": 10,
    "보름": 15,
}

#: A time after the day the story last named, counted from it: "three days later", "a week later",
#: "the following day", "사흘 뒤", "3일 후", "일주일 뒤", "이튿날" (a return told after its arrest's day).
#: The match begins at the unit or at 뒤/후 (rare openings, so the scanner skips most of a text); the
#: count before it is read by the handler (``_LATER_COUNT_EN``, ``_LATER_COUNT_KO``), which also moves
#: the mention's start to it.
_LATER = re.compile(
    r"(?i:\b(?P<later>later)\b|\b(?P<day>day)\b)|(?P<after>뒤|후)(?![가-힣])|(?P<nal>튿날|날)(?![가-힣])"
)
_LATER_COUNT_EN: Final = re.compile(
    r"(?i:\b(?P<n>\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen)"
    r"\s+(?P<unit>days?|weeks?)\s+$)"
)
_NEXT_DAY_EN: Final = re.compile(r"(?i:\b(?:the\s+)?(?:following|next)\s+$)")
_LATER_COUNT_KO: Final = re.compile(
    r"(?:(?<![가-힣\d])(?P<kn>\d{1,2})\s?(?P<ku>일|주)|(?<![가-힣])(?P<kd>하루|이틀|사흘|나흘|닷새|엿새|이레|열흘|보름|일주일))"
    r"\s?$"
)
_NEXT_DAY_KO: Final = re.compile(r"(?<![가-힣])다음\s?$")  # before 날 ("이날" is that same day)
_SECOND_DAY_KO: Final = re.compile(r"이$")  # before 튿날
#: How far back (in characters) the day a later time is counted from may stand.
LATER_REACH: Final = 300
# Korean weekdays ("지난 금요일", "지난주 화요일", "목요일(현지시간)"); "오는 금요일" is ahead.
_K_WD = re.compile(
    r"(?<![가-힣])(?:(?P<rel>지난|이번|오는)\s?(?:주\s?)?)?(?P<kwd>[월화수목금토일])요일(?!마다|에는\s?늘)(?:\s?(?P<part>오전|오후|밤|새벽|저녁))?"
)
#: The one-syllable day forms of the language data (``ko.json``): 월 0 (Monday) .. 일 6.
_KO_WEEKDAYS: Final = {word: day for word, day in language_calendar("ko").weekdays.items() if len(word) == 1}
# Whole words only: "오늘날" is "nowadays", and "전달" is "the previous month" only when no
# verb or noun ending follows it ("전달했다", "전달을": delivered, delivery).
_K_REL = re.compile(
    r"(?<![가-힣])(?P<w>지난\s?달|전달(?=\s?(?:초순|초|중순|하순|말)|[^가-힣]|$)|이달|이번\s?달|지난\s?주말|지난\s?주|이번\s?주"
    r"|어제|그제|그저께|오늘(?!날)|지난해|작년|올해|금년|올(?=\s?(?:초|말|상반기|하반기)(?![가-힣]))"
    r"|(?P<yp>연초|연말)(?![가-힣]))"
    r"(?:\s?(?P<mod>초순|초|중순|하순|말|상반기|하반기))?"
)
# A span back from the report: "지난 3년간", "최근 6개월 동안", "지난 2주 사이".
_K_SPAN = re.compile(
    r"(?<![가-힣])(?:지난|최근)\s?(?P<n>\d{1,2}|한|두|세|네|다섯)\s?(?P<unit>년|개월|달|주)\s?(?:간|동안|사이)"
)
# A season named relative to the report: "last winter", "this spring", "the autumn of last year",
# "지난 겨울", "작년 가을", "올 여름".
_REL_SEASON = re.compile(
    r"(?i:\b(?P<rel>last|this|past)\s+(?P<season>spring|summer|autumn|fall|winter)\b"
    r"|\b(?P<season2>spring|summer|autumn|fall|winter)\s+(?:of\s+)?(?P<ly>last|this)\s+year\b)"
    r"|(?<![가-힣])(?P<krel>지난|작년|지난해|올해|올|금년|이번)\s?(?P<kseason>봄|여름|가을|겨울)(?![가-힣])"
)

_MONTH_NUM: Final = dict(language_calendar("en").months.items())
_WEEKDAY_NUM: Final = language_calendar("en").weekday_names
_FULL_MONTHS: Final = frozenset(
    name for name in language_calendar("en").months if len(name) > 4 or name in ("may", "june", "july")
)
_BARE_MONTH_BEFORE = re.compile(
    r"(?i:\b(?:in|since|of|early|mid|late|last|this|until|by|during|from|between|and|to|end\s+of|beginning\s+of|"
    r"through|before|after)\s*-?\s*)$"
)


def bare_month_cue(text: str, start: int) -> bool:
    """``_BARE_MONTH_BEFORE.search(text, 0, start)``, reading only the words just before ``start``.

    The pattern is anchored at ``start`` (``$``) and what it matches is a cue
    word or two ("end of") and a tail of spaces and a hyphen, so a match can
    only begin within the run of spaces and hyphens before ``start``, the word
    before that, more spaces and one more word. Searching from there gives the
    same answer as searching from the beginning of the text (``\\b`` and
    look-behinds still see the text before the window) without reading the
    whole document again for every bare month name.
    """
    pos = start
    while pos > 0 and (text[pos - 1].isspace() or text[pos - 1] == "-"):
        pos -= 1
    for stop in (str.isalpha, str.isspace, str.isalpha):
        while pos > 0 and stop(text[pos - 1]):
            pos -= 1
    return _BARE_MONTH_BEFORE.search(text, pos, start) is not None


#: A word between a reporting verb and its date ("said late on Monday", "told reporters on Monday"),
#: but not one of a clause of its own ("said she was repatriated in 2015": that date is the clause's).
_REPORT_GAP_WORD: Final = (
    r"(?:\s+(?!(?:i|you|he|she|it|we|they|was|were|is|are|had|has|have|been|being|be|will|would)\b)"
    r"(?![\w'’]+ed\b)[\w.'’]+)"
)
_REPORT_BEFORE = WindowPattern(
    re.compile(
        rf"(?i:\b(?:{EN.pattern('report_before')})\b{_REPORT_GAP_WORD}{{0,3}}?\s+(?:on\s+|in\s+|at\s+)?)$"
    )
)
_REPORT_AFTER_EN = re.compile(rf"(?i:^\s*(?:{EN.pattern('report_after')})\b)")
_REPORT_AFTER_KO = WindowPattern(re.compile(KO.pattern("report_after")))
# A day that opens a sentence and is followed by a short subject and a reporting verb dates
# the statement, whatever the word order: "On Tuesday, the ministry said ..." is the same
# as "the ministry said on Tuesday ...". The subject is at most four plain words, so that
# "On Tuesday police arrested 15 and said ..." keeps its event date.
_SENTENCE_OPENING = re.compile(r"(?:^|[.!?\n]\s*)(?i:on\s+)?$")
_SUBJECT_THEN_REPORT = re.compile(
    rf"(?i:^,?\s+(?:[a-z][\w'’.-]*\s+){{1,4}}?(?:{EN.pattern('report_before')})\b)"
)
# A date the clause puts ahead: "will be deported on Friday", "said they would be returned on
# October 30", "is scheduled for May 3", "the deadline of June 1". Narrative "would later" and
# "would have" tell the past; a comma or a sentence end between cue and date breaks the clause.
_FUTURE_BEFORE = WindowPattern(re.compile(alternation("future_before", bounded=False)))
# Korean: "오는 20일" (the coming 20th), "내년 3월" (next year's March).
_FUTURE_REL: Final = word_set("future_relative_before")
_FUTURE_AFTER = re.compile(alternation("future_after", bounded=False))
# "단체는 14일 이들이 지난 12일 체포됐다고 밝혔다": a day right after the sentence's topic, in a
# sentence that ends by reporting what was said, dates the saying (Korean puts the verb last).
_TOPIC_OPENING_KO = re.compile(
    r"(?:^|[.!?\n]\s*)(?:[^\s.!?\n\d]+\s){0,3}[^\s.!?\n\d]*[가-힣)A-Za-z](?:은|는|이|가)\s?$"
)
_REPORTED_END_KO = re.compile(alternation("reported_end", bounded=False))
_SENTENCE_END = re.compile(r"[.!?\n]")
# A dateline ("TUMEN, June 3 (Fictional Wire) --", "TUMEN, China, May 3, 2031 -"): the day of filing.
_DATELINE_BEFORE = re.compile(r"(?:^|\n)[ \t]*[A-Z][A-Z .'-]{2,30}(?:,\s*[A-Z][A-Za-z .]{2,30})?,\s+$")
_DATELINE_AFTER = re.compile(r"(?:,?\s*\d{4})?\s*(?:\([A-Za-z .&-]{2,30}\)\s*)?[-–—]")
# "… 보고서에서 이렇게 설명했다": a sentence that only says that something was said (the content is
# in the sentences before); a day in it is the day of saying.
_SAID_SO_KO = re.compile(alternation("said_so", bounded=False))
_SPEAKER_AFTER_KO = re.compile(alternation("speaker_after_quote", bounded=False))
# "The ministry on Monday denied the claims", "Seoul on Tuesday urged Beijing to …": a day between a
# subject and a verb of saying dates the statement (the verbs that report a speech act, not an arrest).
# ... but not when a verb comes first: "who was arrested on Tuesday said" dates the arrest.
_VERB_BEFORE = re.compile(alternation("verb_before_date", bounded=False))
_STATEMENT_AFTER_EN = re.compile(alternation("statement_after", bounded=False))
_SAME_YEAR_KO = re.compile(alternation("same_year_before", bounded=False))
# "as of 30 July", "30일 (밤) 현재", "30일 기준": the day a figure or state was read, not an event.
_AS_OF_BEFORE = WindowPattern(re.compile(alternation("as_of_before", bounded=False)))
_AS_OF_AFTER_KO = re.compile(alternation("as_of_after", bounded=False))
# Words that say "now" for whoever speaks: inside a quotation they are the speaker's day.
_SPEAKER_DAYS: Final = word_set("speaker_days")
_SINCE_BEFORE = WindowPattern(
    re.compile(rf"(?i:\b(?:{EN.pattern('since_before')})\s+(?:the\s+)?(?:end\s+of\s+)?)$")
)
_SINCE_AFTER = WindowPattern(re.compile(alternation("since_after", bounded=False)))
# Two dates joined as one period ("from March to May", "between 2019 and 2021", "1월부터
# 3월까지", "7월에서 12월 사이").
_RANGE_GAP = re.compile(rf"(?i:^(?:{EN.pattern('range_gap')}|{KO.pattern('range_gap')}|-|–|~)$)")
_RANGE_OPEN = re.compile(rf"(?i:\b(?:{EN.pattern('range_open')})\s+(?:the\s+)?$)")
# A date in a relative clause of someone's own earlier move dates that person's life.
_LIFE_BEFORE_EN = WindowPattern(
    re.compile(
        rf"(?i:\b(?:{EN.pattern('life_clause_before')})\s+(?:{EN.pattern('life_verbs')})\b[^.;:!?,\"“”\n]{{0,40}}$)"
    )
)
_LIFE_AFTER_KO = re.compile(KO.pattern("life_after"))

Interval = tuple[dt.date | None, dt.date | None, Precision, bool]
_UNKNOWN: Final[Interval] = (None, None, "unknown", False)


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _part_of_month(year: int, month: int, mod: str | None) -> Interval:
    lo, hi = _month_span(year, month)
    if not mod:
        return lo, hi, "month", False
    mod = mod.lower()
    if "half" in mod:  # "the first half of this month"
        middle = dt.date(year, month, 15)
        if "first" in mod:
            return lo, middle, "range", False
        return middle + dt.timedelta(days=1), hi, "range", False
    if mod.startswith(("early", "the beginning", "the start")) or mod in ("초", "초순"):
        return lo, dt.date(year, month, 10), "range", False
    if mod.startswith(("mid", "the middle")) or mod == "중순":
        return dt.date(year, month, 11), dt.date(year, month, 20), "range", False
    if mod.startswith(("late", "the end")) or mod in ("말", "하순"):
        return dt.date(year, month, 21), hi, "range", False
    return lo, hi, "month", False


def _part_of_year(year: int, mod: str | None) -> Interval:
    if not mod:
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year", False
    mod = mod.lower()
    if "half" in mod:  # "the first half of last year", "올해 상반기"
        if "first" in mod:
            return dt.date(year, 1, 1), dt.date(year, 6, 30), "range", False
        return dt.date(year, 7, 1), dt.date(year, 12, 31), "range", False
    if mod.startswith(("early", "the beginning", "the start")):
        return dt.date(year, 1, 1), dt.date(year, 4, 30), "range", False
    if mod.startswith(("mid", "the middle")):
        return dt.date(year, 5, 1), dt.date(year, 8, 31), "range", False
    return dt.date(year, 9, 1), dt.date(year, 12, 31), "range", False


def _day(year: int, month: int, day: int) -> Interval:
    try:
        d = dt.date(year, month, day)
    except ValueError:
        return _UNKNOWN
    return d, d, "day", False


def _year_for(
    month: int,
    day: int | None,
    anchor: dt.date | None,
    carried: tuple[int, dt.date | None] | None,
    latest: dt.date | None = None,
) -> int | None:
    """The year of a yearless date: carried from context, else the latest one not after the anchor.

    ``carried`` is the year of the date written shortly before, and that date's first
    day when it is in the same sentence. The carried year holds unless it would put the
    date after the latest day the report can have been written (``latest``, the anchor
    itself when it is a day). When it would put the date wholly before the earlier date
    of its sentence, the next year is taken if the report can have been written by
    then: one sentence tells a story forwards ("caught at the end of last year and
    repatriated in March"; "detained in December 2019 and handed over in mid-January"),
    while "on 3 March 2019 ... and on 5 April" keeps 2019.
    """
    bound = latest or anchor

    def fits(year: int) -> bool:
        return bound is None or (year, month, day or 1) <= bound.timetuple()[:3]

    if carried is not None and fits(carried[0]):
        year, since = carried
        if since is not None and _ends_before(year, month, day, since) and fits(year + 1):
            return year + 1
        return year
    if anchor is None:
        return None
    return anchor.year if (month, day or 1) <= (anchor.month, anchor.day) else anchor.year - 1


def _ends_before(year: int, month: int, day: int | None, since: dt.date) -> bool:
    """Whether the day (or, without one, the whole month) lies wholly before ``since``."""
    if day is not None:
        return (year, month, day) < (since.year, since.month, since.day)
    return (year, month) < (since.year, since.month)


def _month_day_range(
    year: int | None, month: int, day: int | None, day2: int | None, mod: str | None, inferred: bool
) -> Interval:
    if year is None:
        return _UNKNOWN
    if day is None:
        lo, hi, precision, _ = _part_of_month(year, month, mod)
        return lo, hi, precision, inferred
    first = _day(year, month, day)
    if first[0] is None:
        return _UNKNOWN
    if day2 is not None and day2 > day:
        last = _day(year, month, day2)
        if last[0] is not None:
            return first[0], last[1], "range", inferred
    return first[0], first[1], "day", inferred


def _shift_days(anchor: dt.date, days: int) -> Interval:
    d = anchor - dt.timedelta(days=days)
    return d, d, "day", False


def _prev_month(anchor: dt.date) -> tuple[int, int]:
    return (anchor.year, anchor.month - 1) if anchor.month > 1 else (anchor.year - 1, 12)


def _weekday(anchor: dt.date | None, weekday: int, rel: str | None) -> Interval:
    if anchor is None:
        return _UNKNOWN
    offset = (anchor.weekday() - weekday) % 7
    if rel and rel.lower() == "last" and offset == 0:
        offset = 7
    return _shift_days(anchor, offset)


def _weekend(anchor: dt.date, *, last: bool = False) -> Interval:
    """The latest Saturday and Sunday not after ``anchor`` ("at the weekend"); with ``last``
    ("last weekend", "지난 주말"), the one before, when the report is written on a weekend."""
    saturday = anchor - dt.timedelta(days=(anchor.weekday() - 5) % 7)
    if last and anchor.weekday() >= 5:
        saturday -= dt.timedelta(days=7)
    return saturday, min(saturday + dt.timedelta(days=1), anchor), "range", False


#: First and last month of each season; winter runs into the next year (month 14 is its February).
_SEASONS: Final = {
    "spring": (3, 5),
    "summer": (6, 8),
    "autumn": (9, 11),
    "fall": (9, 11),
    "winter": (12, 14),
    "봄": (3, 5),
    "여름": (6, 8),
    "가을": (9, 11),
    "겨울": (12, 14),
}


def _span_back(anchor: dt.date, n: int, unit: str) -> Interval:
    """The ``n`` days, weeks, months or years before ``anchor``, up to it ("the past three years")."""
    if unit.startswith(("day", "week")):
        return anchor - dt.timedelta(days=n * (7 if unit.startswith("week") else 1)), anchor, "range", False
    months = n * (12 if unit.startswith("year") else 1)
    year, month = _add_months(anchor.year, anchor.month - months)
    day = min(anchor.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day), anchor, "range", False


def _season_of(year: int, season: str) -> Interval:
    """The months of ``season`` in ``year`` (winter runs into the next year's February)."""
    first, last = _SEASONS[season]
    return dt.date(year, first, 1), _month_span(*_add_months(year, last))[1], "range", False


_KO_YEAR_PARTS: Final = {
    "초": "early",
    "초반": "early",
    "연초": "early",
    "중반": "mid",
    "후반": "late",
    "말": "late",
    "연말": "late",
    "상반기": "the first half of",
    "하반기": "the second half of",
}


#: "초순/중순/하순" (the first, middle, last ten days) said of a year: its early, middle, late part.
_KO_TEN_DAYS: Final = {"초순": "early", "중순": "mid", "하순": "late"}


def _add_months(year: int, month: int) -> tuple[int, int]:
    """``(year, month)`` for a month number that may run past December (13 is next January)."""
    return year + (month - 1) // 12, (month - 1) % 12 + 1


def _number(token: str) -> int:
    if token.lower() in ("a", "an"):
        return 1
    return int(token) if token.isdigit() else numbers("en").words.get(token.lower(), 0)


class _Resolver:
    """Resolves matches in text order, remembering the last written year for carry-over."""

    CARRY_CHARS: Final = 300

    def __init__(self, anchor: dt.date | None, latest: dt.date | None = None) -> None:
        self.anchor = anchor
        #: The latest day the report can have been written: bounds a carried year.
        self.latest = latest if latest is not None else anchor
        #: The last written year, the first day of the date that wrote it, and that date's end offset.
        self.last_year: tuple[int, dt.date, int] | None = None
        #: The year of the last date that named one, None when that year is unknown ("지난해" unanchored).
        self.previous_year: int | None = None
        #: The last day named (its date and end offset): what "three days later" counts from.
        self.last_day: tuple[dt.date, int] | None = None
        #: Where the last later time read begins, its count included (see :meth:`later`).
        self.later_start = 0

    def carried(self, text: str, position: int) -> tuple[int, dt.date | None] | None:
        """The year to carry to a date at ``position``, and the first day of the date it came
        from when that date is in the same sentence (a story told in one sentence runs
        forwards; across sentences, a list of cases may run either way)."""
        if not self.last_year or position - self.last_year[2] > self.CARRY_CHARS:
            return None
        year, since, end = self.last_year
        return year, None if _SENTENCE_END.search(text, end, position) else since

    def iso(self, m: re.Match[str], text: str) -> Interval:
        return _day(int(m["y"]), int(m["m"]), int(m["d"]))

    def month_day(self, m: re.Match[str], text: str) -> Interval | None:
        month = _MONTH_NUM[m["mon"].lower()]
        day = int(m["d"])
        day2 = int(m["d2"]) if m.groupdict().get("d2") else None
        mod = m.groupdict().get("mod")
        if m["y"]:
            return _month_day_range(int(m["y"]), month, day, day2, mod, False)
        if m["ly"]:
            return _month_day_range(self.named_year(m["ly"]), month, day, day2, mod, False)
        year = _year_for(month, day, self.anchor, self.carried(text, m.start()), self.latest)
        return _month_day_range(year, month, day, day2, mod, True)

    def named_year(self, word: str) -> int | None:
        """The year "last year", "this year" or "next year" names, counted from the report's."""
        return None if self.anchor is None else self.anchor.year + _YEAR_WORD_OFFSET[word.lower()]

    def month(self, m: re.Match[str], text: str) -> Interval | None:
        # A month name alone is a date only after a cue ("in April"); a year named after it will do,
        # except for "May", which may be the modal ("they may last year ...").
        needs_cue = not (m["y"] or m["mod"]) and (m["mon"] == "May" or not m["ly"])
        if needs_cue and not bare_month_cue(text, m.start()):
            if not _BARE_MONTH_BEFORE.search(text[max(0, m.start() - 20) : m.start()]):
                return None
        month = _MONTH_NUM[m["mon"].lower()]
        if m["y"]:
            return _part_of_month(int(m["y"]), month, m["mod"])
        if m["ly"]:
            year = self.named_year(m["ly"])
            return _UNKNOWN if year is None else _part_of_month(year, month, m["mod"])
        year = _year_for(month, None, self.anchor, self.carried(text, m.start()), self.latest)
        if year is None:
            return _UNKNOWN
        lo, hi, precision, _ = _part_of_month(year, month, m["mod"])
        return lo, hi, precision, True

    def season(self, m: re.Match[str], text: str) -> Interval:
        groups = m.groupdict()
        if groups.get("half"):
            year = int(groups.get("hy") or m["y"])
            first = groups["half"] in ("first", "상반기")
            if first:
                return dt.date(year, 1, 1), dt.date(year, 6, 30), "range", False
            return dt.date(year, 7, 1), dt.date(year, 12, 31), "range", False
        year = int(m["y"])
        if groups.get("kmod"):
            mod = _KO_YEAR_PARTS[groups["kmod"]]
            return _part_of_year(year, mod)
        return _season_of(year, m["season"].lower())

    def year(self, m: re.Match[str], text: str) -> Interval:
        return _part_of_year(int(m["y"]), m.groupdict().get("mod"))

    def weekday(self, m: re.Match[str], text: str) -> Interval:
        return _weekday(self.anchor, _WEEKDAY_NUM[m["wd"].lower()], m["rel"])

    def k_weekday(self, m: re.Match[str], text: str) -> Interval:
        a = self.anchor
        if a is None or m["rel"] == "오는":
            return _UNKNOWN  # ahead of the report: a future day, not counted backwards
        rel = m["rel"]
        if rel == "지난" and "주" in m.group(0)[2:4]:
            # "지난주 금요일": that weekday of the week before the report's week
            monday = a - dt.timedelta(days=a.weekday() + 7)
            return _shift_days(monday + dt.timedelta(days=_KO_WEEKDAYS[m["kwd"]]), 0)
        return _weekday(a, _KO_WEEKDAYS[m["kwd"]], "last" if rel == "지난" else None)

    def relative(self, m: re.Match[str], text: str) -> Interval:
        a = self.anchor
        if a is None:
            return _UNKNOWN
        if m["day"]:
            word = m["day"].lower()
            return _shift_days(a, 0 if word in ("today", "tonight") else 1)
        if m["su"]:  # "over the past three years": that long before the report, up to it
            return _span_back(a, _number(m["sn"]), m["su"].lower())
        if m["span"]:
            unit = m["span"].lower().split()[-1]
            days = {"week": 7, "month": 31, "year": 365, "days": 4}[unit]
            return a - dt.timedelta(days=days), a, "range", False
        if m["weekend"]:
            return _weekend(a, last=m["weekend"].lower().startswith("last"))
        if m["opening"]:  # "since the start of the month": of the current one
            unit = m["opening"].lower().split()[-1]
            if unit == "week":
                monday = a - dt.timedelta(days=a.weekday())
                return monday, monday, "day", False
            if unit == "month":
                return _part_of_month(a.year, a.month, "early")
            return _part_of_year(a.year, "early")
        if m["earlier"]:
            unit = m["earlier"].lower().split()[-1]
            start = {"week": a - dt.timedelta(days=a.weekday()), "month": a.replace(day=1)}.get(
                unit, dt.date(a.year, 1, 1)
            )
            return start, a, "range", False
        if m["cal"]:
            which, unit = m["cal"].lower().split()
            if unit == "month":
                y, mo = (a.year, a.month) if which == "this" else _prev_month(a)
                return _part_of_month(y, mo, m["calmod"])
            if unit == "year":
                return _part_of_year(a.year if which == "this" else a.year - 1, m["calmod"])
            monday = a - dt.timedelta(days=a.weekday())
            if which == "this":
                return monday, a, "range", False
            return monday - dt.timedelta(days=7), monday - dt.timedelta(days=1), "range", False
        if m["unit"]:
            n = _number(m["n"])
            unit = m["unit"].lower().rstrip("s") + "s"
            if unit == "days":
                return _shift_days(a, n)
            if unit in ("weeks", "fortnights"):
                d = a - dt.timedelta(weeks=n * (2 if unit == "fortnights" else 1))
                return d - dt.timedelta(days=3), d + dt.timedelta(days=3), "range", False
            if unit == "months":
                y, mo = a.year, a.month - n
                while mo < 1:
                    y, mo = y - 1, mo + 12
                return _part_of_month(y, mo, None)
            return _part_of_year(a.year - n, None)
        if m["alone"]:
            day = int(m["alone"])
            if not 1 <= day <= 31:
                return _UNKNOWN
            # the latest such day not after the report (as a Korean "18일" is read)
            y, mo = (a.year, a.month) if day <= a.day else _prev_month(a)
            return _day(y, mo, day)
        y, mo = (a.year, a.month) if m["which"].lower() == "this" else _prev_month(a)
        return _day(y, mo, int(m["nth"]))

    def k_ymd(self, m: re.Match[str], text: str) -> Interval:
        year, month = int(m["y"]), int(m["m"])
        if m["d"]:
            # "2019년 5월 3~5일": a range of days
            return _month_day_range(year, month, int(m["d"]), int(m["d2"]) if m["d2"] else None, None, False)
        return _part_of_month(year, month, m["mod"])

    def k_md(self, m: re.Match[str], text: str) -> Interval | None:
        month = int(m["m"])
        if not 1 <= month <= 12:
            return None
        day = int(m["d"]) if m["d"] else None
        rel = m["rel"]
        a = self.anchor
        if rel in ("지난해", "작년"):
            year = a.year - 1 if a else None
        elif rel in ("올해", "금년", "이번"):
            year = a.year if a else None
        elif rel == "내년":
            year = a.year + 1 if a else None
        elif same := _SAME_YEAR_KO.search(text, max(0, m.start() - 10), m.start()):
            # "같은 해 8월 29일": the year of the date named before, known or not; "이듬해": the next one.
            year = self.previous_year + (1 if same["next"] else 0) if self.previous_year is not None else None
            return _month_day_range(year, month, day, int(m["d2"]) if m["d2"] else None, m["mod"], False)
        else:
            year = _year_for(month, day, a, self.carried(text, m.start()), self.latest)
        day2 = int(m["d2"]) if m["d2"] else None
        return _month_day_range(year, month, day, day2, m["mod"], rel is None)

    def k_day(self, m: re.Match[str], text: str) -> Interval | None:
        day = int(m["d"])
        a = self.anchor
        if not 1 <= day <= 31:
            return None
        if a is None:
            return _UNKNOWN
        if m["rel"] == "오는":
            y, mo = (a.year, a.month) if day >= a.day else _add_months(a.year, a.month + 1)
        elif m["rel"] and m["rel"].replace(" ", "") in _LAST_MONTH_KO:
            y, mo = _prev_month(a)  # "지난달 2일": the 2nd of last month, whatever today's day
        else:
            y, mo = (a.year, a.month) if day <= a.day else _prev_month(a)
        return _day(y, mo, day)

    def later(self, m: re.Match[str], text: str) -> Interval | None:
        """A day counted from the last day named before it, close by; no date without one.

        Sets ``later_start``: where the expression begins, its count included ("three days later").
        """
        before = text[max(0, m.start() - 24) : m.start()]
        weeks = False
        if m["later"]:
            count = _LATER_COUNT_EN.search(before)  # "three days later", "a week later"
            if count is None:
                return None  # "later" alone, "months later": no count of days or weeks
            n, weeks = _number(count["n"]), count["unit"].lower().startswith("week")
        elif m["day"]:
            count, n = _NEXT_DAY_EN.search(before), 1  # "the following day", "the next day"
        elif m["after"]:
            count = _LATER_COUNT_KO.search(before)  # "사흘 뒤", "3일 후", "2주 뒤"; not "이후", "직후"
            if count is not None and count["kn"]:
                n, weeks = int(count["kn"]), count["ku"] == "주"
            elif count is not None:
                n, weeks = (1, True) if count["kd"] == "일주일" else (_KO_DAY_COUNTS[count["kd"]], False)
        else:  # "다음날", "다음 날", "이튿날"
            count, n = (_NEXT_DAY_KO if m["nal"] == "날" else _SECOND_DAY_KO).search(before), 1
        if count is None:
            return None
        self.later_start = m.start() - len(before) + count.start()
        if self.last_day is None or m.start() - self.last_day[1] > LATER_REACH:
            return None
        base = self.last_day[0]
        if weeks:
            d = base + dt.timedelta(weeks=n)
            lo, hi = d - dt.timedelta(days=3), d + dt.timedelta(days=3)
        else:
            lo = hi = base + dt.timedelta(days=n)
        if self.latest is not None and lo > self.latest:
            return None  # after the report was written: the day counted from was misread
        return lo, hi, ("range" if weeks else "day"), False

    def k_ago(self, m: re.Match[str], text: str) -> Interval:
        a = self.anchor
        if a is None:
            return _UNKNOWN
        if m["kd"]:
            return _shift_days(a, _KO_DAY_COUNTS[m["kd"]])
        n, unit = (int(m["n"]) if m["n"] else _KO_NUMERALS[m["kn"]]), m["unit"]
        if unit == "일":
            return _shift_days(a, n)
        if unit in ("주", "주일"):
            d = a - dt.timedelta(weeks=n)
            return d - dt.timedelta(days=3), d + dt.timedelta(days=3), "range", False
        if unit in ("개월", "달"):
            y, mo = a.year, a.month - n
            while mo < 1:
                y, mo = y - 1, mo + 12
            return _part_of_month(y, mo, None)
        return _part_of_year(a.year - n, None)

    def k_rel(self, m: re.Match[str], text: str) -> Interval:
        a = self.anchor
        if a is None:
            return _UNKNOWN
        word = re.sub(r"\s", "", m["w"])
        mod = m["mod"]
        if word in ("지난달", "전달"):
            return _part_of_month(*_prev_month(a), mod)
        if word in ("이달", "이번달"):
            return _part_of_month(a.year, a.month, mod)
        if word == "지난주말":
            return _weekend(a, last=True)
        if word == "지난주":
            monday = a - dt.timedelta(days=a.weekday())
            return monday - dt.timedelta(days=7), monday - dt.timedelta(days=1), "range", False
        if word == "이번주":
            return a - dt.timedelta(days=a.weekday()), a, "range", False
        if word in ("어제", "그제", "그저께", "오늘"):
            return _shift_days(a, {"어제": 1, "오늘": 0}.get(word, 2))
        if m["yp"]:
            # "연말": the end of the year now ending or last ended; "연초": this year's start
            year = a.year if m["yp"] == "연초" or a.month >= 11 else a.year - 1
            return _part_of_year(year, _KO_YEAR_PARTS[m["yp"]])
        part = _KO_YEAR_PARTS.get(mod or "") or _KO_TEN_DAYS.get(mod or "")
        if word in ("지난해", "작년"):
            return _part_of_year(a.year - 1, part)
        return _part_of_year(a.year, part)

    def k_span(self, m: re.Match[str], text: str) -> Interval:
        a = self.anchor
        if a is None:
            return _UNKNOWN
        n = int(m["n"]) if m["n"].isdigit() else _KO_NUMERALS.get(m["n"], 5)
        unit = {"년": "years", "개월": "months", "달": "months", "주": "weeks"}[m["unit"]]
        return _span_back(a, n, unit)

    def rel_season(self, m: re.Match[str], text: str) -> Interval:
        """A season counted from the report: "last" the latest one over before it was written, "this"
        the one of its year (unknown while still to come), "of last year" the one of the year before."""
        a = self.anchor
        if a is None:
            return _UNKNOWN
        season = (m["season"] or m["season2"] or m["kseason"]).lower()
        rel = (m["rel"] or m["ly"] or m["krel"]).lower()
        if rel in ("작년", "지난해") or (m["ly"] and rel == "last"):
            return _season_of(a.year - 1, season)
        if rel in ("last", "past", "지난"):
            year = a.year
            while (found := _season_of(year, season))[1] >= a:  # type: ignore[operator]
                year -= 1
            return found
        found = _season_of(a.year, season)
        if found[0] > a and season in ("winter", "겨울"):  # type: ignore[operator]
            found = _season_of(a.year - 1, season)  # the winter the report may be written in
            return found if a <= found[1] else _UNKNOWN  # type: ignore[operator]
        return found if found[0] <= a else _UNKNOWN  # type: ignore[operator]


_Handler = Callable[[_Resolver, re.Match[str], str], "Interval | None"]
_PATTERNS: Final[tuple[tuple[re.Pattern[str], _Handler], ...]] = (
    (_ISO, _Resolver.iso),
    (_K_YMD, _Resolver.k_ymd),
    (_MDY, _Resolver.month_day),
    (_DMY, _Resolver.month_day),
    (_MY, _Resolver.month),
    (_Y, _Resolver.year),
    (_SEASON, _Resolver.season),
    (_K_SEASON, _Resolver.season),
    (_WD, _Resolver.weekday),
    (_K_WD, _Resolver.k_weekday),
    (_REL, _Resolver.relative),
    (_REL_SEASON, _Resolver.rel_season),
    (_K_SPAN, _Resolver.k_span),
    (_K_Y_BOUND, _Resolver.year),
    (_K_AGO, _Resolver.k_ago),
    (_LATER, _Resolver.later),
    (_K_MD, _Resolver.k_md),
    (_K_D, _Resolver.k_day),
    (_K_REL, _Resolver.k_rel),
)


_SCANNERS: Final = tuple((Scanner(pattern), handler) for pattern, handler in _PATTERNS)


def joined(text: str, a: DateMention, b: DateMention) -> bool:
    """Whether ``a`` and ``b`` (in that order) are the two ends of one period ("March to May")."""
    gap = text[a.end : b.start].strip()
    if not _RANGE_GAP.match(gap):
        return False
    return gap.lower() != "and" or bool(_RANGE_OPEN.search(text[max(0, a.start - 12) : a.start]))


def _role(
    text: str, start: int, end: int, match: re.Match[str], precision: str, *, bounds: bool = True
) -> str:
    """What the date is the time of; ``bounds=False`` looks past "since"/"부터" (for a closed period)."""
    before = text[max(0, start - 60) : start]
    after = text[end : end + 20]
    low_before, low_after = window_lowered(before), window_lowered(after)
    # "since 2019" and "until 2020" carry their preposition inside the match.
    bound = (match.groupdict().get("prep") or "").lower() in ("since", "until")
    if bounds and (
        bound or _SINCE_BEFORE.search(before, low_before) or _SINCE_AFTER.search(after, low_after)
    ):
        return "since"
    if (
        _REPORT_BEFORE.search(before, low_before)
        or _REPORT_AFTER_EN.search(after)
        or _REPORT_AFTER_KO.search(after, low_after)
    ):
        return "report"
    if _AS_OF_BEFORE.search(before, low_before) or _AS_OF_AFTER_KO.search(after):
        return "report"
    if _DATELINE_BEFORE.search(before) and _DATELINE_AFTER.match(after):
        return "report"
    if (
        precision == "day"
        and _SENTENCE_OPENING.search(text, max(0, start - 10), start)
        and _SUBJECT_THEN_REPORT.match(text[end : end + 60])
    ):
        return "report"
    if (
        precision == "day"
        and (_reported_by_topic(text, start, end) or _said_so(text, end))
        and not _in_quotation(text, start)  # the quoted speaker's day is the event's, not the statement's
    ):
        return "report"
    if (
        precision == "day"
        and _STATEMENT_AFTER_EN.match(text[end : end + 40])
        and not _SENTENCE_OPENING.search(text, max(0, start - 10), start)
        and not _VERB_BEFORE.search(text, max(0, start - 30), start)
    ):
        return "report"
    if (
        _FUTURE_BEFORE.search(before, low_before)
        or (match.groupdict().get("rel") or "") in _FUTURE_REL
        or _FUTURE_AFTER.match(after)
    ):
        return "future"
    if _LIFE_BEFORE_EN.search(before, low_before) or _LIFE_AFTER_KO.match(text[end : end + 60]):
        return "background"
    return "event"


#: Right after a Korean day: it opens a period ("25일부터", "25일~28일").
_PERIOD_OPENS_KO: Final = re.compile(r"\s?(?:부터|[~∼～\-–])")


def _reported_by_topic(text: str, start: int, end: int) -> bool:
    """A Korean day after the sentence's topic, in a sentence ending "...다고 밝혔다", dates the statement."""
    if not _TOPIC_OPENING_KO.search(text, max(0, start - 40), start):
        return False
    if _PERIOD_OPENS_KO.match(text, end):
        return False  # "그는 지난달 25일부터 28일 ...": the day opens a period, no saying lasts days
    stop = _SENTENCE_END.search(text, end, end + 300)
    tail = text[end : stop.start() if stop else end + 300].rstrip()
    if _REPORTED_END_KO.search(tail[-40:]) is None or not tail.endswith(("다", "습니다")):
        return False
    # "경찰이 18일 ... 체포했다고 한 단체가 전했다": the speaker comes after the quoted clause, so the
    # opening subject is the clause's own and so is its day (unless the clause is itself a saying)
    speaker = _SPEAKER_AFTER_KO.search(tail[-60:])
    return speaker is None or speaker["said"] is not None


def _said_so(text: str, end: int) -> bool:
    """A Korean sentence that ends "이같이 밝혔다": it reports the saying, so its day is the statement's."""
    stop = _SENTENCE_END.search(text, end, end + 300)
    tail = text[end : stop.start() if stop else end + 300].rstrip()
    return _SAID_SO_KO.search(tail[-30:]) is not None


_OPEN_SINGLE_QUOTE = re.compile(r"(?:^|\s)'(?=\S)[^'\n]*$")


def _in_quotation(text: str, start: int) -> bool:
    """Whether ``start`` lies inside a quotation opened earlier in its paragraph."""
    line = text.rfind("\n", max(0, start - 400), start) + 1
    head = text[max(line, start - 400) : start]
    if head.count("“") > head.count("”") or head.count("‘") > head.count("’"):
        return True
    # A straight single quote opens a quotation after a space ("소식통은 '중국이 …"), not inside a word
    # ("China's"), and nothing closes it before ``start``.
    return head.count('"') % 2 == 1 or _OPEN_SINGLE_QUOTE.search(head) is not None


def _anchored(handler: _Handler, interval: Interval) -> bool:
    """Whether the interval was placed by counting from the anchor (not written out in full)."""
    return interval[3] or handler in (
        _Resolver.weekday,
        _Resolver.relative,
        _Resolver.k_ago,
        _Resolver.k_rel,
        _Resolver.rel_season,
        _Resolver.k_span,
        _Resolver.k_weekday,
    )


def anchor_window(anchor: dt.date | ReferenceDate | None) -> tuple[dt.date | None, dt.date | None]:
    """The earliest and latest day a report can have been written, as far as ``anchor`` says.

    An open interval (only a lower bound known) gives no window at all: nothing can be
    resolved against it, and a carried year is not bounded by it.
    """
    if anchor is None:
        return None, None
    if isinstance(anchor, dt.date):
        return anchor, anchor
    start, end = anchor.window()
    return (None, None) if end is None else (start, end)


def find_dates(text: str, anchor: dt.date | ReferenceDate | None) -> list[DateMention]:
    """All date expressions in ``text``, leftmost-longest, resolved against ``anchor``.

    ``anchor`` is the report's day, or its :class:`ReferenceDate` when only a month, a
    year or an interval is known. Against a period, an expression is resolved at its
    first and at its last day and kept only when both agree: with the month known
    "in March" and "last month" resolve, "yesterday" does not; with only the year,
    "last October" does not either, since it depends on the month of writing.

    Examples:
        >>> found = find_dates("Fictional: held in mid-March.", dt.date(2031, 4, 24))
        >>> [(d.text, str(d.lo), d.precision) for d in found]
        [('mid-March', '2031-03-11', 'range')]
    """
    found: list[tuple[int, int, re.Match[str], _Handler]] = []
    for scanner, handler in _SCANNERS:
        for m in scanner.finditer(text):
            if m.end() > m.start() and text[m.start() : m.end()].strip():
                found.append((m.start(), -m.end(), m, handler))
    found.sort(key=lambda item: (item[0], item[1]))
    first, last = anchor_window(anchor)
    resolver = _Resolver(first, last)
    mentions: list[DateMention] = []
    matches: list[re.Match[str]] = []
    last_end = -1
    for start, neg_end, match, handler in found:
        end = -neg_end
        if start < last_end:
            continue
        interval = handler(resolver, match, text)
        if interval is None:
            continue
        if first != last and interval[0] is not None:
            resolver.anchor = last
            at_last = handler(resolver, match, text)
            resolver.anchor = first
            if at_last != interval:
                interval = _UNKNOWN
        if handler is _Resolver.later:
            start = resolver.later_start  # the count before the matched unit belongs to the expression
        d2 = match.groupdict().get("d2")
        if d2 and int(d2) <= int(match["d"]):
            # "on May 18 and 18 in Dandong": a second figure that is no later day ends no range of
            # days; it is left to be read as what it is (there, the next group's count)
            end = _ORDINAL_SUFFIX.match(text, match.end("d")).end()  # type: ignore[union-attr]
        start, end = _trim(text, start, end)
        if text[end - 1] == "." and _last_word(text[start:end]) in _FULL_MONTHS:
            end -= 1
        last_end = end
        role = _role(text, start, end, match, interval[2])
        if interval[0] is not None and (
            (role == "future" and _anchored(handler, interval) and match.groupdict().get("rel") != "오는")
            or (_speaker_day(match) and _in_quotation(text, start))
        ):
            # A future date counted backwards, or a quoted speaker's "today": unknown beats wrong.
            interval = _UNKNOWN
        lo, hi, precision, inferred = interval
        if _names_a_year(match):
            resolver.previous_year = lo.year if lo is not None else None
        if (
            (match.groupdict().get("y") or match.groupdict().get("ly"))
            and lo is not None
            and precision in ("day", "month", "range")
        ):
            resolver.last_year = (lo.year, lo, end)
        if lo is not None and precision == "day" and role in ("event", "since"):
            resolver.last_day = (lo, end)
        mention = DateMention(
            start=start,
            end=end,
            text=text[start:end],
            lo=lo,
            hi=hi,
            precision=precision if lo is not None else "unknown",
            role=role,
            year_inferred=inferred,
        )
        mentions.append(mention)
        matches.append(match)
    return _year_from_same_day(_close_periods(text, mentions, matches))


def _year_from_same_day(mentions: list[DateMention]) -> list[DateMention]:
    """Give a day written without its year the year the text gives the same day elsewhere.

    A timeline row "May 10 ... detained in Laos" above "caught on May 10, 2013"
    names one day twice; counted back from the report's date it could land in
    the wrong year.
    """
    written: dict[tuple[int, int], set[int]] = {}
    for m in mentions:
        if m.precision == "day" and m.lo is not None and not m.year_inferred:
            written.setdefault((m.lo.month, m.lo.day), set()).add(m.lo.year)
    if not written:
        return mentions
    out = []
    for m in mentions:
        years = written.get((m.lo.month, m.lo.day), set()) if m.lo is not None else set()
        if m.precision == "day" and m.year_inferred and m.lo is not None and len(years) == 1:
            (year,) = years
            if year != m.lo.year:
                m = with_year(m, year)
        out.append(m)
    return out


def _close_periods(text: str, mentions: list[DateMention], matches: list[re.Match[str]]) -> list[DateMention]:
    """Give both ends of a closed period the role the period has in its sentence.

    "From mid-January to March", "1월 중순부터 3월까지": the first end reads as a
    bound ("since") and, in Korean, so does the second; but a period closed at both
    ends is the time the event took, not the start of a running total. Open bounds
    ("since 2019", "올해 1월부터") keep their role.
    """
    out = list(mentions)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.role != "since" or b.role not in ("since", "event") or a.lo is None or b.hi is None:
            continue
        if a.lo > b.hi or not joined(text, a, b):
            continue
        role = _role(text, a.start, a.end, matches[i], a.precision, bounds=False)
        if b.role == "since":
            after = _role(text, b.start, b.end, matches[i + 1], b.precision, bounds=False)
            role = after if after != "event" else role
        out[i], out[i + 1] = replace(a, role=role), replace(b, role=role)
    return out


_YEAR_WORDS: Final = frozenset({"지난해", "작년", "올해", "금년", "내년"})


def _names_a_year(match: re.Match[str]) -> bool:
    """Whether the expression names a year, written ("2019년 8월") or relative ("지난해 10월")."""
    groups = match.groupdict()
    if groups.get("y") or groups.get("hy") or groups.get("ly"):
        return True
    return (groups.get("rel") or groups.get("w") or "").replace(" ", "") in _YEAR_WORDS


def _last_word(written: str) -> str:
    """The last word of a date as written, lowercased: "mid-March." gives "march"."""
    return re.split(r"[\s-]", written.rstrip("."))[-1].lower()


def _speaker_day(match: re.Match[str]) -> bool:
    groups = match.groupdict()
    word = groups.get("day") or groups.get("w") or ""
    return " ".join(word.lower().split()) in _SPEAKER_DAYS


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def with_year(mention: DateMention, year: int) -> DateMention:
    """The same yearless mention placed in ``year`` (used when context settles the year)."""
    if mention.lo is None or mention.hi is None or not mention.year_inferred:
        return mention
    try:
        lo, hi = mention.lo.replace(year=year), mention.hi.replace(year=year)
    except ValueError:
        return mention
    return replace(mention, lo=lo, hi=hi)
