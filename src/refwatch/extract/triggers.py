"""Event triggers, whether each event happened, and cues about groups and status.

A trigger is a word for something done to people ("detained", "북송", "遣返").
Whether it happened is read from its neighbours: in English from the words
before it in the same clause ("at risk of being sent back", "planned to
repatriate", "who are caught" as a general statement), in Korean from the
ending after it ("북송될 위기", "북송하려", "체포됐다").
"""

from __future__ import annotations

import bisect
import re
from typing import Final

from refwatch.extract.dates import bare_month_cue
from refwatch.extract.mentions import Sentence, Span, StatusCue, Trigger
from refwatch.extract.place_finder import find_places
from refwatch.extract.scan import Scanner, WindowPattern, window_lowered
from refwatch.languages import TriggerWord, extraction_languages, vocabulary

EN: Final = vocabulary("en")
KO: Final = vocabulary("ko")
ZH: Final = vocabulary("zh")
#: Every language with an extraction vocabulary: all run on every text (reports mix scripts).
_LANGUAGES: Final = tuple(vocabulary(code) for code in extraction_languages())

#: A compiled trigger: its scanner, its word (types, nominal, custody by place), and where its
#: language says whether an event happened (``matching.realis`` of the language file).
_Compiled = tuple[Scanner, TriggerWord, str]


def _compile() -> tuple[_Compiled, ...]:
    return tuple(
        (Scanner(re.compile(v.wrap(t.pattern))), t, v.realis) for v in _LANGUAGES for t in v.triggers
    )


def _alternatives(key: str, *, bounded: bool = True, **fill: str) -> str:
    """``key`` of every language that fills it, each matched as its language is, as one alternation.

    A template's placeholders are filled from ``fill``, each value the key of the same language
    to put there (``countries="route_countries"``).
    """
    return "|".join(
        v.wrap(v.pattern(key, **{name: v.pattern(source) for name, source in fill.items()}), bounded=bounded)
        for v in _LANGUAGES
        if v.has(key)
    )


