"""Tallies: running totals, yearly rates, estimates and head-counts, told apart from incidents.

A figure of people is a tally (INCIDENTS.md, "Incidents and tallies") when the
words around it make it a sum over many events or a count at a moment rather
than one group caught together. The classes of expression, each judged within
the figure's own clause ("… arrested 41 between January and March, and at least
33 are held" holds one incident and one tally):

- **a yearly rate**: "3,000 a year", "every year", "매년", "연간", "年 3000명";
- **a long period**: a closed range longer than about three months ("between July
  2016 and June 2017", "2016년 7월에서 2017년 12월 사이"), or an open one with an
  event that repeats over it ("returned since 2020", "2020년 초 … 이후 북송",
  "올해 1월부터 … 체포"); a state that merely lasts ("held since 3 May") is not;
- **a running total**: "to date", "지금까지", "누적", with an estimated figure;
- **a head-count now**: an estimated figure of people held in the present tense
  ("about 2,000 are held", "최소 33명이 구금돼 있다"), with no date of an event;
- **a population at risk**: an estimated figure of people living or hiding
  somewhere ("over 1,000 living in China");
- **cases**: "51 cases", "nine cases, about 60 people", "3건";
- **a sum the source splits**: a figure that equals two or more groups the same
  document dates separately ("12 arrested": "seven on 2 August … five on 14
  August").

A group the source gives as caught over a short period ("41 arrested between
mid-January and March") stays an incident with a range date.

:func:`mark_tallies` makes the one decision: it moves each tally figure out of
its sentence's counts into ``SentenceMentions.tallies``, so that assembly
(:func:`refwatch.extract.assemble.is_tally`) never seeds an incident from it,
and :func:`tallies_of` turns the same findings into :class:`Tally` records. It
reads only the mentions the finders already found plus a few cue patterns run
over the sentences that hold a figure, so extraction stays linear in the text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from refwatch.domain.incidents import DateInterval, Evidence
from refwatch.domain.tallies import Figure, Rate, Tally, TallyKind, TallyPlace
from refwatch.extract.dates import joined
from refwatch.extract.mentions import CountMention, DateMention, SentenceMentions, Trigger
from refwatch.languages import alternation, calendar, cue_words, numbers

#: A figure for one group caught over at most this many days is an incident with a range date
#: (INCIDENTS.md: "up to about three months"); a longer period makes it a tally.
SHORT_PERIOD_DAYS: Final = 100
#: How many consecutive dated groups may add up to a stated total ("seven on the 2nd, five on the 14th").
MAX_PARTS: Final = 8
_ESTIMATES: Final[frozenset[str]] = frozenset({"about", "at_least"})
_EVENT_TYPES: Final[frozenset[str]] = frozenset({"arrest", "repatriation", "deportation", "crossing"})

#: English month names and abbreviations, lower-cased, from the language data (``en.json``).
_MONTHS_EN: Final = "|".join(sorted(calendar("en").months, key=len, reverse=True))
# The cue patterns below read a lower-cased sentence (:func:`_lower`): case-sensitive patterns run
# several times faster than ``(?i)`` ones in Python's engine.
_CLAUSE_BOUNDARY = re.compile(
    r";\s|:\s|\s[—–]\s|\s--\s|,\s+(?:and|but|while|whereas)\s|\s(?:compared\s+(?:to|with)|while|whereas)\s"
    r"|,?\s+and\s+(?=(?:about|around|some|nearly|almost|at\s+least|more\s+than|over|an\s+estimated|another|"
    r"a\s+further)\b)"
    r"|(?:으며|했고|하였고|됐고|되었고|었고|였고|면서|라며)[,\s]|며,\s|고,\s"
)
_RATE = re.compile(alternation("tally_rate", bounded=False, cased=False))
#: "sentenced to a year", "for a year": a length of time, not a rate.
_NOT_A_RATE_BEFORE = re.compile(r"\b(?:for|to)\s+$")
_CUMULATIVE = re.compile(alternation("tally_cumulative", bounded=False, cased=False))
#: A date's own words naming a part of a month or year: a vague time, not a counting period.
_PART_OF_PERIOD = re.compile(alternation("part_of_period", bounded=False))
_SINCE_YEAR = re.compile(
    r"\bsince\s+(?:(?:early|mid|late|the\s+(?:start|beginning|end)\s+of)[- ]?\s*)?"
    rf"(?:(?:{_MONTHS_EN})\s+)?(?P<y>(?:19|20)\d{{2}})\b"
    r"|(?P<ky>(?:19|20)\d{2})\s?년[^.。\n]{0,30}?(?:이후|이래)"
)
#: Words of a bound that lies close before the report ("last week", "Monday", "지난달", "21일"): a
#: period from it is short even when no reference date says how short.
_RECENT = re.compile(r"week|day|month|yesterday|tonight|recent|주|일|달|어제|오늘|최근")
_YEAR_SPAN = re.compile(
    r"\b(?:between\s+(?P<a>(?:19|20)\d{2})\s+and|from\s+(?P<a2>(?:19|20)\d{2})\s+(?:to|through|until))\s+"
    r"(?P<b>(?:19|20)\d{2})\b"
    r"|(?P<ka>(?:19|20)\d{2})\s?년\s?(?:부터|에서)\s?(?P<kb>(?:19|20)\d{2})\s?년"
)
_COMPARED_SINCE = re.compile(
    r"\b(?:first|largest|biggest|highest|lowest|fewest|most|record)\b[^.;]{0,50}\bsince\b"
    r"|(?:이후|이래)\s?(?:처음|최대|최다|최초|최고|최저)"
)
_HELD_NOW = re.compile(alternation("tally_held", bounded=False, cased=False))
#: Words that name members of a group ("including a child", "어린이 2명 포함"): a group, not a head-count.
_MEMBERS = re.compile(alternation("tally_members", bounded=False, cased=False))
_RESIDENT = re.compile(alternation("tally_resident", bounded=False, cased=False))
_ESTIMATE_CUE = re.compile(alternation("tally_estimate", bounded=False, cased=False))
_EN_NUMBER: Final = "|".join(sorted((re.escape(w) for w in numbers("en").words), key=len, reverse=True))
#: "cases" / "건" first (a literal is cheap to find), then the figure just before it.
_CASE_WORD = re.compile(r"(?i:\bcases\b)|건(?=[\s의이을에,.]|$)")
_CASE_NUMBER_EN = re.compile(
    rf"(?i:\b(?P<n>\d{{1,3}}(?:,\d{{3}})+|\d+|{_EN_NUMBER})\s+(?:(?:documented|known|confirmed|reported|"
    r"separate|such|similar|verified|recorded)\s+)?$)"
)
_CASE_NUMBER_KO = re.compile(r"(?<![\d,.])(?P<n>\d{1,3}(?:,\d{3})+|\d+)\s?$")
#: For each cue pattern, the words (lower case) without one of which it cannot match: substring
#: tests are far cheaper than the patterns, so a clause is searched only for the cues it may hold,
#: and a sentence with none of the tally cues and no period among its dates is passed over.
_CUE_WORDS: Final[dict[str, tuple[tuple[str, ...], ...]]] = {
    # Each cue: groups of words, one word of every group needed ("held" needs a custody word and a
    # word of the present, as "are held" and "구금돼 있다" have).
    # The cues of the language data give their own words (``needs``: see ``schema.json``).
    "rate": cue_words("tally_rate"),
    "since": (("since", "이후", "이래"),),
    "years": (("19", "20"),),  # a span of years ("between 2019 and 2021"), found by _YEAR_SPAN
    "cumulative": cue_words("tally_cumulative"),
    "held": cue_words("tally_held"),
    "resident": cue_words("tally_resident"),
    "cases": (("cases", "건"),),
    "estimate": cue_words("tally_estimate"),
    "members": cue_words("tally_members"),
    "returned": cue_words("tally_returned"),
}
_TALLY_CUES: Final = ("rate", "since", "cumulative", "held", "resident", "cases", "years")
#: Something :data:`_CLAUSE_BOUNDARY` needs: without one, a sentence is one clause.
_BOUNDARY_HINTS: Final = (
    ";",
    ":",
    "—",
    "–",
    "--",
    " and",
    ", but",
    "while",
    "whereas",
    "compared",
    "며",
    "고",
)


def _cues(words: str, names: Iterable[str] = _CUE_WORDS) -> frozenset[str]:
    """The cue categories whose words occur in ``words`` (lower case)."""
    return frozenset(
        name for name in names if all(any(map(words.__contains__, group)) for group in _CUE_WORDS[name])
    )


#: Any word a tally cue needs: most sentences have none, and a substring test per word says so
#: (a custody word alone is common in incidents: "held" also needs a word of the present). An
#: alternation of these words has no first character the engine can skip to: it was tried at
#: every position of every sentence, several times slower than the tests.
_ANY_TALLY_WORDS: Final = tuple(
    w for name in _TALLY_CUES if name not in ("held", "years") for w in _CUE_WORDS[name][0]
)
_TWO_YEARS = re.compile(r"(?:19|20)\d\d\D{1,12}(?:19|20)\d\d")


def _may_hold_tally(low: str) -> bool:
    contains = low.__contains__
    if any(map(contains, _ANY_TALLY_WORDS)) or _TWO_YEARS.search(low):
        return True
    return any(map(contains, _CUE_WORDS["held"][0])) and any(map(contains, _CUE_WORDS["held"][1]))


_RETURNED_CUE = re.compile(alternation("tally_returned", bounded=False, cased=False))
_ORGANISATIONS: Final[tuple[tuple[str, str], ...]] = (
    (r"Human\s+Rights\s+Watch|\bHRW\b|휴먼라이츠워치", "Human Rights Watch"),
    (r"Amnesty(?:\s+International)?|국제앰네스티|앰네스티", "Amnesty International"),
    (r"\bUNHCR\b|유엔난민기구|유엔난민고등판무관", "UNHCR"),
    (
        r"Transitional\s+Justice\s+Working\s+Group|\bTJWG\b|전환기정의워킹그룹",
        "Transitional Justice Working Group",
    ),
    (r"\bNKDB\b|북한인권정보센터", "NKDB"),
    (r"Daily\s?NK|데일리\s?NK", "Daily NK"),
    (r"Radio\s+Free\s+Asia|\bRFA\b|자유아시아방송", "Radio Free Asia"),
    (r"Voice\s+of\s+America|\bVOA\b|미국의소리", "Voice of America"),
    (r"United\s+Nations|\bUN\b|유엔", "United Nations"),
)
_ORGANISATION = re.compile("|".join(f"(?P<o{i}>{p})" for i, (p, _) in enumerate(_ORGANISATIONS)))


@dataclass(slots=True)
class TallyFinding:
    """One tally figure in one sentence, before it becomes a :class:`Tally` record."""

    kind: TallyKind
    figure: Figure
    period: DateInterval = field(default_factory=DateInterval)
    rate: Rate | None = None
    #: Index of the sentence that states it.
    sentence: int = 0


@dataclass(frozen=True, slots=True)
class _Clause:
    start: int
    end: int
    text: str
    triggers: list[Trigger]
    dates: list[DateMention]
    cues: frozenset[str]


def mark_tallies(text: str, found: list[SentenceMentions], anchor: dt.date | None) -> None:
    """Decide which figures are tallies, and move them out of the sentences' counts.

    The clauses of a tally leave the sentence's mentions with its figure (its dates,
    events and places too), so that "41 in July and August, against 51 cases over
    2016-2017" keeps its own months, and "every year hundreds are sent back; last
    month police arrested 9" still seeds the arrest. A sentence of tallies alone is
    skipped by assembly.
    """
    for sm in found:
        if sm.sentence.clutter or not (sm.counts or sm.triggers):
            continue
        if not sm.counts and not _may_count_cases(text[sm.sentence.start : sm.sentence.end]):
            continue  # no figure of people: only "N cases" can make a tally
        low = _lower(text, sm)
        if not _dated_period(sm) and not _may_hold_tally(low):
            continue
        cues = _cues(low)
        _classify_sentence(text, sm, anchor, low, cues)
    _mark_sums(text, found)


def tallies_of(text: str, found: Sequence[SentenceMentions], *, document: str) -> list[Tally]:
    """The :class:`Tally` records of the findings, one per figure: the same figure stated again
    (a headline and its body, "the 12 defectors") adds evidence to the first record."""
    by_figure: dict[tuple[int | str | None, int | None], Tally] = {}
    out: list[Tally] = []
    for i, sm in enumerate(found):
        for finding in sm.tallies:
            s = sm.sentence
            evidence = Evidence(s.start, s.end, text[s.start : s.end])
            figure = finding.figure
            key = (figure.count, figure.count_max) if figure.count is not None else (figure.text, None)
            if key in by_figure:
                by_figure[key].evidence.append(evidence)
                continue
            tally = Tally(
                document=document,
                kind=finding.kind,
                figure=finding.figure,
                period=finding.period,
                rate=finding.rate,
                place=_place(sm),
                source_org=_organisation(text, found, i),
                evidence=[evidence],
            )
            by_figure[key] = tally
            out.append(tally)
    return out


# --- one sentence ------------------------------------------------------------------------------


def _may_count_cases(sentence: str) -> bool:
    return "건" in sentence or "ases" in sentence or "ASES" in sentence


def _dated_period(sm: SentenceMentions) -> bool:
    """Whether the sentence's dates may make a period: a range, a bound, or two dates to join."""
    return len(sm.dates) >= 2 or any(d.role == "since" or d.precision == "range" for d in sm.dates)


