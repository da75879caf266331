"""Whether an event happened: one reader per language, built from its vocabulary.

Why: languages say it in different places. English puts modality, habit and
condition in the words before the verb ("at risk of being sent back", "planned
to repatriate", "who are caught"); Korean in the ending after it ("북송될 위기",
"북송하려", "체포됐다"); Chinese in a cue right after it ("遣返的危险"). Each
language file names its way (``matching.realis``: ``words_before``,
``ending_after``, ``cue_after``) and :func:`reader` builds that reader from the
language's own words, so the trigger finder has no branch on the language: a
new language with the grammar of one of these needs only its data file.

What stays code here is the grammar of a way, not words of a language: the
``words_before`` reader splits the clause into words, reads a gerund by its
``-ing`` and a participle by its ``-ed``, and tells the month "May" from the
modal (with the month names of the calendar data).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from refwatch.extract.dates import bare_month_cue
from refwatch.extract.mentions import Sentence, Trigger
from refwatch.extract.scan import WindowPattern, window_lowered
from refwatch.languages import Vocabulary

#: ``(text, start, end, sentence, previous trigger)`` -> ``(realis, intent, nominal)``.
Reader = Callable[[str, int, int, Sentence, Trigger | None], tuple[bool, bool, bool]]

_WORD = re.compile(r"[\w'’]+")
_CLAUSE_PUNCTUATION = re.compile(r"[,;:—–(“\"]")
_MONTH_NAME_AFTER = re.compile(r"[\s.,]*\d")
_DAY_BEFORE = re.compile(r"\d\s*$")
#: How far after a trigger its ending or cue is looked for (characters).
_AFTER: Final = 24
#: Every window pattern the readers built (their gates are checked by tests/extract/test_window_gates.py).
_WINDOWS: list[WindowPattern] = []


def window_patterns() -> tuple[WindowPattern, ...]:
    """The window patterns of the readers built so far."""
    return tuple(_WINDOWS)


def _window(pattern: re.Pattern[str]) -> WindowPattern:
    gated = WindowPattern(pattern)
    _WINDOWS.append(gated)
    return gated


def reader(words: Vocabulary) -> Reader:
    """The reader ``words.realis`` names, built from ``words``."""
    build = {"words_before": _words_before, "ending_after": _ending_after, "cue_after": _cue_after}
    return build[words.realis](words)


def _cased(words: Vocabulary, source: str) -> re.Pattern[str]:
    return re.compile(f"(?i:{source})" if words.case_insensitive else source)


def _words_before(v: Vocabulary) -> Reader:
    """Realis from the trigger's form and the words before it within its clause (English)."""
    irrealis = _cased(v, rf"^(?:{v.pattern('irrealis_before')})$")
    intent_word = _cased(v, rf"^(?:{v.pattern('intent_before')})$")
    generic_aux = _cased(v, rf"^(?:{v.pattern('generic_aux')})$")
    clause_break = _cased(v, rf"^(?:{v.pattern('clause_break')}|{v.pattern('reporting_break')})$")
    phrase = _window(_cased(v, v.pattern("irrealis_phrase_before")))
    about_to = _window(_cased(v, v.pattern("about_to")))
    habitual = _cased(v, v.pattern("habitual_form"))
    gerund_before = _cased(v, rf"^(?:{v.pattern('gerund_before')})$")
    base_form = _cased(v, v.pattern("base_form"))
    frequency_after = _cased(v, v.pattern("frequency_after"))
    conditional = _window(_cased(v, rf"\b(?:{v.pattern('conditional')})\b"))
    frequency = _window(_cased(v, rf"\b(?:{v.pattern('frequency')})\s+(?:[\w'’-]+\s+)?$"))
    coordination = _cased(v, v.pattern("coordination"))
    attributive = _cased(v, v.pattern("attributive_after", nouns=v.pattern("victim_nouns")))
    counted_group = _cased(v, v.pattern("counted_group_before", nouns=v.pattern("victim_nouns")))
    people_noun = _cased(v, rf"(?:{v.pattern('victim_nouns')})")
    figure_before = _cased(v, v.pattern("figure_before"))
    place_trigger = _cased(v, v.pattern("place_trigger"))
    feared_in_clause = _cased(v, v.pattern("feared_in_clause"))
    passive_gerund = _window(_cased(v, v.pattern("passive_gerund_before")))
    infinitive = frozenset(v.word_list("infinitive_before"))
    ongoing = frozenset(v.word_list("ongoing_before"))
    progressive_custody = frozenset(v.word_list("progressive_custody"))
    denied = negation_reader(v)

    def feared(clause: str) -> bool:
        # the month in "arrested on May 2" is no "may" (read as the event words are, by _names_month)
        return any(not _names_month(clause, cue) for cue in feared_in_clause.finditer(clause))

    def realis(text: str, start: int, end: int, lo: int) -> tuple[bool, bool]:
        window = text[max(lo, start - 120) : start]
        if (
            _participle(text[start:end])
            # the window's last word must be a people noun: one word test spares most searches
            and people_noun.fullmatch(window.rsplit(maxsplit=1)[-1] if window.strip() else "")
            and counted_group.search(window)
        ):
            return True, False  # "whether the seven North Koreans arrested in Tumen ...": they were
        low = window_lowered(window)
        if about_to.search(window, low):
            return False, True
        if passive_gerund.search(window, low):
            return False, False
        if phrase.search(window, low):
            return False, False
        if (
            habitual.match(text, start, end)
            or frequency.search(window, low)
            or frequency_after.match(text, end)
        ):
            return False, False
        clause = _CLAUSE_PUNCTUATION.split(window)[-1]
        if conditional.search(clause, window_lowered(clause)):
            return False, False
        if place_trigger.fullmatch(text, start, end) and feared(text[lo:start]):
            return False, False
        words = _WORD.findall(window)[-6:]
        if "May" in words:
            words = [w.group() for w in _WORD.finditer(window) if not _names_month(window, w)][-6:]
        if denied(words, clause):
            return False, False  # "have not been repatriated", "no North Koreans were repatriated"
        if text[start:end].split()[0].lower().endswith("ing") and (
            not clause.strip() or (words and gerund_before.match(words[-1]))
        ):
            return (
                False,
                False,
            )  # a gerund naming a kind of act: "by deporting them", "“Sending them back is ..."
        for i, word in enumerate(reversed(words)):
            if clause_break.match(word):
                break
            if i == 0 and word.lower() in infinitive and not place_trigger.fullmatch(text, start, end):
                # "plans to deport"; but "sent to prison camps" names the place they were sent to
                intent = len(words) > 1 and bool(intent_word.match(words[-2]))
                return False, intent
            if irrealis.match(word):
                return False, bool(intent_word.match(word))
            if i <= 1 and generic_aux.match(word):
                if text[start:end].split()[0].lower() in progressive_custody:
                    # custody going on now ("is holding 7"), not a rule; "are arresting" stays generic
                    continue
                # "are being held": the progressive may open the event word itself
                if not any(w.lower() in ongoing for w in [*words[-2:], text[start:end].split()[0]]):
                    return False, False
        if base_form.fullmatch(text, start, start + len(text[start:end].split()[0])):
            return False, False
        return True, False

    def attributive_participle(text: str, start: int, end: int, lo: int) -> bool:
        """A participle that qualifies the people after it ("deported North Koreans") instead of
        reporting an event; "the nine deported youths" still names a group it happened to."""
        word = text[start:end]
        if not word.lower().endswith("ed") or " " in word:
            return False
        return bool(attributive.match(text, end)) and not figure_before.search(
            text, max(lo, start - 20), start
        )

    def read(
        text: str, start: int, end: int, sentence: Sentence, previous: Trigger | None
    ) -> tuple[bool, bool, bool]:
        happened, intent = realis(text, start, end, sentence.start)
        nominal = attributive_participle(text, start, end, sentence.start)
        if (
            happened
            and previous is not None
            and not previous.realis
            and previous.end >= sentence.start
            and coordination.match(text[previous.end : start])
        ):
            happened, intent = False, previous.intent  # "will be tortured and publicly executed"
        return happened, intent, nominal

    return read


