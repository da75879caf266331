"""Event triggers, whether each event happened, and cues about groups and status.

A trigger is a word for something done to people ("detained", "북송", "遣返").
Whether it happened is read from its neighbours: in English from the words
before it in the same clause ("at risk of being sent back", "planned to
repatriate", "who are caught" as a general statement), in Korean from the
ending after it ("북송될 위기", "북송하려", "체포됐다"), by the reader the
language's file names (:mod:`.realis`).

Every word list here is the data of :mod:`refwatch.languages` (the ``extraction``
section of each language file), read for every language that fills the key: the
finders have no branch on the language.
"""

from __future__ import annotations

import bisect
import re
from typing import Final

from refwatch.extract.mentions import Sentence, Span, StatusCue, Trigger
from refwatch.extract.place_finder import find_places
from refwatch.extract.realis import Reader, negation_reader, reader
from refwatch.extract.scan import Scanner
from refwatch.languages import TriggerWord, alternation, extraction_languages, vocabulary

#: Every language with an extraction vocabulary: all run on every text (reports mix scripts).
_LANGUAGES: Final = tuple(vocabulary(code) for code in extraction_languages())


_BACKGROUND_BEFORE = re.compile(alternation("background_before", bounded=False))
_BACKGROUND_AFTER = re.compile(alternation("background_after", bounded=False))
_BACKGROUND_CLAUSE_AFTER = re.compile(alternation("background_clause_after", bounded=False))
_THIRD_BORDER_BEFORE = re.compile(alternation("third_border_before", bounded=False))

#: A compiled trigger: its scanner, its word (types, nominal, custody by place), and the reader of
#: its language that says whether the event happened (``matching.realis`` of the language file).
_Compiled = tuple[Scanner, TriggerWord, Reader]


def _compile() -> tuple[_Compiled, ...]:
    readers = {v.code: reader(v) for v in _LANGUAGES}
    return tuple(
        (Scanner(re.compile(v.wrap(t.pattern))), t, readers[v.code]) for v in _LANGUAGES for t in v.triggers
    )


_TRIGGERS: Final = _compile()
_BACK_OR_NORTH = re.compile(alternation("to_north_after", bounded=False))
_THIRD_COUNTRY = re.compile(
    "|".join(
        v.wrap("|".join(v.pattern(key) for key in ("route_countries", "neighbour_countries") if v.has(key)))
        for v in _LANGUAGES
        if v.has("route_countries")
    )
    + "|"
    + alternation("china_destination", bounded=False)
)
#: China as the destination of a return: from a third country, a deportation.
_TO_CHINA = re.compile(alternation("to_china_after", bounded=False))
_TO_CHINA_BEFORE = re.compile(alternation("to_china_before", bounded=False))
#: A third country named right after a crossing: where it led ("into Laos", "태국으로").
_THIRD_COUNTRY_AHEAD = re.compile(alternation("route_ahead", bounded=False, countries="route_countries"))
_STATUS: Final = tuple(
    (Scanner(re.compile(v.wrap(cue.pattern))), cue.status) for v in _LANGUAGES for cue in v.status_cues
)
_ANAPHORA = Scanner(re.compile(alternation("anaphora")))
_OTHER_GROUP = Scanner(re.compile(alternation("other_group", bounded=False)))
_SUBGROUP_BEFORE = re.compile(alternation("subgroup_before", bounded=False))
_SUBGROUP_AFTER = re.compile(alternation("subgroup_after", bounded=False))


_IN_CHINA = re.compile(alternation("in_china_after", bounded=False))


def _imprison_types(text: str, end: int, sentence: Sentence) -> tuple[str, ...]:
    """Imprisonment (a sentence served in North Korea) or detention (held in China), from the
    place named right after the word or anywhere in the sentence."""
    if _IN_CHINA.match(text, end, sentence.end):
        return ("detention",)
    for place in find_places(text[end : sentence.end]):
        if place.country == "CN":
            return ("detention",)
        if place.country == "KP":
            break
    return ("imprisonment",)