def _lower(text: str, sm: SentenceMentions) -> str:
    """The sentence in lower case, for the cue patterns; as it is where lower-casing would change
    its length (a few letters, such as "İ", become two), so that offsets still hold."""
    sentence = text[sm.sentence.start : sm.sentence.end]
    low = sentence.lower()
    return low if len(low) == len(sentence) else sentence


def _clauses(low: str, sm: SentenceMentions) -> list[tuple[int, int]]:
    s = sm.sentence
    if not any(map(low.__contains__, _BOUNDARY_HINTS)):
        return [(s.start, s.end)]
    cuts = [s.start, *(m.end() + s.start for m in _CLAUSE_BOUNDARY.finditer(low)), s.end]
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def _clause_of(
    low: str, sm: SentenceMentions, start: int, spans: list[tuple[int, int]], cues: frozenset[str]
) -> _Clause:
    lo, hi = next(((a, b) for a, b in spans if a <= start < b), (sm.sentence.start, sm.sentence.end))
    return _Clause(
        start=lo,
        end=hi,
        text=(words := low[lo - sm.sentence.start : hi - sm.sentence.start]),
        triggers=[t for t in sm.triggers if lo <= t.start < hi],
        dates=[d for d in sm.dates if lo <= d.start < hi],
        cues=cues if len(spans) == 1 else _cues(words, cues),
    )


