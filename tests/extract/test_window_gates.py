"""Speed paths of the finders' context checks (issues 16 and 20), each pinned and each checked
against the plain pass on made-up text.

* a pattern searched in the words before a trigger or a date is skipped when the
  window holds none of its opening words (``scan.WindowPattern``);
* the owners of each opening in the shared index are found from its own prefixes
  (``scan._closure``), not by comparing every pair of openings;
* mentions are records (``extract.records``): equal and hashed by their fields as
  before, built without the frozen guard's cost.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refwatch.extract import dates, realis, scan
from refwatch.extract.gazetteer.matcher import LatinPass, NameScanner, fold, name_parts
from refwatch.extract.mentions import Span, Trigger
from refwatch.extract.scan import WindowPattern, window_lowered

#: Every window pattern of the finders, as searched by the realis readers and ``dates._role``.
WINDOW_PATTERNS = [
    *realis.window_patterns(),
    dates._SINCE_BEFORE,
    dates._REPORT_BEFORE,
    dates._AS_OF_BEFORE,
    dates._FUTURE_BEFORE,
    dates._LIFE_BEFORE_EN,
    dates._SINCE_AFTER,
    dates._REPORT_AFTER_KO,
]

#: Words the windows are made of: the patterns' own opening words and connectives, common words,
#: Korean particles and a few characters whose lower case is not what the gate reads.
WORDS = (
    "about to be at risk of being not to accused condemned for since until as of said told reported "
    "announced according will would later going to scheduled expected deadline routinely often usually "
    "being was were born lived grew up the police on in at last week Monday 2019 March 3 , . ; "
    "if unless whether once If ONCE who whose escaped defected Being "
    "부터 이후 밝혔다 전했다 현재 기준 까지 \u0130 \u0131 \u017f K Ä"
).split()


@pytest.mark.parametrize("window_pattern", WINDOW_PATTERNS, ids=lambda p: p.pattern.pattern[:30])
@settings(max_examples=150, deadline=None)
@given(words=st.lists(st.sampled_from(WORDS), max_size=14), spaces=st.sampled_from([" ", "  ", "\n", ""]))
def test_a_window_pattern_finds_what_search_finds(
    window_pattern: WindowPattern, words: list[str], spaces: str
) -> None:
    window = spaces.join(words) + spaces
    expected = window_pattern.pattern.search(window)
    found = window_pattern.search(window, window_lowered(window))
    assert (found and found.span()) == (expected and expected.span())


def test_a_window_without_any_opening_word_is_not_searched() -> None:
    """The gate decides without running the pattern (a pattern object that must not run stands in)."""

    class Refuses:
        pattern = "x"
        flags = re.IGNORECASE

        def search(self, *args: object) -> None:
            raise AssertionError("searched a window that holds none of the opening words")

    gated = WindowPattern(re.compile(r"(?i:\b(?:said|told)\s+(?:on\s+)?$)"))
    object.__setattr__(gated, "pattern", Refuses())
    assert (
        gated.search("Police arrested five people on ", window_lowered("Police arrested five people on "))
        is None
    )
    with pytest.raises(AssertionError):
        gated.search("the ministry said on ", window_lowered("the ministry said on "))


def test_a_window_with_a_character_whose_lower_case_misleads_is_always_searched() -> None:
    """ "İ" lowers to two characters: such a window is not gated at all."""
    assert window_lowered("SAİD on ") is None
    gated = WindowPattern(re.compile(r"(?i:said\s+on\s+$)"))
    assert gated.search("said on ", None) is not None


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.text(alphabet="ab ", min_size=1, max_size=5),
        st.sets(st.integers(min_value=0, max_value=6), min_size=1, max_size=3),
        max_size=25,
    )
)
def test_owners_of_an_opening_are_those_of_every_opening_it_begins_with(owners: dict[str, set[int]]) -> None:
    expected = {
        found: tuple(sorted({m for opening, ms in owners.items() if found.startswith(opening) for m in ms}))
        for found in owners
    }
    assert scan._closure(owners) == expected


def test_mentions_compare_and_hash_by_their_fields() -> None:
    """What the finders and assembly rely on: equal fields are equal mentions, usable as keys,
    and ``dataclasses.replace`` makes a changed copy."""
    assert Span(3, 9) == Span(3, 9)
    assert len({Span(3, 9), Span(3, 9), Span(3, 10)}) == 2
    trigger = Trigger(start=0, end=8, text="arrested", types=("arrest",), realis=True)
    assert dataclasses.replace(trigger, realis=False) != trigger
    assert dataclasses.is_dataclass(trigger)


#: Made-up place and agency names, Latin and Korean, some sharing their first word.
PLACES = ["Yanji", "Tumen", "North Hamgyong", "Sin-uiju", "선양", "단둥시"]
AGENCIES = ["police", "border police", "public security", "공안", "North Korean police"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            PLACES + AGENCIES + ["north", "yanjing", "police,", "x", "-", "  ", "3", "에서", "the"]
        ),
        max_size=12,
    ),
    st.sampled_from([" ", "", ", "]),
)
def test_places_and_agencies_sharing_one_latin_pass_find_what_each_pattern_finds(
    words: list[str], glue: str
) -> None:
    """Each scanner tries its own pattern where the Latin names of either list begin: the matches are
    exactly those of its pattern's ``finditer`` (names of the other list do not match there)."""
    places, agencies = name_parts(PLACES), name_parts(AGENCIES, hangul_left_boundary=False)
    shared = LatinPass(places, agencies)
    place_scanner, agency_scanner = NameScanner(places, latin=shared), NameScanner(agencies, latin=shared)
    text = fold(glue.join(words))
    for scanner in (place_scanner, agency_scanner):
        assert [m.span() for m in scanner.finditer(text)] == [
            m.span() for m in scanner.pattern.finditer(text)
        ]


def test_one_latin_pass_serves_both_scanners_of_a_text() -> None:
    """The second scanner reads the positions the first one's pass found: the pass runs once per text."""
    places, agencies = name_parts(PLACES), name_parts(AGENCIES)
    shared = LatinPass(places, agencies)
    text = fold("Border police held them in Yanji, then in Tumen.")
    first = shared.starts(text)
    assert shared.starts(text) is first
    assert [text[i : i + 5] for i in first] == ["borde", "polic", "yanji", "tumen"]