_TRIGGERS: Final = _compile()
_WORD = re.compile(r"[\w'’]+")
_IRREALIS_EN = re.compile(rf"(?i:^(?:{EN.pattern('irrealis_before')})$)")
_INTENT_EN = re.compile(rf"(?i:^(?:{EN.pattern('intent_before')})$)")
_GENERIC_AUX = re.compile(rf"(?i:^(?:{EN.pattern('generic_aux')})$)")
_CLAUSE_BREAK = re.compile(rf"(?i:^(?:{EN.pattern('clause_break')}|{EN.pattern('reporting_break')})$)")
_TWO_WORD_IRREALIS = WindowPattern(re.compile(_alternatives("irrealis_phrase_before", bounded=False)))
_ABOUT_TO = WindowPattern(re.compile(rf"(?i:{EN.pattern('about_to')})"))
_HABITUAL_EN = re.compile(rf"(?i:{EN.pattern('habitual_form')})")
_GERUND_BEFORE = re.compile(rf"(?i:^(?:{EN.pattern('gerund_before')})$)")
_BASE_FORM_EN = re.compile(rf"(?i:{EN.pattern('base_form')})")
_FREQUENCY_AFTER_EN = re.compile(rf"(?i:{EN.pattern('frequency_after')})")
_CONDITIONAL_EN = re.compile(rf"(?i:\b(?:{EN.pattern('conditional')})\b)")
_FREQUENCY_EN = WindowPattern(re.compile(rf"(?i:\b(?:{EN.pattern('frequency')})\s+(?:[\w'’-]+\s+)?$)"))
_COORDINATION_EN = re.compile(rf"(?i:{EN.pattern('coordination')})")
_ATTRIBUTIVE_EN = re.compile(
    EN.pattern("attributive_after").format(nouns=EN.pattern("victim_nouns")), re.IGNORECASE
)
_FIGURE_BEFORE = re.compile(_alternatives("figure_before", bounded=False))
_PLACE_TRIGGER_EN = re.compile(rf"(?i:{EN.pattern('place_trigger')})")
_FEARED_IN_CLAUSE = re.compile(rf"(?i:{EN.pattern('feared_in_clause')})")
_LIST_KO = re.compile(KO.pattern("list_after"))
_BACKGROUND_KO = re.compile(KO.pattern("background_after"))
_BACKGROUND_EN = re.compile(rf"(?i:{EN.pattern('background_before')})")
_BACKGROUND_CLAUSE_KO = re.compile(KO.pattern("background_clause_after"))
_THIRD_BORDER_BEFORE_KO = re.compile(KO.pattern("third_border_before"))
_CLAUSE_PUNCTUATION = re.compile(r"[,;:—–(“\"]")
_IRREALIS_KO = re.compile(KO.pattern("irrealis_after"))
_CONDITIONAL_KO = re.compile(KO.pattern("conditional_after"))
_HABITUAL_KO = re.compile(KO.pattern("habitual_before"))
_PASSIVE_GERUND_EN = WindowPattern(re.compile(rf"(?i:{EN.pattern('passive_gerund_before')})"))
_VERBAL_NOUN_KO = re.compile(KO.pattern("verbal_noun"))
_ATTRIBUTIVE_KO = re.compile(KO.pattern("attributive_after", nouns=KO.pattern("victim_nouns")))
_NOMINAL_KO = re.compile(KO.pattern("nominal_after"))
_COMPOUND_KO = re.compile(KO.pattern("compound_after"))
_INTENT_KO = re.compile(KO.pattern("intent_after"))
_IRREALIS_ZH = re.compile(ZH.pattern("irrealis_after"))
_BACK_OR_NORTH = re.compile(_alternatives("to_north_after", bounded=False))
_THIRD_COUNTRY = re.compile(
    "|".join(
        v.wrap("|".join(v.pattern(key) for key in ("route_countries", "neighbour_countries") if v.has(key)))
        for v in _LANGUAGES
        if v.has("route_countries")
    )
    + "|"
    + _alternatives("china_destination", bounded=False)
)
#: China as the destination of a return: from a third country, a deportation.
_TO_CHINA = re.compile(_alternatives("to_china_after", bounded=False))
_TO_CHINA_BEFORE = re.compile(_alternatives("to_china_before", bounded=False))
#: A third country named right after a crossing: where it led ("into Laos", "태국으로").
_THIRD_COUNTRY_AHEAD = re.compile(_alternatives("route_ahead", bounded=False, countries="route_countries"))
_STATUS: Final = tuple(
    (Scanner(re.compile(v.wrap(cue.pattern))), cue.status) for v in _LANGUAGES for cue in v.status_cues
)
_ANAPHORA = Scanner(re.compile(_alternatives("anaphora")))
_OTHER_GROUP = Scanner(re.compile(_alternatives("other_group", bounded=False)))
_SUBGROUP_BEFORE = re.compile(_alternatives("subgroup_before", bounded=False))
_SUBGROUP_AFTER = re.compile(_alternatives("subgroup_after", bounded=False))


def _realis_en(text: str, start: int, end: int, lo: int) -> tuple[bool, bool]:
    """(realis, intent) of the English trigger at ``start:end``, read from its form and the words
    before it within its clause."""
    window = text[max(lo, start - 120) : start]
    low = window_lowered(window)
    if _ABOUT_TO.search(window, low):
        return False, True
    if _PASSIVE_GERUND_EN.search(window, low):
        return False, False
    if _TWO_WORD_IRREALIS.search(window, low):
        return False, False
    if (
        _HABITUAL_EN.match(text, start, end)
        or _FREQUENCY_EN.search(window, low)
        or _FREQUENCY_AFTER_EN.match(text, end)
    ):
        return False, False
    clause = _CLAUSE_PUNCTUATION.split(window)[-1]
    if _CONDITIONAL_EN.search(clause):
        return False, False
    if _PLACE_TRIGGER_EN.fullmatch(text, start, end) and _FEARED_IN_CLAUSE.search(text, lo, start):
        return False, False
    words = _WORD.findall(window)[-6:]
    if "May" in words:
        words = [w.group() for w in _WORD.finditer(window) if not _names_month(window, w)][-6:]
    if text[start:end].split()[0].lower().endswith("ing") and (
        not clause.strip() or (words and _GERUND_BEFORE.match(words[-1]))
    ):
        return False, False  # a gerund naming a kind of act: "by deporting them", "“Sending them back is ..."
    for i, word in enumerate(reversed(words)):
        if _CLAUSE_BREAK.match(word):
            break
        if i == 0 and word.lower() == "to":
            intent = len(words) > 1 and bool(_INTENT_EN.match(words[-2]))
            return False, intent
        if _IRREALIS_EN.match(word):
            return False, bool(_INTENT_EN.match(word))
        if i <= 1 and _GENERIC_AUX.match(word):
            if text[start:end].split()[0].lower() in ("holding", "detaining"):
                continue  # custody going on now ("is holding 7"), not a rule; "are arresting" stays generic
            if not any(w.lower() in ("being", "currently", "still", "now") for w in words[-2:]):
                return False, False
    if _BASE_FORM_EN.fullmatch(text, start, start + len(text[start:end].split()[0])):
        return False, False
    return True, False