def _classify_sentence(
    text: str, sm: SentenceMentions, anchor: dt.date | None, low: str, cues: frozenset[str]
) -> None:
    spans = _clauses(low, sm)
    tallied: list[CountMention] = []
    clauses_used: list[_Clause] = []
    cases = _find_cases(text, sm.sentence.start, sm.sentence.end) if "cases" in cues else []
    case_clauses = {id(m): _clause_of(low, sm, m.start, spans, cues) for m in cases}
    for count in [c for c in sm.counts if c.group == "people"]:
        clause = _clause_of(low, sm, count.start, spans, cues)
        # "nine cases, about 60 people": the clause's one figure of people is the sum of the cases;
        # "in two cases, five were arrested on 3 May and seven on 9 May" lists the incidents instead.
        in_case_clause = (
            any(c.start == clause.start for c in case_clauses.values())
            and sum(1 for c in sm.counts if c.group == "people" and clause.start <= c.start < clause.end) == 1
            and not _event_dates(clause)
        )
        finding = _classify_figure(text, sm, count, clause, anchor, cases_clause=in_case_clause)
        if finding is not None:
            finding.sentence = sm.sentence.index
            sm.tallies.append(finding)
            tallied.append(count)
            clauses_used.append(clause)
    for match in cases:
        clause = case_clauses[id(match)]
        if any(c.start == clause.start for c in clauses_used):
            continue  # "nine cases, about 60 people": the people figure already stands for it
        finding = _cases_finding(text, sm, match, clause, anchor)
        if finding is not None:
            finding.sentence = sm.sentence.index
            sm.tallies.append(finding)
            clauses_used.append(clause)
    if not tallied and not clauses_used:
        return
    # The tally's clauses belong to the tally: their figures, dates, events and places leave the
    # sentence, so that another clause ("…; last month police arrested 9 in Hunchun") seeds its own
    # incident with its own words, and a sentence of tallies alone seeds none.
    sm.counts = [c for c in sm.counts if c not in tallied]
    _strip(sm, [(c.start, c.end) for c in clauses_used])


