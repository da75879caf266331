"""The fast paths of extraction find exactly what the plain passes find (issues 16 and 20).

Each shortcut here skips work that cannot find anything: a pass for Hangul and
Han names over an all-ASCII text, a scan for openings that an alternation can
only continue one way, a regex stepping through every character to find line
breaks. Each test pins the shortcut (it fails on the code before it) and checks,
on made-up text, that the results equal those of the slow path.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refwatch.extract import scan
from refwatch.extract.gazetteer.matcher import NameScanner, fold, name_parts
from refwatch.extract.scan import DIGIT, SPACE, Scanner, WindowPattern, _openings, _parser, window_lowered
from refwatch.extract.segment import _ABBREVIATION, _LINE, _ends_with_abbreviation, _lines


class _NoPass:
    """Stands in for a compiled pass that must not run."""

    def finditer(self, text: str) -> Any:
        raise AssertionError("ran a pass over a text it cannot match")

    def match(self, text: str) -> Any:
        raise AssertionError("ran a pass over a text it cannot match")


def _opening_strings(pattern: str) -> set[str]:
    return _openings(_parser.parse(pattern, 0))[0]


def test_openings_follow_each_literal_alternative_past_an_alternation() -> None:
    """``(?:\\d+|an?)\\s+days`` opens with "N days", "a days" or "an days": not with every word
    beginning "a"; a run of white space (``\\s+``) is one :data:`SPACE` and a run of digits one
    :data:`DIGIT`, which the opening goes past."""
    days = SPACE + "days"
    assert _opening_strings(r"(?:\d+|an?)\s+days") == {DIGIT + days, "a" + days, "an" + days}
    expected = {f"in{SPACE}the{gap}{word}" for gap in ("", SPACE) for word in ("past", "last")}
    assert _opening_strings(r"in\s+the\s*(?:past|last)") == expected


def test_openings_go_past_numbers_and_into_a_closing_look_ahead() -> None:
    """A number of any length is one :data:`DIGIT` ("5 of them", "1,000 of them" alike), and what a
    look-ahead requires next continues the opening: not every number in a text opens a match."""
    pattern = r"(?i:\b(?P<n>\d{1,3}(?:,\d{3})+|\d+|five)(?=\s+of\s+them))"
    them = SPACE + "of" + SPACE + "them"
    assert _opening_strings(pattern) == {DIGIT + "," + DIGIT, DIGIT + them, "five" + them}
    assert _opening_strings(r"(?<=x)(?!y)\d\d?") == {
        DIGIT
    }  # look-behinds and negative look-aheads add nothing
    assert _opening_strings(r"(?=a?)b") == {"b"}  # a look-ahead that may match nothing adds nothing


_NUMBERED = [
    r"(?i:\b(?P<n>\d{1,3}(?:,\d{3})+|\d+|five)(?=\s+of\s+them))",
    r"\b(?:the\s+)?(?P<d>\d{1,2})(?:st|nd)?\s+(?:of\s+)?may\b",
    r"(?i:\b(?:\d+|the|some)\s+others\b)",
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})[-./]\s?(?P<m>\d{1,2})(?=\s?(?:일|of))",
]


@pytest.mark.parametrize("pattern", _NUMBERED)
@settings(deadline=None)
@given(
    words=st.lists(
        st.sampled_from(["5", "12", "1,000", "2019", "-", ".", " ", "  ", "\n", "of", "them", "five", "the",
                         "may", "1st", "2nd", "others", "some", "일", "x", "١٢", "Of", "THEM"]),
        max_size=24,
    )
)  # fmt: skip
def test_scanners_past_numbers_match_finditer(pattern: str, words: list[str]) -> None:
    text = "".join(words)
    scanner = _scanner(pattern)
    expected = [(m.span(), m.groupdict()) for m in scanner.pattern.finditer(text)]
    assert [(m.span(), m.groupdict()) for m in scanner.finditer(text)] == expected


def _heads_then_units(heads: int) -> set[str]:
    # Heads of three letters, no one of them all one class ("wa[a-z]" would parse as a set).
    words = "|".join(f"w{chr(97 + i // 5)}{chr(97 + i % 5)}" for i in range(heads))
    return _opening_strings(rf"(?:{words})\s+(?:days?|weeks?|months?|years?)\s+ago")


def test_too_many_continuations_are_cut_short_not_dropped() -> None:
    """Sixty heads, each followed by eight tails: each head keeps the start of what follows."""
    found = _heads_then_units(60)
    assert len({o[:3] for o in found}) == 60
    assert all(len(o) > 3 and not o.endswith("ago") for o in found)


def test_a_few_hundred_continuations_are_spelt_out() -> None:
    """Twenty-five heads by eight tails ("two days ago" ... "ten years ago") stay whole: cut to the
    heads and a space, every "a " or "two " of a text would be tried."""
    found = _heads_then_units(25)
    assert len(found) == 200
    assert f"waa{SPACE}days{SPACE}ago" in found


def test_openings_after_an_optional_head_with_too_many_continuations_stay_known() -> None:
    """An optional head ("early", "the end of") before many month names: the months still open a
    match when the head is absent, so the pattern keeps its place in the shared index."""
    months = "|".join(
        ["January", "February", "March", "April", "May", "June", "July", "August"]
        + ["September", "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul"]
        + ["Aug", "Sept", "Sep", "Oct", "Nov", "Dec"]
    )
    pattern = rf"(?:\b(?:early|mid|late|the\s+end\s+of)[- ]?)?\b(?:{months})\.?(?:\s*,?\s*\d{{4}})?"
    found = _opening_strings(pattern)
    assert "" not in found
    assert {"early", "mid", "late", "january", "dec"} <= found
    assert Scanner(re.compile(pattern))._member is not None  # noqa: SLF001


_FOLLOWED = [
    r"(?i:\b(?:(?P<n>\d+|an?|two)\s+(?:days?|weeks?)\s+ago|the\s+(?:past|last)\s+week)\b)",
    r"(?:\b(?:early|mid|the\s+end\s+of)[- ]?)?\b(?:may|june|jun)\.?\s+\d{1,2}",
    r"(?i:\b(?:the|a|an?\s+\w+)\s+couple\b(?!\s+of\b))",
    r"(?i:\b(?:ab|a)c?\s*d\b)",
    r"(?i:\b(?:(?:in|at)\s+least|over)\s+(?P<n>\d+)\s+people)",
]


@pytest.mark.parametrize("pattern", _FOLLOWED)
@settings(deadline=None)
@given(text=st.text(alphabet="a anabcd 12 two days DAYS ago the last past week may june jun. early mid-"
                    "end of couple At least over people\n\t", max_size=80))  # fmt: skip
def test_scanners_with_followed_openings_match_finditer(pattern: str, text: str) -> None:
    scanner = _scanner(pattern)
    expected = [(m.span(), m.groupdict()) for m in scanner.pattern.finditer(text)]
    assert [(m.span(), m.groupdict()) for m in scanner.finditer(text)] == expected


_SCANNERS: dict[str, Scanner] = {}


def _scanner(pattern: str) -> Scanner:
    # One per pattern: every scanner joins the process-wide index of openings.
    if pattern not in _SCANNERS:
        _SCANNERS[pattern] = Scanner(re.compile(pattern))
    return _SCANNERS[pattern]


def test_the_hangul_and_han_name_pass_is_skipped_on_ascii_text() -> None:
    scanner = NameScanner(name_parts(["Yanji", "Tumen", "선양", "단둥시", "丹东"]))
    mixed = fold("Yanji; 선양에서 단둥시 丹东, TUMEN")
    expected = [m.span() for m in scanner.pattern.finditer(mixed)]
    assert [m.span() for m in scanner.finditer(mixed)] == expected
    assert [mixed[a:b] for a, b in expected] == ["yanji", "선양", "단둥시", "丹东", "tumen"]
    scanner._other = _NoPass()  # type: ignore[assignment]  # noqa: SLF001
    text = fold("Yanji, then tumen; xyanji")
    assert [m.span() for m in scanner.finditer(text)] == [(0, 5), (12, 17)]
    with pytest.raises(AssertionError):  # a text with Hangul still gets the pass
        list(scanner.finditer(mixed))


def test_the_shared_index_skips_its_anywhere_pass_on_ascii_text() -> None:
    index = scan._SharedIndex()  # noqa: SLF001
    member = index.register((frozenset({"held"}), frozenset({"체포"})))
    at_start, after_break, _ = index._build()  # noqa: SLF001
    index._built = (at_start, after_break, _NoPass())  # type: ignore[assignment]  # noqa: SLF001
    text = "Fictional: 3 people were held, then held again."
    assert index.positions(text, text.lower(), member) == [text.index("held"), text.rindex("held")]
    korean = "허구: 3명이 체포됐다."
    with pytest.raises(AssertionError):
        index.positions(korean, korean.lower(), member)


@settings(deadline=None)
@given(text=st.text(alphabet="ab \n\r\t", max_size=40))
def test_lines_are_the_runs_between_line_breaks(text: str) -> None:
    assert _lines(text) == [m.span() for m in _LINE.finditer(text)]


@settings(deadline=None)
@given(before=st.text(alphabet="Mr.Dr. St.ab A.B\nxy", max_size=30))
def test_the_abbreviation_test_reads_only_the_tail(before: str) -> None:
    assert _ends_with_abbreviation(before) == (_ABBREVIATION.search(before) is not None)


_KOREAN_WITH_NAMES = st.sampled_from(
    ["선양", "에서", " ", "Yanji", "yanji", "TUMEN", "Sin", "uiju", "x", "-", "3", "."]
)


@settings(deadline=None)
@given(pieces=st.lists(_KOREAN_WITH_NAMES, max_size=30))
def test_latin_names_in_korean_text_are_found_by_their_first_letters(pieces: list[str]) -> None:
    """In a text mostly in Hangul the Latin names are looked for at their first letters, not after
    every character that is not a Latin letter (nearly all of them there): same matches."""
    scanner = NameScanner(name_parts(["Yanji", "Tumen", "Sin-uiju", "선양"]))
    text = fold("중국 선양에서 " * 60 + "".join(pieces))
    expected = [m.span() for m in scanner.pattern.finditer(text)]
    scanner._latin._after = _NoPass()  # type: ignore[assignment]  # noqa: SLF001
    scanner._latin._at_start = _NoPass()  # type: ignore[assignment]  # noqa: SLF001
    assert [m.span() for m in scanner.finditer(text)] == expected


def test_latin_names_in_english_text_are_looked_for_after_word_breaks() -> None:
    scanner = NameScanner(name_parts(["Yanji", "Tumen", "Sin-uiju"]))
    text = fold("Held in “Yanji”, then Sin uiju; xyanji and 중국Tumen.")
    expected = [m.span() for m in scanner.pattern.finditer(text)]
    assert [text[a:b] for a, b in expected] == ["yanji", "sin uiju", "tumen"]
    scanner._latin._letters = _NoPass()  # type: ignore[assignment]  # noqa: SLF001
    assert [m.span() for m in scanner.finditer(text)] == expected


def test_the_gazetteer_reads_latin_names_of_places_and_agencies_with_one_trie() -> None:
    """One trie of the Latin names of both lists: the engine reads the text once at each position,
    where two tries read it twice; the positions are those of the two lists' passes together."""
    from refwatch.extract.gazetteer import load_gazetteer
    from refwatch.extract.gazetteer.matcher import LatinPass

    gazetteer = load_gazetteer()
    shared = gazetteer._place_scanner._latin  # noqa: SLF001
    assert shared is gazetteer._actor_scanner._latin  # noqa: SLF001
    assert shared._after.pattern.count("(?<![") == 1  # type: ignore[union-attr]  # noqa: SLF001
    places = LatinPass(name_parts(["Yanji", "Sin-uiju", "China"]))
    agencies = LatinPass(name_parts(["police", "Chinese police", "border guards"]))
    both = LatinPass(name_parts(["Yanji", "Sin-uiju", "China", "police", "Chinese police", "border guards"]))
    text = fold("Chinese police in Yanji; sinuiju border-guards, china's police; xyanji policemen")
    assert both.starts(text) == sorted(set(places.starts(text)) | set(agencies.starts(text)))