_MONTH_NAME_AFTER = re.compile(r"[\s.,]*\d")
_DAY_BEFORE = re.compile(r"\d\s*$")


def _names_month(window: str, word: re.Match[str]) -> bool:
    """Whether "May" is the month ("In May 2017, police arrested ...", "on 3 May", "last May"),
    which would otherwise read as the modal that makes what follows irrealis."""
    return word.group() == "May" and bool(
        _MONTH_NAME_AFTER.match(window, word.end())
        or bare_month_cue(window, word.start())
        or _DAY_BEFORE.search(window, 0, word.start())
    )


def _realis_ko(
    text: str, start: int, end: int, sentence_end: int, sentence_start: int = 0
) -> tuple[bool, bool, bool]:
    """(realis, intent, nominal) of a Korean trigger, read from what follows it (and an adverb of
    habit before it in its sentence)."""
    after = text[end : min(sentence_end, end + 24)]
    if _HABITUAL_KO.search(text, sentence_start, start):
        return False, False, False
    if _IRREALIS_KO.search(after) or _CONDITIONAL_KO.search(after):
        return False, bool(_INTENT_KO.search(after)), False
    nominal = bool(
        _VERBAL_NOUN_KO.search(text, start, end)
        and (_NOMINAL_KO.match(after) or _LIST_KO.match(after) or _COMPOUND_KO.match(after))
    ) or bool(_ATTRIBUTIVE_KO.match(after))
    return True, False, nominal


_IN_CHINA = re.compile(_alternatives("in_china_after", bounded=False))


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
    if _BACKGROUND_KO.match(text, end) or _BACKGROUND_EN.search(text, max(sentence.start, start - 20), start):
        return True
    if _BACKGROUND_CLAUSE_KO.match(text[end : min(sentence.end, end + 80)]):
        return True
    if _THIRD_BORDER_BEFORE_KO.search(text, max(sentence.start, start - 12), start):
        return True
    return bool(_THIRD_COUNTRY_AHEAD.match(text, end, min(sentence.end, end + 30)))


def _attributive_en(text: str, start: int, end: int, lo: int) -> bool:
    """Whether an English participle qualifies the people after it ("deported North Koreans")
    instead of reporting an event; "the nine deported youths" still names a group it happened to."""
    word = text[start:end]
    if not word.lower().endswith("ed") or " " in word:
        return False
    return bool(_ATTRIBUTIVE_EN.match(text, end)) and not _FIGURE_BEFORE.search(
        text, max(lo, start - 20), start
    )


def _deport_types(text: str, end: int, sentence: Sentence) -> tuple[str, ...]:
    """Deportation (from a third country) or repatriation (to North Korea), read from the sentence."""
    if _BACK_OR_NORTH.search(text, end, sentence.end):
        return ("repatriation",)
    if _THIRD_COUNTRY.search(text, sentence.start, sentence.end):
        return ("deportation",)
    return ("repatriation",) if text[end - 1].isascii() else ("deportation",)