def _strip(sm: SentenceMentions, spans: list[tuple[int, int]]) -> None:
    """Take the dates, events and places of the tally's clauses out of the sentence's mentions."""

    def inside(position: int) -> bool:
        return any(lo <= position < hi for lo, hi in spans)

    sm.dates = [d for d in sm.dates if not inside(d.start)]
    sm.triggers = [t for t in sm.triggers if not inside(t.start)]
    sm.places = [p for p in sm.places if not inside(p.start)]


def _classify_figure(
    text: str,
    sm: SentenceMentions,
    count: CountMention,
    clause: _Clause,
    anchor: dt.date | None,
    *,
    cases_clause: bool,
) -> TallyFinding | None:
    figure = _figure(count)
    estimate = (
        count.vague
        or count.qualifier in _ESTIMATES
        or ("estimate" in clause.cues and bool(_ESTIMATE_CUE.search(clause.text)))
    )
    triggers = clause.triggers or sm.triggers
    held = "held" in clause.cues and bool(_HELD_NOW.search(clause.text))
    dated = any(d.precision != "year" for d in _event_dates(clause))  # one group's day or month
    if "rate" in clause.cues and not dated and _rate(clause.text) and (triggers or held):
        return TallyFinding(_kind(clause, triggers), figure, _period(clause.dates), rate="per_year")
    long_range = _long_range(text, clause.dates, since="since" in clause.cues) or _year_span(clause)
    if long_range is not None and triggers:
        return TallyFinding(_kind(clause, triggers), figure, long_range)
    if cases_clause and triggers:
        return TallyFinding(_kind(clause, triggers), figure, _period(clause.dates))
    events = [t for t in clause.triggers if set(t.types) & _EVENT_TYPES]
    if events:
        since = _open_since(text, clause, anchor)
        if since is not None:
            return TallyFinding(_kind(clause, events), figure, since)
        if estimate and "cumulative" in clause.cues and _CUMULATIVE.search(clause.text):
            return TallyFinding(_kind(clause, events), figure, _period(clause.dates))
    if estimate and _held_now(sm, clause):
        return TallyFinding("held", figure, _moment(sm, anchor))
    resident = "resident" in clause.cues and bool(_RESIDENT.search(clause.text))
    if estimate and resident and not any(t.realis for t in events):
        return TallyFinding("other", figure, _moment(sm, anchor))
    return None