def _background_crossing(text: str, start: int, end: int, sentence: Sentence) -> bool:
    """Whether a crossing is not a step of the incident: told as background ("탈북했던", "who had
    fled"), or a crossing between third countries on the way south ("crossed into Laos", "국경을
    넘어 라오스로"), which is not leaving North Korea (the vocabulary's meaning of ``crossing``)."""
    if _BACKGROUND_AFTER.match(text, end) or _BACKGROUND_BEFORE.search(
        text, max(sentence.start, start - 20), start
    ):
        return True
    if _BACKGROUND_CLAUSE_AFTER.match(text[end : min(sentence.end, end + 80)]):
        return True
    if _THIRD_BORDER_BEFORE.search(text, max(sentence.start, start - 12), start):
        return True
    return bool(_THIRD_COUNTRY_AHEAD.match(text, end, min(sentence.end, end + 30)))


def _deport_types(text: str, end: int, sentence: Sentence, word: TriggerWord) -> tuple[str, ...]:
    """Deportation (from a third country) or repatriation (to North Korea), read from the sentence;
    where it names neither, what the word's data says (``undecided``)."""
    if _BACK_OR_NORTH.match(text, end, sentence.end):
        return ("repatriation",)
    if _THIRD_COUNTRY.search(text, sentence.start, sentence.end):
        return ("deportation",)
    return word.undecided or ("deportation",)


def find_triggers(text: str, sentences: list[Sentence]) -> list[Trigger]:
    """Triggers in text order, leftmost-longest, each with its realis and intent flags."""
    starts = [s.start for s in sentences]
    raw: list[tuple[int, int, TriggerWord, Reader]] = []
    for scanner, word, read in _TRIGGERS:
        for m in scanner.finditer(text):
            raw.append((m.start(), m.end(), word, read))
    raw.sort(key=lambda r: (r[0], -r[1]))
    out: list[Trigger] = []
    last_end = -1
    previous: Trigger | None = None
    for start, end, word, read in raw:
        if start < last_end:
            continue
        i = bisect.bisect_right(starts, start) - 1
        if i < 0 or end > sentences[i].end:
            continue
        sentence = sentences[i]
        if sentence.clutter:
            continue
        last_end = end
        types = word.types
        realis, intent, nominal = read(text, start, end, sentence, previous)
        nominal = word.nominal or nominal
        if word.nominal and _POSSESSIVE_BEFORE.search(text, max(sentence.start, start - 30), start):
            nominal = False  # "after their repatriation": the group's own event
        if word.nominal and realis and _NOMINAL_IRREALIS_AFTER.match(text[end : sentence.end]):
            realis = False  # "the forced repatriation of 12 ... is feared"
        if types == ("deportation",):
            types = _deport_types(text, end, sentence, word)
        elif types == ("repatriation",) and (
            _TO_CHINA.match(text, end, min(sentence.end, end + 30))
            or _TO_CHINA_BEFORE.search(text, max(sentence.start, start - 12), start)
        ):
            types = ("deportation",)  # "sent back to China" from Laos: not yet handed to North Korea
        if word.custody_by_place:
            types = _imprison_types(text, end, sentence)
        if types == ("crossing",) and _background_crossing(text, start, end, sentence):
            nominal = True
        previous = Trigger(start, end, text[start:end], types, realis, intent, nominal)
        out.append(previous)
    return out


#: What makes a fate not (yet) reached, as for event words: words before it in English ("have not been
#: released", "no one was freed", "could be released"), an ending after it in Korean ("석방되지 않았다").
_STATUS_DENIED_BEFORE = re.compile(
    rf"(?:{alternation('irrealis_before')})(?:\s+[\w'’-]+){{0,3}}\s*$"
    rf"|{alternation('irrealis_phrase_before', bounded=False)}"
)
_STATUS_DENIED_AFTER = re.compile(alternation("irrealis_after", bounded=False))
_NEGATED: Final = tuple(negation_reader(v) for v in _LANGUAGES)
_WORDS = re.compile(r"[\w'’]+")
_CLAUSE_BEFORE = re.compile(r"[,;:.!?\n]")
#: "3 May", "May 3": the month, not the modal.
_MONTH_MAY = re.compile(r"\d{1,2}\s+May\b|\bMay\s+\d")


