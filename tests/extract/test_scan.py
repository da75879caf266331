"""The fast scanner must give exactly the matches of ``finditer``."""

from __future__ import annotations

import functools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refwatch.extract.scan import ASCII_CASE_EXTRAS, Scanner


def test_ascii_case_extras_cover_every_code_point() -> None:
    """Only the listed non-ASCII characters match an ASCII letter when case is ignored."""
    letters = re.compile("(?i)[a-z]")
    found: dict[str, str] = {}
    for code in range(0x80, 0x110000):
        char = chr(code)
        if letters.fullmatch(char):
            base = next(c for c in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(f"(?i){c}", char))
            found[base] = found.get(base, "") + char
    assert found == ASCII_CASE_EXTRAS


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?i:\b(?:s(?:ent|ends?)(?:\s+\w+){0,3}?\s+back|kept|issue)\b)",
        r"(?i:(?:publicly\s+)?executed)",
        r"(?:북한|北|북)(?:으로)?\s?송환|체포",
        r"(?<![\d.])(?P<y>(?:19|20)\d{2})[-./](?P<m>\d{1,2})",
        r"(?i:\b(?P<btw>between\s+)?(?P<n>\d+)(?:\s*(?(btw)and|to)\s*\d+)?\s+people)",
        r"\d*x",  # the scout cannot skip here: plain finditer
    ],
)
def test_scanner_matches_finditer(pattern: str) -> None:
    compiled = re.compile(pattern)
    text = (
        "Sent them back; SENT BACK. \u017fent x back, Kept, \u212aept. Issue ıssue İssue. publicly EXECUTED "
        "executed. 북한으로 송환, 北송환 체포 2013-05 x12.2019-1 between 3 and 4 people, 5 to 6 people "
        "between 7 to 8 people 1x 22x"
    )
    for sample in (text, text.lower(), text.upper(), ""):
        expected = [(m.span(), m.groupdict()) for m in compiled.finditer(sample)]
        assert [(m.span(), m.groupdict()) for m in Scanner(compiled).finditer(sample)] == expected


def test_screen_finds_the_same_matches() -> None:
    pattern = re.compile(r"(?i:(?P<btw>between\s+)?(?P<n>\d+)(?:\s*(?(btw)and|to)\s*\d+)?\s+people)")
    screen = re.compile(r"(?i:(?P<btw>between\s+)?(?P<n>\d+)(?:\s*(?:and|to)\s*\d+)?\s+people)")
    text = "between 7 to 8 people, between 2 and 3 people, 4 to 5 people, 6 and 7 people"
    scanner = Scanner(pattern, screen=screen)
    assert scanner.fast
    assert [m.span() for m in scanner.finditer(text)] == [m.span() for m in pattern.finditer(text)]


def test_lowering_keeps_non_word_characters_non_word() -> None:
    """The shared index relies on it: a non-word character before a match stays one in the lowered text."""
    word = re.compile(r"\w")
    changed = [
        hex(code)
        for code in range(0x110000)
        if not word.match(chr(code)) and any(word.match(c) for c in chr(code).lower())
    ]
    assert changed == []


INDEXED_PATTERNS = [
    r"(?i:\b(?:arrest(?:ed|ing)?|detain(?:ed)?|held)\b)",
    r"(?i:\b(?:the|these|among\s+the)\s+(?P<n>\d+)\s+(?:people|men)\b)",
    r"(?i:\b(?:(?:last|this)\s+(?:week|month)|(?P<n>\d+)\s+days\s+ago)\b)",
    r"(?i:\b(?:the\s+group|the\s+defectors)\b)|(?:이들|탈북자들)",
    r"(?:체포|검거)(?:됐|되)",
    r"(?i:\babab\b)|(?:aba)",
]