@dataclass(frozen=True, slots=True)
class _Cases:
    start: int
    end: int
    value: int | None
    text: str


def _find_cases(text: str, start: int, end: int) -> list[_Cases]:
    """ "51 cases", "nine documented cases", "14건" in ``text[start:end]``."""
    out = []
    for word in _CASE_WORD.finditer(text, start, end):
        before = text[max(start, word.start() - 40) : word.start()]
        number = (_CASE_NUMBER_KO if word.group(0) == "건" else _CASE_NUMBER_EN).search(before)
        if number is not None:
            first = word.start() - len(before) + number.start()
            out.append(_Cases(first, word.end(), _number(number.group("n")), text[first : word.end()]))
    return out


def _rate(words: str) -> bool:
    """A yearly rate ("a year", "every year", "매년"), not a length of time ("sentenced to a year")."""
    return any(
        not (m.group(0).startswith("a ") and _NOT_A_RATE_BEFORE.search(words, 0, m.start()))
        for m in _RATE.finditer(words)
    )


def _cases_finding(
    text: str, sm: SentenceMentions, match: _Cases, clause: _Clause, anchor: dt.date | None
) -> TallyFinding | None:
    """ "51 cases", "3건": a number of incidents the source counted, with an event in the sentence."""
    value = match.value
    triggers = [t for t in (clause.triggers or sm.triggers) if set(t.types) & (_EVENT_TYPES | {"detention"})]
    listed = any(c.group == "people" and clause.start <= c.start < clause.end for c in sm.counts)
    if value is None or value < 2 or not triggers or (listed and _event_dates(clause)):
        return None  # "in two cases, five were arrested on 3 May and ...": the incidents themselves
    figure = Figure(value, value, value, "exact", match.text)
    period = _long_range(text, clause.dates) or _open_since(text, clause, anchor) or _period(clause.dates)
    return TallyFinding(_kind(clause, triggers), figure, period)


