"""Segmentation: sentences and heading lines with exact offsets, page clutter marked.

Reports arrive as text scraped from web pages, with menus, share buttons, like
counters ("좋아요 0"), bylines and contact boxes around the article. Those lines
are kept (offsets must stay valid) but marked ``clutter`` so that no finder
reads an incident out of them. Sentences never cross a line break: headlines,
timeline rows and captions are their own units.
"""

from __future__ import annotations

import re
from typing import Final

from refwatch.extract.mentions import Sentence
from refwatch.extract.scan import Scanner
from refwatch.languages import calendar

_LINE: Final = re.compile(r"[^\n]+")
# A sentence ends at . ! ? 。 ！ ？ (and closing quotes/brackets) followed by white space.
_END: Final = re.compile(r"[.!?。！？…]+[\"'”’)\]]*(?=\s)|[。！？]")
#: Finds exactly ``_END``'s matches, skipping to the end marks (the pattern alone is tried everywhere).
_END_SCANNER: Final = Scanner(_END)
_ABBREVIATION: Final = re.compile(
    r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|St|No|Gen|Sen|Rep|Gov|Lt|Col|"
    r"Capt|Prof|vs|etc|approx|Co|Corp|Inc|Ltd|Jr|Sr|Mt)|\b[A-Z]|\b(?:[A-Z]\.)+[A-Z])$"
)
_CLUTTER: Final = re.compile(
    r"^\s*(?:skip to|go to contents|share|tweet|print|email|comments?\b|related|advertisement|copyright|"
    r"all rights? reserved|subscribe|sign in|log ?in|menu|home\b|next post|previous post|read more|"
    r"cite\s+as\b|suggested\s+citation|how\s+to\s+cite|"
    r"좋아요|슬퍼요|화나요|댓글|공유|구독|제보하기|카카오톡|전화\s*:|이메일\s*:|▷|■|무단\s*전재|지금 뜨는|"
    r"기사\s*(?:원문|제보)|저작권)",
    re.IGNORECASE,
)
# "1. " or "12. " opening a line is list numbering, not a sentence of its own.
_LIST_NUMBER: Final = re.compile(r"\s*\d{1,3}")
# "• November 2016. Police detained ...": a date opening a line or a bulleted item heads the item
# (a chronology's row), and the item's sentence is dated by it.
_MONTH: Final = "(?i:" + "|".join(sorted(calendar("en").months, key=len, reverse=True)) + ")"
_YEAR: Final = r"(?:19|20)\d{2}"
_DATE_HEADING: Final = re.compile(
    rf"\s*(?:[•·*\-–—]\s*)?(?:(?:{_MONTH}\.?\s+(?:\d{{1,2}},?\s+)?|\d{{1,2}}\s+{_MONTH}\s+){_YEAR}"
    rf"|{_YEAR}\s?년(?:\s?\d{{1,2}}\s?월)?(?:\s?\d{{1,2}}\s?일)?)"
)
_BULLETED: Final = re.compile(r"\s*[•·*\-–—]")
_EMAIL: Final = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_LETTER: Final = re.compile(r"[^\W\d_]")


def is_clutter(line: str) -> bool:
    """Whether a line is page furniture rather than article text.

    Furniture is a known menu/share/counter word at the start, a line with an
    e-mail address that is short (a byline), or a line with hardly any letters.
    """
    if _CLUTTER.search(line):
        return True
    # The length and the "@" are checked first: the e-mail pattern is slow to reject long lines.
    if len(line) < 80 and "@" in line and _EMAIL.search(line):
        return True
    first = _LETTER.search(line)
    return first is None or _LETTER.search(line, first.end()) is None


_ABBREVIATION_CHARS: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz."


def _ends_with_abbreviation(before: str) -> bool:
    """``_ABBREVIATION.search(before)``, reading only the tail of ``before``.

    A match is made of ASCII letters and dots and ends the string (or stands
    just before a final line break, where ``$`` also matches), so it lies
    within the trailing run of such characters; searching from the start of
    that run gives the same answer (``\\b`` still sees the character before it)
    without reading the whole sentence again at every full stop.
    """
    core = before[:-1] if before.endswith("\n") else before
    pos = len(core.rstrip(_ABBREVIATION_CHARS))  # the start of the trailing run, found in C
    return _ABBREVIATION.search(before, pos) is not None


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences and lines; offsets index ``text`` unchanged.

    Examples:
        >>> text = "Fictional. They left.\\nA line"
        >>> [text[s.start:s.end] for s in split_sentences(text)]
        ['Fictional.', 'They left.', 'A line']
    """
    sentences: list[Sentence] = []
    seen: set[str] = set()
    paragraph = 0
    last_end = 0
    for base, line_end in _lines(text):
        if text.count("\n", last_end, base) > 1:
            paragraph += 1
        last_end = line_end
        body = text[base:line_end]
        if not body.strip():
            continue
        clutter = is_clutter(body)
        start = 0
        for end_match in _END_SCANNER.finditer(body):
            cut = end_match.end()
            before = body[start : end_match.start()]
            if end_match.group().startswith(".") and (
                _ends_with_abbreviation(before)
                or (start == 0 and _LIST_NUMBER.fullmatch(before))
                or ((start == 0 or _BULLETED.match(before)) and _DATE_HEADING.fullmatch(before))
            ):
                continue
            _append(sentences, text, base + start, base + cut, paragraph, clutter, seen)
            start = cut
        _append(sentences, text, base + start, base + len(body), paragraph, clutter, seen)
    return sentences


def _lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each match of ``_LINE`` (the non-empty runs between line breaks).

    Found with ``str.find``, which skips to the next break far faster than the
    regex engine steps through a character class.

    Examples:
        >>> _lines("a\\n\\nbc\\n")
        [(0, 1), (3, 5)]
    """
    out = []
    pos, size = 0, len(text)
    while pos < size:
        end = text.find("\n", pos)
        if end == -1:
            end = size
        if end > pos:
            out.append((pos, end))
        pos = end + 1
    return out


#: Bullets and quotes around a repeated headline ("• “...”" in a list of related articles).
_WRAPPING: Final = "•·*-–—\"'“”‘’ \t"
#: Shorter lines ("정치", "Share") repeat without being the same statement twice.
_REPEAT_MIN_CHARS: Final = 20


def _append(
    out: list[Sentence], text: str, start: int, end: int, paragraph: int, clutter: bool, seen: set[str]
) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        # A sentence the page already gave (the headline again in a list of related articles,
        # the article printed twice) tells nothing new: read as new, it would start a second
        # incident or join the wrong one.
        key = text[start:end].strip(_WRAPPING)
        if len(key) >= _REPEAT_MIN_CHARS:
            clutter = clutter or key in seen
            seen.add(key)
        out.append(Sentence(start=start, end=end, index=len(out), paragraph=paragraph, clutter=clutter))