#: Past participles not ending in "-ed" that event words begin with.
_IRREGULAR_PARTICIPLES: Final = frozenset({"caught", "held", "sent", "taken"})


def negation_reader(v: Vocabulary) -> Callable[[list[str], str], bool]:
    """Whether an event or a fate is denied, read from the words before it (English).

    ``words`` are the last words before it, ``clause`` the text of its clause up to it.
    Denied: a negation standing on the verb itself, with only auxiliaries between ("have
    not (yet) been repatriated", "were never sent back", "haven't been released"), or a
    clause whose subject is no one ("no North Koreans were repatriated", "nobody was
    released"), unless the word after it makes a figure ("no fewer than 80 were returned").
    A negation elsewhere denies nothing ("it is not known how they were caught").
    Languages that negate after the verb leave the lists empty.
    """
    negation, no_one = _word_set(v, "negation_before"), _word_set(v, "negation_subject")
    verb_group, quantity = _word_set(v, "verb_group"), _word_set(v, "negation_subject_quantity")

    def denied(words: list[str], clause: str) -> bool:
        if not negation and not no_one:
            return False
        lows = [w.lower() for w in words]
        while lows and lows[-1] in verb_group:
            lows.pop()
        if lows and (lows[-1] in negation or lows[-1].endswith(("n't", "n’t"))):
            return True
        # the subject right before the verb is no one ("... and nobody was released", "no one was")
        if lows and (lows[-1] in no_one or (lows[-1] == "one" and lows[-2:-1] and lows[-2] in no_one)):
            return True
        first = _WORD.search(clause)
        if first is None or first.group().lower() not in no_one:
            return False
        second = _WORD.search(clause, first.end())
        return second is None or second.group().lower() not in quantity  # "no fewer than 80": a figure

    return denied