def _denied(text: str, start: int, end: int) -> bool:
    """Whether the status cue at ``start:end`` is negated, feared, planned or asked for."""
    before = _MONTH_MAY.sub(" ", _CLAUSE_BEFORE.split(text[max(0, start - 48) : start])[-1])
    words = _WORDS.findall(before)[-6:]
    if any(negated(words, before) for negated in _NEGATED):
        return True
    # the Korean endings are anchored at the cue's end (``^``), so they are matched on a slice
    return bool(_STATUS_DENIED_BEFORE.search(before) or _STATUS_DENIED_AFTER.match(text[end : end + 24]))


def find_status_cues(text: str) -> list[StatusCue]:
    """Phrases that say people were released or reached safety (not "have not been released")."""
    cues = [
        StatusCue(m.start(), m.end(), status)
        for pattern, status in _STATUS
        for m in pattern.finditer(text)
        if not _denied(text, m.start(), m.end())
    ]
    return sorted(cues, key=lambda c: c.start)


def find_anaphora(text: str) -> list[Span]:
    """Words pointing back to a group already described ("the group", "이들")."""
    return [Span(m.start(), m.end()) for m in _ANAPHORA.finditer(text)]


_SINGULAR_ANAPHORA = Scanner(re.compile(alternation("singular_anaphora")))


def find_singular_anaphora(text: str) -> list[Span]:
    """Pronouns for one person ("she", "him"): they continue a personal history."""
    return [Span(m.start(), m.end()) for m in _SINGULAR_ANAPHORA.finditer(text)]


def find_other_group(text: str) -> list[Span]:
    """Phrases introducing a different group ("41 others", "다른 탈북자들은")."""
    return [Span(m.start(), m.end()) for m in _OTHER_GROUP.finditer(text)]


_SEPARATE = Scanner(re.compile(alternation("separate_groups", bounded=False)))


def find_separate(text: str) -> list[Span]:
    """Words saying that figures of one sentence are groups caught apart ("separately", "별도로")."""
    return [Span(m.start(), m.end()) for m in _SEPARATE.finditer(text)]


_PART_BEFORE = re.compile(alternation("part_before", bounded=False))
_PART_AFTER = re.compile(alternation("part_after", bounded=False))
_POSSESSIVE_BEFORE = re.compile(alternation("possessive_before", bounded=False))
_NOMINAL_IRREALIS_AFTER = re.compile(alternation("nominal_irrealis_after", bounded=False))


def is_part(text: str, start: int, end: int, lo: int) -> bool:
    """Whether a count at ``start:end`` counts a part of the group already described, one that
    may have its own fate, date or place ("Of them, 5 were executed", "Five of them were executed",
    "이들 중 9명은 칭다오에서");
    a Korean count's span may begin with the marker ("이들 중 9명")."""
    if _PART_BEFORE.search(text, max(lo, start - 24), start) or _PART_AFTER.match(text, end):
        return True
    digit = next((i for i in range(start, end) if text[i].isdigit()), None)
    return digit is not None and bool(_PART_BEFORE.search(text, start, digit))


def is_subgroup(text: str, start: int, end: int, lo: int, hi: int) -> bool:
    """Whether a count at ``start:end`` counts part of a group ("among them 3", "8명이 ... 포함")."""
    return bool(
        _SUBGROUP_BEFORE.search(text[max(lo, start - 20) : start]) or _SUBGROUP_AFTER.search(text[end:hi])
    )


_VICTIM_REF = Scanner(re.compile(alternation("victim_nouns")))


def find_victim_refs(text: str) -> list[Span]:
    """Nouns for the people incidents happen to ("defectors", "탈북민", "脱北者")."""
    return [Span(m.start(), m.end()) for m in _VICTIM_REF.finditer(text)]
