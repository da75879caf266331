"""The fast scanner must give exactly the matches of ``finditer``."""

from __future__ import annotations

import re

import pytest

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