def test_scanners_of_the_text_at_hand_read_its_positions_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the index has read a text, the other scanners of that text look their positions up
    without lowering the text or calling the index again (most of them find nothing)."""
    held, freed = _scanner(r"(?i:\bheld\b)"), _scanner(r"(?i:\bfreed\b)")
    text = "Fictional: 3 people were HELD, then freed."
    assert [m.group() for m in held.finditer(text)] == ["HELD"]

    def boom(*args: object) -> None:
        raise AssertionError("looked up again")

    monkeypatch.setattr(scan, "lowered", boom)
    monkeypatch.setattr(scan._SharedIndex, "positions", boom)  # noqa: SLF001
    assert [m.group() for m in freed.finditer(text)] == ["freed"]
    assert [m.group() for m in held.finditer(text)] == ["HELD"]


_TALLY_SAMPLES = st.sampled_from(
    ["since 2019", "2019-2021", "2019 to 2022", "every year", "a year", "held", "currently", "now", "연간",
     "이후", "매년", "in total", "at least", "the", " ", ",", "7", "2020", "arrested", "구금", "현재"]
)  # fmt: skip


@settings(deadline=None)
@given(pieces=st.lists(_TALLY_SAMPLES, max_size=12))
def test_the_tally_word_screen_is_substring_tests(pieces: list[str]) -> None:
    """Whether a sentence may hold a tally is told by a substring test per cue word (and one
    pattern for a span of years): the same answer as one alternation of all the words, which the
    engine tried at every position of the sentence."""
    from refwatch.extract import tallies

    low = "".join(pieces)
    words = [*tallies._ANY_TALLY_WORDS, r"(?:19|20)\d\d\D{1,12}(?:19|20)\d\d"]  # noqa: SLF001
    alternation = re.compile("|".join([*map(re.escape, words[:-1]), words[-1]]))
    custody = re.compile("|".join(map(re.escape, tallies._CUE_WORDS["held"][0])))  # noqa: SLF001
    expected = bool(alternation.search(low)) or (
        custody.search(low) is not None and any(w in low for w in tallies._CUE_WORDS["held"][1])  # noqa: SLF001
    )
    assert tallies._may_hold_tally(low) == expected  # noqa: SLF001


def test_the_conditional_of_a_clause_is_searched_only_where_its_words_occur() -> None:
    """ "if", "unless", "whether", "once": most clauses hold none, which substring tests tell for
    less than a search that starts the pattern at every position (the gate is tested in
    tests/extract/test_window_gates.py with the other window patterns)."""
    from refwatch.extract import realis, triggers  # the readers are built with the triggers

    assert triggers
    conditionals = [w for w in realis.window_patterns() if "unless" in w.pattern.pattern]
    assert conditionals
    clause = " police said they were Held"
    for window_pattern in conditionals:
        pattern = window_pattern.pattern
        window_pattern.pattern = _NoPass()  # type: ignore[assignment]
        try:
            assert window_pattern.search(clause, scan.window_lowered(clause)) is None
        finally:
            window_pattern.pattern = pattern


def test_a_window_pattern_needs_the_word_every_match_holds() -> None:
    """ "of being $" opens with words found in most windows ("of", "for", "by"), but every match
    holds "being": a window without it is not searched."""
    window_pattern = WindowPattern(re.compile(r"(?i:\b(?:of|for|by)\s+being\s+$)"))
    window_pattern.pattern = _NoPass()  # type: ignore[assignment]
    window = "the fear of arrest by police "
    assert window_pattern.search(window, window_lowered(window)) is None