def find_triggers(text: str, sentences: list[Sentence]) -> list[Trigger]:
    """Triggers in text order, leftmost-longest, each with its realis and intent flags."""
    starts = [s.start for s in sentences]
    raw: list[tuple[int, int, TriggerWord, str]] = []
    for scanner, word, realis_at in _TRIGGERS:
        for m in scanner.finditer(text):
            raw.append((m.start(), m.end(), word, realis_at))
    raw.sort(key=lambda r: (r[0], -r[1]))
    out: list[Trigger] = []
    last_end = -1
    previous: Trigger | None = None
    for start, end, word, realis_at in raw:
        if start < last_end:
            continue
        i = bisect.bisect_right(starts, start) - 1
        if i < 0 or end > sentences[i].end:
            continue
        sentence = sentences[i]
        if sentence.clutter:
            continue
        last_end = end
        types, nominal = word.types, word.nominal
        if realis_at == "words_before":
            realis, intent = _realis_en(text, start, end, sentence.start)
            nominal = nominal or _attributive_en(text, start, end, sentence.start)
            if (
                realis
                and previous is not None
                and not previous.realis
                and previous.end >= sentence.start
                and _COORDINATION_EN.match(text[previous.end : start])
            ):
                realis, intent = False, previous.intent
        elif realis_at == "ending_after":
            realis, intent, is_nominal = _realis_ko(text, start, end, sentence.end, sentence.start)
            nominal = nominal or is_nominal
        else:
            realis, intent = not _IRREALIS_ZH.search(text[end : min(sentence.end, end + 24)]), False
        if types == ("deportation",):
            types = _deport_types(text, end, sentence)
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


def find_status_cues(text: str) -> list[StatusCue]:
    """Phrases that say people were released or reached safety."""
    cues = [
        StatusCue(m.start(), m.end(), status) for pattern, status in _STATUS for m in pattern.finditer(text)
    ]
    return sorted(cues, key=lambda c: c.start)


def find_anaphora(text: str) -> list[Span]:
    """Words pointing back to a group already described ("the group", "이들")."""
    return [Span(m.start(), m.end()) for m in _ANAPHORA.finditer(text)]


_SINGULAR_ANAPHORA = Scanner(re.compile(rf"\b(?:{EN.pattern('singular_anaphora')})\b", re.IGNORECASE))


def find_singular_anaphora(text: str) -> list[Span]:
    """Pronouns for one person ("she", "him"): they continue a personal history."""
    return [Span(m.start(), m.end()) for m in _SINGULAR_ANAPHORA.finditer(text)]


def find_other_group(text: str) -> list[Span]:
    """Phrases introducing a different group ("41 others", "다른 탈북자들은")."""
    return [Span(m.start(), m.end()) for m in _OTHER_GROUP.finditer(text)]


_PART_BEFORE = re.compile(_alternatives("part_before", bounded=False))


def is_part(text: str, start: int, end: int, lo: int) -> bool:
    """Whether a count at ``start:end`` counts a part of the group already described, one that
    may have its own fate, date or place ("Of them, 5 were executed", "이들 중 9명은 칭다오에서");
    a Korean count's span may begin with the marker ("이들 중 9명")."""
    if _PART_BEFORE.search(text, max(lo, start - 24), start):
        return True
    digit = next((i for i in range(start, end) if text[i].isdigit()), None)
    return digit is not None and bool(_PART_BEFORE.search(text, start, digit))


def is_subgroup(text: str, start: int, end: int, lo: int, hi: int) -> bool:
    """Whether a count at ``start:end`` counts part of a group ("among them 3", "8명이 ... 포함")."""
    return bool(
        _SUBGROUP_BEFORE.search(text[max(lo, start - 20) : start]) or _SUBGROUP_AFTER.search(text[end:hi])
    )


_VICTIM_REF = Scanner(re.compile(_alternatives("victim_nouns")))


def find_victim_refs(text: str) -> list[Span]:
    """Nouns for the people incidents happen to ("defectors", "탈북민", "脱北者")."""
    return [Span(m.start(), m.end()) for m in _VICTIM_REF.finditer(text)]