def _number(token: str) -> int | None:
    t = token.replace(",", "").strip().lower()
    if t.isdigit():
        return int(t)
    return numbers("en").words.get(t)


def _figure(count: CountMention) -> Figure:
    return Figure(count.count, count.count_min, count.count_max, count.qualifier, count.text)


def _kind(clause: _Clause, triggers: Iterable[Trigger]) -> TallyKind:
    types = {t for trigger in triggers for t in trigger.types}
    returned = "returned" in clause.cues and bool(_RETURNED_CUE.search(clause.text))
    if types & {"repatriation", "deportation"} or returned:
        return "returned"
    if "arrest" in types:
        return "arrested"
    if "detention" in types:
        return "held"
    if "crossing" in types:
        return "escaped"
    return "other"


def _event_dates(clause: _Clause) -> list[DateMention]:
    return [d for d in clause.dates if d.role != "report"]


def _held_now(sm: SentenceMentions, clause: _Clause) -> bool:
    """People held now, counted over a country: no event dated, nothing but custody happening,
    no members named.

    A group held in a named city or facility ("more than 20 currently imprisoned in
    Dandong") is read as an incident's status, not as a head-count: the dev annotations
    treat it so, and losing an incident costs more than missing a tally.
    """
    if "held" not in clause.cues or not _HELD_NOW.search(clause.text) or _event_dates(clause):
        return False
    if "members" in clause.cues and _MEMBERS.search(clause.text):
        return False
    if any(t.realis and set(t.types) & (_EVENT_TYPES - {"detention"}) for t in clause.triggers):
        return False
    return not any(
        p.kind not in ("country", "region") and clause.start <= p.start < clause.end for p in sm.places
    )


def _span_days(lo: dt.date | None, hi: dt.date | None) -> int | None:
    return (hi - lo).days if lo is not None and hi is not None else None


def _long_range(text: str, dates: list[DateMention], *, since: bool = False) -> DateInterval | None:
    """A closed period in the clause longer than a short one: one range mention, or two dates
    joined as a range ("July 2016 to June 2017", "2016년 7월에서 2017년 12월 사이").

    A date naming a part of a year ("late last year") is when one group was caught, unless
    the clause counts from it ("since early 2020", "2020년 초 ... 이후": ``since``), and then
    the period runs on from it.
    """
    for d in dates:
        days = _span_days(d.lo, d.hi)
        if d.precision != "range" or days is None or days <= SHORT_PERIOD_DAYS:
            continue
        if not _PART_OF_PERIOD.search(d.text):
            return _interval(d.lo, d.hi, d.text)
        if since:
            return _interval(d.lo, None, d.text)
    for a, b in zip(dates, dates[1:], strict=False):
        if not joined(text, a, b):
            continue
        days = _span_days(a.lo, b.hi)
        if days is not None and days > SHORT_PERIOD_DAYS:
            return _interval(a.lo, b.hi, text[a.start : b.end])
    return None