def _word_set(v: Vocabulary, key: str) -> frozenset[str]:
    """The words of a word-list key, none where the language leaves it empty."""
    return frozenset(v.word_list(key)) if v.has(key) else frozenset()


def _participle(trigger: str) -> bool:
    """Whether the event word begins with a past participle ("arrested", "caught", "sent back")."""
    first = trigger.split(maxsplit=1)[0].lower() if trigger.strip() else ""
    return first.endswith("ed") or first in _IRREGULAR_PARTICIPLES


def _names_month(window: str, word: re.Match[str]) -> bool:
    """Whether "May" is the month ("In May 2017, police arrested ...", "on 3 May", "last May"),
    which would otherwise read as the modal that makes what follows irrealis."""
    return word.group() == "May" and bool(
        _MONTH_NAME_AFTER.match(window, word.end())
        or bare_month_cue(window, word.start())
        or _DAY_BEFORE.search(window, 0, word.start())
    )


def _ending_after(v: Vocabulary) -> Reader:
    """Realis from the ending after the trigger, and an adverb of habit before it in its sentence
    (Korean); a verbal noun before a particle, a list mark or a compound names a kind of event."""
    habitual = _cased(v, v.pattern("habitual_before"))
    irrealis = _cased(v, v.pattern("irrealis_after"))
    conditional = _cased(v, v.pattern("conditional_after"))
    intent_ending = _cased(v, v.pattern("intent_after"))
    verbal_noun = _cased(v, v.pattern("verbal_noun"))
    nominal_after = _cased(v, v.pattern("nominal_after"))
    list_after = _cased(v, v.pattern("list_after"))
    compound_after = _cased(v, v.pattern("compound_after"))
    attributive = _cased(v, v.pattern("attributive_after", nouns=v.pattern("victim_nouns")))

    def read(
        text: str, start: int, end: int, sentence: Sentence, previous: Trigger | None
    ) -> tuple[bool, bool, bool]:
        after = text[end : min(sentence.end, end + _AFTER)]
        if habitual.search(text, sentence.start, start):
            return False, False, False
        if irrealis.search(after) or conditional.search(after):
            return False, bool(intent_ending.search(after)), False
        nominal = bool(
            verbal_noun.search(text, start, end)
            and (nominal_after.match(after) or list_after.match(after) or compound_after.match(after))
        ) or bool(attributive.match(after))
        return True, False, nominal

    return read


def _cue_after(v: Vocabulary) -> Reader:
    """Realis from a cue right after the trigger (Chinese): "遣返的危险" is feared."""
    irrealis = _cased(v, v.pattern("irrealis_after"))

    def read(
        text: str, start: int, end: int, sentence: Sentence, previous: Trigger | None
    ) -> tuple[bool, bool, bool]:
        return not irrealis.search(text[end : min(sentence.end, end + _AFTER)]), False, False

    return read
