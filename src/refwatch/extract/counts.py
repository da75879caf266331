"""Count mentions: how many people, with the qualifier the text used.

English figures and number words ("eight", "twenty-five", "1,100"), Korean
figures, native numerals ("두 명") and Sino-Korean ones ("십여 명") with the
counter 명 and its qualifiers (약, 여, 가량, 이상), ranges ("500 to 600",
"3~4명") and amounts without a figure ("dozens", "수십 명") are found. A figure
counts people only when a noun for people goes with it (before 명 in Korean,
after the figure in English), so "two buses", "1, 2년가량" and "공안 수십 명"
are not victims.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Final

from refwatch.domain.vocabulary import Qualifier
from refwatch.extract.mentions import CountMention
from refwatch.extract.scan import Scanner
from refwatch.languages import numbers, vocabulary

EN: Final = vocabulary("en")
KO: Final = vocabulary("ko")
ZH: Final = vocabulary("zh")

_EN_WORDS: Final = "|".join(sorted((re.escape(w) for w in numbers("en").words), key=len, reverse=True))
_EN_UNITS: Final = r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
_EN_WORD_NUM: Final = rf"(?:{_EN_WORDS}){_EN_UNITS}"
#: Multipliers after a number ("two dozen", "three hundred", "2 thousand"), each optionally followed
#: by the rest of the figure ("two hundred and fifty", "two thousand three hundred").
_EN_MULTIPLIERS: Final = "|".join(sorted(numbers("en").multipliers, key=len, reverse=True))
_EN_MULTIPLIER: Final = rf"[ \t-]+(?:{_EN_MULTIPLIERS})\b"
_EN_NUM_TAIL: Final = rf"[ \t]+(?:and[ \t]+)?{_EN_WORD_NUM}\b"
# Optional parts written as "(?:...|)": an optional group ("?", "*") of more than a character costs
# the engine a repeat context at every figure it tries, and figures are tried very often.
_EN_NUM: Final = (
    rf"(?:(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{_EN_WORD_NUM})"
    rf"(?:{_EN_MULTIPLIER}(?:{_EN_NUM_TAIL}(?:{_EN_MULTIPLIER}|)|)|))"
)
#: A figure without multipliers, for the frames where "two hundred" is rare ("a group of 12", "five of
#: them"): the shared index follows their openings past the figure, which the multipliers' optional
#: parts would stop, and every number in a text would become a place to try them.
_EN_NUM_PLAIN: Final = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{_EN_WORD_NUM})"
_EN_QUAL: Final = "|".join(
    sorted(
        (re.escape(q).replace(r"\ ", r"\s+") for q in EN.table("qualifiers_before")), key=len, reverse=True
    )
)
_EN_GAP_WORD: Final = (
    r"(?:[ \t]+(?!(?:of|and|or|in|to|from|with|who|were|was|the|a|an|years?|days?|months?|weeks?|"
    r"hours?|times|percent|km|miles|buses|cars)\b)[A-Za-z][\w'’-]*)"
)
_EN_NOUNS: Final = rf"(?:{EN.pattern('victim_nouns')})(?:\s+(?:{EN.pattern('victim_nouns')}))*"


def _en_count(range_word: str) -> str:
    """The English count pattern with ``range_word`` between the figures of a range."""
    return (
        rf"(?i:(?<![\d./:-])\b(?:(?P<qual>{_EN_QUAL})\s+)?(?P<btw>between\s+)?"
        rf"(?P<n>{_EN_NUM})(?!-year|\s*-\s*year|\s*(?:%|percent))(?:-(?P<odd>{EN.pattern('approximate_after')})\b|)"
        rf"(?:[ \t]*{range_word}[ \t]*(?P<n2>{_EN_NUM}))?"
        rf"{_EN_GAP_WORD}{{0,4}}?[ \t]+(?P<noun>{_EN_NOUNS})\b)"
    )


#: "between 5 and 7", else "5 to 7" (or "5-7", "5 or 7").
_EN_COUNT = re.compile(_en_count(r"(?(btw)and|(?:-|–|to|or))"))
#: The same without the condition, which a look-behind cannot hold: it matches
#: wherever ``_EN_COUNT`` does, so the scanner may use it to find candidates.
_EN_COUNT_SCREEN = re.compile(_en_count(r"(?:and|-|–|to|or)"))
_EN_FAMILY = re.compile(rf"(?i:\b(?:a\s+)?family\s+of\s+(?P<n>{_EN_NUM_PLAIN})\b)")
_EN_BARE = re.compile(
    rf"(?i:\b(?:the|these|those|all|among\s+the)\s+(?P<n>{_EN_NUM_PLAIN})(?=\s+(?:{EN.pattern('bare_number_follow')})\b))"
)
_EN_VAGUE = re.compile(
    rf"(?i:\b(?P<vague>{EN.pattern('vague_amounts')})\s+(?:of\s+)?(?:[A-Za-z][\w'’-]*\s+){{0,3}}?(?P<noun>{_EN_NOUNS})\b)"
)

_KO_NATIVE: Final = "|".join(sorted(numbers("ko").words, key=len, reverse=True))
_KO_SINO: Final = r"(?:[이삼사오육칠팔구]?[십백천])+[일이삼사오육칠팔구]?"
#: Sino-Korean units written after digits: "2천", "1만2천", "3백", "2천500" (how news writes large
#: figures; the last digits may stand without a unit).
_KO_MIXED: Final = r"\d{1,4}\s?[만천백](?:\s?\d{1,4}\s?[천백십])*(?:\d{1,3}(?![\d만천백십]))?"
_KO_NUM: Final = (
    rf"(?:{_KO_MIXED}|\d{{1,3}}(?:,\d{{3}})+|\d+|(?<![가-힣])(?:{_KO_NATIVE})|(?<![가-힣]){_KO_SINO})"
)
_KO_COUNT = re.compile(
    rf"(?:(?P<qb>{'|'.join(KO.table('qualifiers_before'))})\s?)?"
    rf"(?:(?P<n>{_KO_NUM})(?:\s?(?:~|∼|-|–|에서|또는)\s?(?P<n2>{_KO_NUM}))?|(?<![가-힣])(?P<vague>{KO.pattern('vague_amounts')}))"
    rf"\s?(?P<yeo>{KO.pattern('approximate_after')})?\s?(?:{KO.pattern('counters')})(?:\s?(?P<qa>{'|'.join(KO.table('qualifiers_after'))}))?"
    rf"(?:의\s?(?P<after>{'|'.join(KO.table('group_nouns'))}))?"
)
_KO_GROUP_BARE = re.compile(
    rf"(?P<g>{'|'.join(KO.table('group_nouns'))})\s?(?P<n>\d+)(?=\s?[,、]|\s?(?:{KO.pattern('counters')}))"
)
_KO_PREV_NOUN = re.compile(r"([가-힣A-Za-z]+)[\s,]*$")
_KO_VICTIM = re.compile(rf"(?:{KO.pattern('victim_nouns')})")
_KO_NON_VICTIM = re.compile(rf"(?:{KO.pattern('non_victim_nouns')})")
_KO_SKIP_TOKENS: Final = frozenset({"등", "총", "모두", "약", "전원", "중"})
_ZH_COUNT = re.compile(
    rf"(?:(?:{ZH.pattern('victim_nouns')})\s?)(?P<n>\d+)\s?(?P<yeo>{ZH.pattern('approximate_after')})?\s?(?:{ZH.pattern('counters')})"
)

_SCAN_EN_COUNT: Final = Scanner(_EN_COUNT, screen=_EN_COUNT_SCREEN)
_SCAN_EN_FAMILY: Final = Scanner(_EN_FAMILY)
_SCAN_EN_FRAMES: Final = Scanner(re.compile(rf"(?i:{EN.pattern('group_frames', num=_EN_NUM_PLAIN)})"))
_SCAN_EN_TOTAL: Final = Scanner(
    re.compile(rf"(?i:{EN.pattern('total_of_people', nouns=_EN_NOUNS, qual=_EN_QUAL, num=_EN_NUM_PLAIN)})")
)
_SCAN_EN_COUPLE: Final = Scanner(re.compile(rf"(?i:{EN.pattern('couple')})"))
_SCAN_KO_COUPLE: Final = Scanner(re.compile(KO.pattern("couple")))
_SCAN_EN_BARE: Final = Scanner(_EN_BARE)
_SCAN_EN_VAGUE: Final = Scanner(_EN_VAGUE)
#: "Five of them": a figure counting a part of the group already described (see ``part_after``).
_SCAN_EN_PART_OF: Final = Scanner(re.compile(rf"(?i:\b(?P<n>{_EN_NUM_PLAIN})(?={EN.pattern('part_after')}))"))
_SCAN_EN_FAMILY_GROUP: Final = Scanner(re.compile(rf"(?i:{EN.pattern('family_group', num=_EN_NUM_PLAIN)})"))
#: A family group headed by a couple ("a North Korean couple and their baby"): two, not one.
_EN_COUPLE_HEAD: Final = re.compile(r"(?i)\bcouple\b")
_EN_FAMILY_MEMBER: Final = re.compile(rf"(?i:{EN.pattern('family_member', num=_EN_NUM_PLAIN)})")
_SCAN_KO_COUNT: Final = Scanner(_KO_COUNT)
_SCAN_KO_GROUP_BARE: Final = Scanner(_KO_GROUP_BARE)
_SCAN_ZH_COUNT: Final = Scanner(_ZH_COUNT)


def _en_number(token: str) -> int | None:
    """Read an English figure: digits, number words, and multipliers after either.

    Examples:
        >>> [_en_number(t) for t in ("1,100", "twenty-five", "a dozen", "two dozen", "2 dozen")]
        [1100, 25, 12, 24, 24]
        >>> [_en_number(t) for t in ("three hundred", "two hundred and fifty", "two thousand three hundred")]
        [300, 250, 2300]
    """
    t = token.lower().replace(",", "").strip()
    if t.isdigit():
        return int(t)
    t = re.sub(r"\s+", " ", t)
    words, units = numbers("en").words, numbers("en").multipliers
    if t in words:
        return words[t]
    total = current = 0
    for part in re.split(r"[- ]+", t):
        if part.isdigit():
            current += int(part)
        elif part in units:
            current = (current or 1) * units[part]
            if units[part] >= 1000:  # "two thousand three hundred": the thousands are closed
                total, current = total + current, 0
        elif part in words:
            current += words[part]
        elif part != "and":
            return None
    return total + current or None


def korean_number(token: str) -> int | None:
    """Read a figure, a native Korean numeral or a Sino-Korean numeral written in Hangul.

    Examples:
        >>> [korean_number(t) for t in ("15", "1,100", "다섯", "스무", "십", "이십오", "백")]
        [15, 1100, 5, 20, 10, 25, 100]
        >>> [korean_number(t) for t in ("2천", "1만2천", "3백", "2천500", "1만2천300")]
        [2000, 12000, 300, 2500, 12300]
    """
    t = token.replace(",", "").strip()
    if t.isdigit():
        return int(t)
    if t[:1].isdigit():
        return _mixed_number(t)
    if t in numbers("ko").words:
        return numbers("ko").words[t]
    total, digit = 0, 0
    for ch in t:
        if ch in numbers("ko").digits:
            digit = numbers("ko").digits[ch]
        elif ch in numbers("ko").units:
            total += (digit or 1) * numbers("ko").units[ch]
            digit = 0
        else:
            return None
    return total + digit or None


def _mixed_number(token: str) -> int | None:
    """Digits with Sino-Korean units after them ("2천" 2,000, "1만2천" 12,000, "2천5백" 2,500)."""
    units = numbers("ko").units
    total = section = 0
    for figure, unit in re.findall(r"(\d+)\s?([만천백십]?)", token):
        value = int(figure)
        if unit == "만":
            total += (section + value) * units[unit]
            section = 0
        else:
            section += value * units[unit] if unit else value
    return total + section or None


def _make(
    start: int,
    end: int,
    text: str,
    n: int | None,
    n2: int | None,
    qualifier: str | None,
    group: str,
    vague: bool = False,
) -> CountMention:
    qual: Qualifier
    if vague or n is None:
        return CountMention(start, end, text[start:end], None, None, None, "unknown", group, True)
    if n2 is not None and n2 > n:
        return CountMention(start, end, text[start:end], n, n, n2, "range", group)
    if qualifier == "about":
        qual = "about"
        return CountMention(start, end, text[start:end], n, n, n, qual, group)
    if qualifier == "at_least":
        return CountMention(start, end, text[start:end], n, n, None, "at_least", group)
    if qualifier == "at_most":
        return CountMention(start, end, text[start:end], n, None, n, "at_most", group)
    return CountMention(start, end, text[start:end], n, n, n, "exact", group)


def _en_group(noun: str) -> str:
    last = noun.lower().split()[-1]
    return EN.table("group_nouns").get(last, "people")


def _find_english(text: str, out: list[CountMention]) -> None:
    for m in _SCAN_EN_COUNT.finditer(text):
        n = _en_number(m["n"])
        n2 = _en_number(m["n2"]) if m["n2"] else None
        if n is not None and 1900 <= n <= 2099 and m["n"].isdigit() and n2 is not None and not m["qual"]:
            # "3 May 2029 - 5 people": a year and a dash before the figure, not a range from the year
            out.append(_make(m.start("n2"), m.end(), text, n2, None, None, _en_group(m["noun"])))
            continue
        if n is None or (1900 <= n <= 2099 and m["n"].isdigit()):
            continue
        qual = (
            EN.table("qualifiers_before").get(re.sub(r"\s+", " ", m["qual"].lower())) if m["qual"] else None
        )
        if m["odd"] and qual is None:
            qual = "about"  # "30-odd": thirty or a few more
        if _EN_HELPER.match(text, m.end()) or _EN_OTHER_NATIONALS.search(m.group()):
            continue  # people who helped the group, or nationals of other states: not the group
        out.append(_make(m.start(), m.end(), text, n, n2, qual, _en_group(m["noun"])))
    for m in _SCAN_EN_FAMILY.finditer(text):
        out.append(_make(m.start(), m.end(), text, _en_number(m["n"]), None, None, "people"))
    for m in _SCAN_EN_FRAMES.finditer(text):
        name = next(g for g in ("n", "n2", "n3", "n4", "n5", "n6") if m[g])
        n = _en_number(m[name])
        if n is not None and not (1900 <= n <= 2099 and m[name].isdigit()):
            out.append(_make(m.start(name), m.end(name), text, n, None, None, "people"))
    for m in _SCAN_EN_TOTAL.finditer(text):
        n = _en_number(m["n"])
        if n is not None and not (1900 <= n <= 2099 and m["n"].isdigit()):
            qual = (
                EN.table("qualifiers_before").get(re.sub(r"\s+", " ", m["qual"].lower()))
                if m["qual"]
                else None
            )
            out.append(_make(m.start("n"), m.end("n"), text, n, None, qual, "people"))
    for m in _SCAN_EN_COUPLE.finditer(text):
        out.append(_make(m.start(), m.end(), text, 2, None, None, "people"))
    for m in _SCAN_EN_BARE.finditer(text):
        out.append(_make(m.start(), m.end(), text, _en_number(m["n"]), None, None, "people"))
    for m in _SCAN_EN_VAGUE.finditer(text):
        out.append(_make(m.start(), m.end(), text, None, None, None, "people", vague=True))
    for m in _SCAN_EN_PART_OF.finditer(text):
        n = _en_number(m["n"])
        if n is not None and not (1900 <= n <= 2099 and m["n"].isdigit()):
            out.append(_make(m.start(), m.end(), text, n, None, None, "people"))
    for m in _SCAN_EN_FAMILY_GROUP.finditer(text):
        total = _family_total(m.group())
        if total is not None:
            out.append(_make(m.start(), m.end(), text, total, None, None, "people"))


def _family_total(group: str) -> int | None:
    """How many people a person named with their kin comes to ("a mother and her two children": 3):
    one (a couple two), and each kin noun one or its figure; None when a plural noun has no figure
    ("her children")."""
    total = 2 if _EN_COUPLE_HEAD.search(group) else 1
    for part in _EN_FAMILY_MEMBER.finditer(group):
        if part["n"]:
            n = _en_number(part["n"])
            if n is None:
                return None
            total += n
        elif part["kin"].lower().endswith(("s", "children", "grandchildren")):
            return None
        else:
            total += 1
    return total


def _ko_counted_noun(text: str, start: int) -> tuple[str | None, int]:
    """The noun just before a Korean count (skipping 등, 총, ...) and where it starts."""
    pos = start
    for _ in range(3):
        m = _KO_PREV_NOUN.search(text, max(0, pos - 30), pos)
        if not m:
            return None, start
        word = m.group(1)
        if word in _KO_SKIP_TOKENS:
            pos = m.start(1)
            continue
        return word, m.start(1)
    return None, start


def _find_korean(text: str, out: list[CountMention]) -> None:
    for m in _SCAN_KO_COUNT.finditer(text):
        noun, noun_start = _ko_counted_noun(text, m.start())
        if noun and _KO_NON_VICTIM.search(noun):
            continue
        group = "people"
        start = m.start()
        if m["after"]:
            group = KO.table("group_nouns")[m["after"]]
        elif noun:
            stem = re.sub(r"(?:들|은|는|이|가|을|를|의|과|와|도)$", "", noun)
            if stem in KO.table("group_nouns"):
                group = KO.table("group_nouns")[stem]
            if _KO_VICTIM.search(noun):
                start = noun_start
        if m["vague"]:
            out.append(_make(start, m.end(), text, None, None, None, group, vague=True))
            continue
        n = korean_number(m["n"])
        n2 = korean_number(m["n2"]) if m["n2"] else None
        qual = None
        if m["yeo"]:
            qual = "about"
        elif m["qa"]:
            qual = KO.table("qualifiers_after")[m["qa"]]
        elif m["qb"]:
            qual = KO.table("qualifiers_before")[m["qb"]]
        out.append(_make(start, m.end(), text, n, n2, qual, group))
    for m in _SCAN_KO_COUPLE.finditer(text):
        out.append(_make(m.start(), m.end(), text, 2, None, None, "people"))
    for m in _SCAN_KO_GROUP_BARE.finditer(text):
        out.append(_make(m.start(), m.end(), text, int(m["n"]), None, None, KO.table("group_nouns")[m["g"]]))
    for m in _SCAN_ZH_COUNT.finditer(text):
        out.append(
            _make(m.start(), m.end(), text, int(m["n"]), None, "about" if m["yeo"] else None, "people")
        )


_EN_SINGULAR = Scanner(
    re.compile(rf"(?i:(?:{EN.pattern('singular_person')})(?!{EN.pattern('singular_then_more')}))")
)
_SCAN_EN_AGE: Final = Scanner(re.compile(EN.pattern("singular_age")))
_EN_NAME_BEFORE: Final = re.compile(EN.pattern("singular_name_before"))
_KO_SINGULAR = Scanner(re.compile(KO.pattern("singular_person")))
_KO_WITH_BEFORE = re.compile(KO.pattern("singular_with_before"))
_KO_WITH_AFTER = re.compile(KO.pattern("singular_with_after"))
_EN_HELPER = re.compile(rf"(?i:{EN.pattern('helper_after')})")
_EN_OTHER_NATIONALS = re.compile(rf"(?i:{EN.pattern('other_nationals')})")


def find_singular(text: str) -> list[CountMention]:
    """One person named as such ("a defector", "his wife"): a count of one, used only where a
    sentence gives no figure of its own (see :func:`refwatch.extract.rules.find_mentions`)."""
    found = [
        CountMention(m.start(), m.end(), m.group(), 1, 1, 1, "exact") for m in _EN_SINGULAR.finditer(text)
    ]
    for m in _SCAN_EN_AGE.finditer(text):  # "Kim Ji-hye, 34, was arrested": the age, then the name
        name = _EN_NAME_BEFORE.search(text, max(0, m.start() - 40), m.start())
        if name is not None:
            found.append(CountMention(name.start(), m.end(), text[name.start() : m.end()], 1, 1, 1, "exact"))
    for m in _KO_SINGULAR.finditer(text):
        companions = _KO_WITH_BEFORE.search(text, max(0, m.start() - 80), m.start())
        kin_after = _KO_WITH_AFTER.match(text[m.end() : m.end() + 12])
        if companions is None and kin_after is not None:  # "A씨와 그의 딸": the person and one relative
            end = m.end() + kin_after.end()
            found.append(CountMention(m.start(), end, text[m.start() : end], 2, 2, 2, "exact"))
        elif companions is None:
            found.append(CountMention(m.start(), m.end(), m.group(), 1, 1, 1, "exact"))
        elif companions["kin"]:  # "아들과 함께 ... 김모 씨": the person and one relative
            start = companions.start("kin")
            found.append(CountMention(start, m.end(), text[start : m.end()], 2, 2, 2, "exact"))
    found.sort(key=lambda c: c.start)
    return found


def find_counts(text: str) -> list[CountMention]:
    """All counts of people in ``text``, in text order, overlaps resolved leftmost-longest.

    Examples:
        >>> [(c.count, c.qualifier) for c in find_counts("Fictional: about 40 refugees; 탈북민 10여 명")]
        [(40, 'about'), (10, 'about')]
    """
    found: list[CountMention] = []
    _find_english(text, found)
    _find_korean(text, found)
    found.sort(key=lambda c: (c.start, -c.end))
    kept: list[CountMention] = []
    for c in found:
        if kept and c.start < kept[-1].end:
            continue
        kept.append(c)
    return _join_parts(text, _with_joined_persons(text, kept))


#: One person without a figure right after a counted group ("three women and a child") or right
#: before it ("a woman and two children"): see ``one_joined_person`` in the language files.
_EN_AND_ONE: Final = re.compile(rf"(?i:[ \t]*,?[ \t]+and[ \t]+(?P<one>{EN.pattern('one_joined_person')}))")
_EN_ONE_AND: Final = re.compile(rf"(?i:(?P<one>{EN.pattern('one_joined_person')})[ \t]+and[ \t]+$)")
#: How far before a count the person joined to it may begin.
_JOINED_REACH: Final = 60


def _with_joined_persons(text: str, counts: list[CountMention]) -> list[CountMention]:
    """``counts`` with the one person joined to an English group by "and" counted as well.

    Joined to people in general ("five defectors and a child") the person adds one to the
    figure; joined to a kind ("three women and a child") the person is a count of their own
    kind, so that the kinds add up (women 3, children 1: four people) as "여성 3명과 어린이 2명" do.
    """
    out: list[CountMention] = []
    for i, c in enumerate(counts):
        # "and" must stand right before or after the count: substring tests spare most matches.
        joined_after = "and" in text[c.end : c.end + 7]
        joined_before = "and" in text[max(0, c.start - 6) : c.start]
        if (
            not (joined_after or joined_before)
            or c.count is None
            or c.vague
            or c.group not in _PERSON_GROUPS
            or not c.text[:1].isalnum()
        ):
            out.append(c)
            continue
        limit = counts[i + 1].start if i + 1 < len(counts) else len(text)
        floor = max(out[-1].end if out else 0, c.start - _JOINED_REACH)
        after = _EN_AND_ONE.match(text, c.end) if joined_after else None
        before = _EN_ONE_AND.search(text, floor, c.start) if joined_before else None
        ones = [m for m in (before, after) if m is not None and m.end("one") <= limit]
        singles = [
            CountMention(m.start("one"), m.end("one"), m["one"], 1, 1, 1, "exact", _en_group(m["noun"]))
            for m in ones
        ]
        if c.group == "people":
            start = min([c.start, *(m.start("one") for m in ones)])
            end = max([c.end, *(m.end() for m in ones)])
            out.append(_summed(text, start, end, [c, *singles]) if singles else c)
        else:
            out.extend(sorted([c, *singles], key=lambda m: m.start))
    return out


#: "... in Qingdao and 9 in Kunming": a further part of the same group, counted by place.
_EN_PART = re.compile(
    rf"(?:[ \t]+(?:in|at|from|near)[ \t]+[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*){{0,2}})?"
    rf"(?:[ \t]*,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+)(?P<n>(?i:{_EN_NUM}))(?:[ \t]+more)?"
    rf"(?=[ \t]+(?:in|at|from|near)[ \t]+[A-Z])"
)
#: Between two Korean counts of one group split by place: "...20명, 쿤밍에서 9명".
_KO_PART_GAP = re.compile(
    r"^(?:을|를|이|가|은|는)?\s*,?\s*(?:그리고\s*|또\s*)?[가-힣A-Za-z]{1,12}(?:에서|에)\s*$"
)

#: Between two Korean counts of kinds of people in one group: "여성 3명과 어린이 2명", "남성 2명, 여성 1명".
_KO_AND_GAP = re.compile(rf"^\s*(?:과|와|및|,)\s*(?:(?:{KO.pattern('victim_nouns')})\s*)?$")
#: Kinds of people a group may be counted by (the sum of two kinds is counted as people).
_PERSON_GROUPS: Final = frozenset({"people", "women", "men", "children"})


def _join_parts(text: str, counts: list[CountMention]) -> list[CountMention]:
    """Add up a group counted in parts by place ("20 in Qingdao and 9 in Kunming" is 29) or by kind
    of person ("여성 3명과 어린이 2명" is 5).

    Only parts of the same kind of person with a figure each are joined; the sum
    spans the whole phrase, so its evidence quote shows every part.
    """
    out: list[CountMention] = []
    for c in counts:
        if out and c.start < out[-1].end:
            continue  # already a part of the sum before it
        if c.count is None or c.vague:
            out.append(c)
            continue
        prev = out[-1] if out else None
        if prev is not None and prev.count is not None and not prev.vague:
            gap = text[prev.end : c.start]
            if prev.group == c.group and _KO_PART_GAP.match(gap):
                out[-1] = _summed(text, prev.start, c.end, [prev, c])
                continue
            if {prev.group, c.group} <= _PERSON_GROUPS and _KO_AND_GAP.match(gap):
                summed = _summed(text, prev.start, c.end, [prev, c])
                out[-1] = summed if prev.group == c.group else replace(summed, group="people")
                continue
        if not c.text[:1].isdigit() and not c.text[:1].isalpha():
            out.append(c)
            continue
        end, parts = c.end, [c]
        while (m := _EN_PART.match(text, end)) and (n := _en_number(m["n"])) is not None:
            parts.append(CountMention(m.start("n"), m.end("n"), m["n"], n, n, n, "exact", c.group))
            end = m.end()
        out.append(_summed(text, c.start, end, parts) if len(parts) > 1 else c)
    return out


def _summed(text: str, start: int, end: int, parts: list[CountMention]) -> CountMention:
    def total(values: list[int | None]) -> int | None:
        return None if any(v is None for v in values) else sum(v for v in values if v is not None)

    count = total([p.count for p in parts])
    low = total([p.count_min for p in parts])
    high = total([p.count_max for p in parts])
    quals = {p.qualifier for p in parts}
    qualifier: Qualifier = parts[0].qualifier if len(quals) == 1 else "about"
    if quals <= {"exact", "at_least"} and len(quals) > 1:
        qualifier = "at_least"
    return CountMention(start, end, text[start:end], count, low, high, qualifier, parts[0].group)