def _open_since(text: str, clause: _Clause, anchor: dt.date | None) -> DateInterval | None:
    """A period from a bound to the report ("since 2020", "올해 1월부터"), unless it is known to be short.

    A figure the clause dates by an event of its own ("1,000 arrived in 2016, the fewest
    since 2009") is that event's, and the bound belongs to a comparison.
    """
    if any(d.role == "event" for d in clause.dates):
        return None
    if "since" in clause.cues and _COMPARED_SINCE.search(clause.text):
        return None  # "the first since 2019", "2019년 이후 처음": a comparison, not a bound
    closing = {id(b) for a, b in zip(clause.dates, clause.dates[1:], strict=False) if joined(text, a, b)}
    closed = {id(a) for a, b in zip(clause.dates, clause.dates[1:], strict=False) if joined(text, a, b)}
    for d in clause.dates:
        if d.role != "since" or id(d) in closing or id(d) in closed or d.precision == "day":
            continue
        days = _span_days(d.lo, anchor)
        if days is not None and days <= SHORT_PERIOD_DAYS:
            return None
        if days is None and d.lo is None and _RECENT.search(d.text.lower()):
            return None  # "since last week", "지난달부터": short, though the report's date is unknown
        return _interval(d.lo, anchor, d.text, open_end=True)
    match = _SINCE_YEAR.search(clause.text) if "since" in clause.cues else None
    if match is None:
        return None
    year = int(match.group("y") or match.group("ky"))
    return _interval(dt.date(year, 1, 1), anchor, match.group(0), open_end=True)


def _year_span(clause: _Clause) -> DateInterval | None:
    """A span of whole years the clause names ("between 2019 and 2021", "2019-2021", "2019년부터
    2021년까지"): at least a year, so a figure over it is a tally."""
    match = _YEAR_SPAN.search(clause.text) if "years" in clause.cues else None
    if match is None:
        return None
    first = int(match.group("a") or match.group("a2") or match.group("ka"))
    last = int(match.group("b") or match.group("kb"))
    if not first < last <= first + 50:
        return None
    return _interval(dt.date(first, 1, 1), dt.date(last, 12, 31), match.group(0))


def _interval(lo: dt.date | None, hi: dt.date | None, words: str, *, open_end: bool = False) -> DateInterval:
    if lo is None and hi is None:
        return DateInterval(text=words)
    return DateInterval(
        start=lo.isoformat() if lo else None,
        end=hi.isoformat() if hi and not (open_end and lo is None) else None,
        precision="range",
        text=words,
    )


def _period(dates: list[DateMention]) -> DateInterval:
    known = [d for d in dates if d.role != "report"]
    if not known:
        return DateInterval()
    words = " ... ".join(d.text for d in known)
    lows = [d.lo for d in known if d.lo is not None]
    highs = [d.hi for d in known if d.hi is not None]
    if len(lows) != len(known) or len(highs) != len(known):
        return DateInterval(text=words)
    if len(known) == 1:
        return DateInterval(lows[0].isoformat(), highs[0].isoformat(), known[0].precision, words)
    return DateInterval(min(lows).isoformat(), max(highs).isoformat(), "range", words)


def _moment(sm: SentenceMentions, anchor: dt.date | None) -> DateInterval:
    """A head-count's moment: the day the source spoke, else the report's reference date."""
    for d in sm.dates:
        if d.role == "report" and d.lo is not None and d.hi is not None:
            return DateInterval(d.lo.isoformat(), d.hi.isoformat(), d.precision, d.text)
    if anchor is not None:
        return DateInterval(anchor.isoformat(), anchor.isoformat(), "day", None)
    return DateInterval()


# --- sums over the document --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Part:
    count: CountMention
    date: str
    sentence: int
    types: frozenset[str]
    start: int
    end: int


#: Words that make the figures after them parts of a group already named ("of them, 9 in A and 18 in
#: B"): that group is one incident caught in parts, not a sum of incidents.
_PART_OF = re.compile(
    r"(?i:\b(?:of\s+them|of\s+whom|among\s+them|of\s+the\s+group)\b)|이들\s?중|그\s?중|이\s?중|가운데"
)