@pytest.mark.parametrize("pattern", INDEXED_PATTERNS)
def test_indexed_scanners_match_finditer(pattern: str) -> None:
    """Scanners served by the shared index find exactly what ``finditer`` finds, overlaps included."""
    compiled = re.compile(pattern)
    scanner = Scanner(compiled)
    assert scanner._member is not None  # noqa: SLF001 - the index must serve this pattern
    others = [Scanner(re.compile(p)) for p in INDEXED_PATTERNS]  # share the index with the rest
    text = (
        "Arrested, then ARRESTING; unheld. held\u00a0detained. The 12 people, these\n3 men, "
        "AMONG THE 4 people; "
        "last week, this\tmonth, ٣ days ago, 7 days ago. The group: 이들과 탈북자들이 체포됐다, 검거되어 "
        "ababab abab aba x4 days ago,the defectors"
    )
    for sample in (text, text.lower(), text.upper(), "", "held", "ababa"):
        expected = [(m.span(), m.groupdict()) for m in compiled.finditer(sample)]
        assert [(m.span(), m.groupdict()) for m in scanner.finditer(sample)] == expected
        for other in others:  # each in turn, over the same text, as the finders do
            assert [m.span() for m in other.finditer(sample)] == [
                m.span() for m in other.pattern.finditer(sample)
            ]


def test_patterns_that_may_start_anywhere_with_a_digit_stay_out_of_the_index() -> None:
    assert Scanner(re.compile(r"(?P<n>\d+)\s+days")).finditer  # still a working scanner
    assert Scanner(re.compile(r"(?P<n>\d+)\s+days"))._member is None  # noqa: SLF001


_GATED = [
    r"\b(?:she|her|he|him)\b",
    r"(?<![\d.])(?P<d>\d{1,2})\s?일(?!\s?동안)",
    r"(?P<y>(?:19|20)\d{2})\s?[년年]\s?(?P<m>\d{1,2})\s?[월月]",
    r"(?:(?P<n>\d+)|(?P<kn>한|두))\s?(?P<unit>일|주|달)\s?(?:전|前)",
    r"(?i:(?:\d+|the|some)\s+others\b|\bother\s+(?:defectors|refugees))",
]


@functools.cache
def _scanner(pattern: str, flags: int) -> Scanner:
    # One per pattern: every scanner joins the process-wide index of openings.
    return Scanner(re.compile(pattern, flags))


@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
@pytest.mark.parametrize("pattern", _GATED)
@settings(deadline=None)
@given(
    text=st.text(alphabet="she rHIMİıſK 12 019 20일년年월月전前한두주달 others OTHER defectors.", max_size=60)
)
def test_gated_and_case_ignoring_scanners_match_finditer(pattern: str, flags: int, text: str) -> None:
    scanner = _scanner(pattern, flags)
    expected = [(m.span(), m.groupdict()) for m in scanner.pattern.finditer(text)]
    assert [(m.span(), m.groupdict()) for m in scanner.finditer(text)] == expected


def test_a_pattern_compiled_with_ignorecase_is_scanned_quickly() -> None:
    """re.IGNORECASE as a flag used to mean plain ``finditer`` over the whole text."""
    scanner = Scanner(re.compile(r"\b(?:she|her|he|him)\b", re.IGNORECASE))
    assert scanner.fast or scanner._member is not None
    text = "SHE and Him; hers, the ſhe, he."
    assert [m.span() for m in scanner.finditer(text)] == [
        m.span() for m in re.finditer(r"\b(?:she|her|he|him)\b", text, re.IGNORECASE)
    ]


class _NoScout:
    """Stands in for a scout that must not run."""

    def finditer(self, text: str) -> None:
        raise AssertionError("scouted a text that cannot hold a match")


def test_a_text_without_any_character_a_match_needs_is_not_scanned() -> None:
    scanner = Scanner(re.compile(r"(?<![\d.])(?P<d>\d{1,2})\s?일(?!\s?동안)"))
    assert scanner._member is None and scanner.fast
    scanner._scout = _NoScout()  # type: ignore[assignment]
    assert list(scanner.finditer("Fictional: 12 people were held on the 3rd, 2019.")) == []