def _parts(text: str, found: Sequence[SentenceMentions]) -> list[_Part]:
    """Groups the document dates one by one: one figure and one event date each, in text order."""
    parts: list[_Part] = []
    for sm in found:
        if not sm.counts or not sm.dates or sm.sentence.clutter:
            continue
        counts = [c for c in sm.counts if c.group == "people" and not c.vague and c.count is not None]
        dates = [d for d in sm.dates if d.role == "event"]
        if not counts or len(counts) != len(dates):
            continue
        core = {t for tr in sm.triggers if tr.realis and not tr.nominal for t in tr.types} & (
            _EVENT_TYPES | {"detention"}
        )
        if core:
            s = sm.sentence
            parts += [
                _Part(c, d.text, s.index, frozenset(core), s.start, s.end)
                for c, d in zip(counts, dates, strict=True)
            ]
    return parts


def _mark_sums(text: str, found: list[SentenceMentions]) -> None:
    """A figure stated as the sum of two or more groups dated apart in the same document is a tally,
    wherever the document repeats it; a total dated itself, or of another kind of event than its
    parts ("12 arrested on 1 May": "seven returned on the 20th, five on the 28th"), is not."""
    parts = _parts(text, found)
    if len(parts) < 2:
        return
    part_ids = {id(p.count) for p in parts}
    sums: dict[int, list[_Part]] = {}
    for i in range(len(parts)):
        total = parts[i].count.count or 0
        dates = {parts[i].date}
        for j in range(i + 1, min(i + MAX_PARTS, len(parts))):
            if parts[j].date in dates:
                break  # a run holds groups dated apart
            dates.add(parts[j].date)
            total += parts[j].count.count or 0
            sums.setdefault(total, parts[i : j + 1])
    totals: dict[int, list[_Part]] = {}
    for sm in found:
        for c in sm.counts:
            split = sums.get(c.count or -1) if c.group == "people" and id(c) not in part_ids else None
            if split is None or any(p.sentence == sm.sentence.index for p in split):
                continue
            own = {t for tr in sm.triggers for t in tr.types} & (_EVENT_TYPES | {"detention"})
            shared = frozenset.intersection(*(p.types for p in split))
            dated = any(d.role == "event" for d in sm.dates)
            parted = any(_PART_OF.search(text, p.start, p.end) for p in split)  # "of them, 9 ... and 18"
            if not dated and own and own <= shared and not parted:
                totals[c.count or 0] = split
    if not totals:
        return
    for sm in found:
        taken = [c for c in sm.counts if c.count in totals and c.group == "people" and id(c) not in part_ids]
        for c in taken:
            run = totals[c.count or 0]
            sm.tallies.append(
                TallyFinding(
                    _kind_of_types(run[0].types),
                    _figure(c),
                    DateInterval(text=" ... ".join(p.date for p in run)),
                    sentence=sm.sentence.index,
                )
            )
        if taken:
            sm.counts = [c for c in sm.counts if c not in taken]
            spans = _clauses(_lower(text, sm), sm)
            _strip(sm, [(lo, hi) for lo, hi in spans if any(lo <= c.start < hi for c in taken)])


def _kind_of_types(types: frozenset[str]) -> TallyKind:
    if types & {"repatriation", "deportation"}:
        return "returned"
    if "arrest" in types:
        return "arrested"
    return "held" if "detention" in types else "other"


# --- fields of the record ----------------------------------------------------------------------


def _place(sm: SentenceMentions) -> TallyPlace | None:
    """The most specific place the sentence names outside North and South Korea."""
    places = [p for p in sm.places if p.country not in ("KP", "KR")]
    if not places:
        return None
    best = next((p for p in places if p.place or p.admin1), places[0])
    return TallyPlace(best.country, best.admin1, best.place)


def _organisation(text: str, found: Sequence[SentenceMentions], i: int) -> str | None:
    """The organisation the sentence (or the one before it) names, as the figure's likely source."""
    for j in (i, i - 1):
        if j < 0:
            continue
        s = found[j].sentence
        match = _ORGANISATION.search(text, s.start, s.end)
        if match is not None and match.lastgroup is not None:
            return _ORGANISATIONS[int(match.lastgroup[1:])][1]
    return None
