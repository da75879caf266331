"""One compiled regular expression that finds every gazetteer name in a text.

Names are grouped by the script they start with, because each script needs its
own boundary rule:

* Latin names need word boundaries on both sides ("Yanji" must not match inside
  "Yanjing"); a space or hyphen in a name matches any run of spaces, hyphens,
  dots and apostrophes, so "Sin-uiju" also finds "Sinuiju" and "Sin uiju".
  Case and accents are handled by matching against :func:`fold` of the text,
  a lower-cased, accent-stripped copy of exactly the same length, so offsets
  found in it are offsets in the original ("Sinŭiju", "Lạng Sơn", "TUMEN").
  Folding the text instead of writing accent classes into the pattern keeps
  the pattern almost all literals, which is what makes it quick to compile.
* Korean names take particles and suffixes (선양에서, 단둥시), so anything may
  follow them; names of one or two syllables must not be preceded by another
  syllable, which keeps 중국 out of 남중국해.
* Chinese names have no word boundaries at all.

Each script's names are folded into a trie before being turned into a pattern,
so the regex engine never tries thousands of alternatives at one position: the
first character rules out almost all of them. Longer names come first in every
branch, which gives longest-match semantics. The checks that need the text after
a match (ambiguous names that must be followed by 시/군/市/县, single Chinese
characters that must stand alone) are done by the caller on the few hits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

from refwatch.extract import patterns


def _strip_marks(text: str) -> str:
    """Accents removed from Latin letters; other scripts (Hangul!) left composed."""
    out: list[str] = []
    for char in text:
        if "\u00c0" <= char <= "\u024f" or "\u1e00" <= char <= "\u1eff":
            decomposed = unicodedata.normalize("NFKD", char)
            out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
        else:
            out.append(char)
    return "".join(out)


_LATIN_LETTER = "a-z0-9\u00c0-\u024f\u1e00-\u1eff"
# A separator inside a name matches up to three non-word characters of any kind.
# A character class listing the separators would be stricter, but every class in
# the pattern costs compile time (thousands of them: seconds), while a category
# like \W costs nothing.
_SEP_PATTERN = r"\W{0,3}"


def _accent_table() -> dict[int, str]:
    """Accented Latin letters mapped to their one-letter lower-case base (ŭ -> u, Ạ -> a)."""
    table: dict[int, str] = {}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = _strip_marks(chr(code)).lower()
        if len(base) == 1 and "a" <= base <= "z":
            table[code] = base
    return table


_ACCENTED = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")


def fold(text: str) -> str:
    """Lower-cased, accent-stripped ``text`` of exactly the same length.

    ``str.lower`` keeps the length of every character but U+0130 (İ), which is
    replaced first; the accent table maps one character to one character.
    """
    if "\u0130" in text:
        text = text.replace("\u0130", "I")
    low = text.lower()
    if _ACCENTED.search(low):
        low = low.translate(_ACCENT_TABLE)
    return low


_SEP_TOKEN = "\x00"  # noqa: S105 - a trie marker, not a secret
_ACCENT_TABLE = _accent_table()


def script_of(name: str) -> str:
    """``latin``, ``hangul`` or ``han``: the script of a name's first letter (digits skipped)."""
    first = next((c for c in name if c.isalpha()), name[0])
    if is_hangul(first):
        return "hangul"
    if is_han(first):
        return "han"
    return "latin"


def is_hangul(char: str) -> bool:
    """Whether ``char`` is a precomposed Hangul syllable."""
    return "\uac00" <= char <= "\ud7a3"


def is_han(char: str) -> bool:
    """Whether ``char`` is a CJK unified ideograph (basic block or extension A)."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


@lru_cache(maxsize=65536)
def name_key(surface: str) -> str:
    """The lookup key of a name or of a matched surface.

    Latin keys are case- and accent-folded with separators removed, so every
    surface the pattern can match maps back to the name it came from; all keys
    lose the separators (spaces, hyphens, dots, ·) that the pattern skips.
    Matched surfaces repeat from report to report, so keys are cached.
    """
    if script_of(surface) == "latin":
        folded = _strip_marks(surface).casefold()
        return "".join(c for c in folded if c.isalnum())
    return "".join(c for c in surface if c.isalnum())


def _tokens(name: str) -> tuple[str, ...]:
    """A name as trie tokens: one per character, separators collapsed to one token."""
    latin = script_of(name) == "latin"
    source = _strip_marks(name).lower() if latin else name
    out: list[str] = []
    for char in source:
        if not char.isalnum():
            if out and out[-1] != _SEP_TOKEN:
                out.append(_SEP_TOKEN)
        else:
            out.append(char)
    while out and out[-1] == _SEP_TOKEN:
        out.pop()
    return tuple(out)


_Trie = dict[str, "_Trie"]
_END = ""  # a child key that marks the end of a name; never a real token


#: Above this many branches a trie node dispatches on its next character through
#: nested look-ahead sets instead of trying each branch in turn.
_DISPATCH_WIDTH = 16


def _char_set(chars: Iterable[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


def _dispatch(branches: list[tuple[str, str]]) -> str:
    """Alternatives keyed by first character, as a binary tree of look-ahead sets.

    The regex engine tries the alternatives of a group one after another, so a
    node with 300 branches (the first syllables of every Korean name) costs 300
    comparisons at every position of a Korean text. Splitting the branches in
    halves behind ``(?=[...])`` tests costs about log2(300) set look-ups instead.
    """
    if len(branches) <= _DISPATCH_WIDTH:
        return "|".join(pattern for _, pattern in branches)
    middle = len(branches) // 2
    left, right = branches[:middle], branches[middle:]
    return (
        f"(?={_char_set(t for t, _ in left)})(?:{_dispatch(left)})"
        f"|(?={_char_set(t for t, _ in right)})(?:{_dispatch(right)})"
    )


def _trie_pattern(node: _Trie) -> str:
    letters = sorted(t for t in node if t not in (_END, _SEP_TOKEN))
    branches = [(t, re.escape(t) + _trie_pattern(node[t])) for t in letters]
    body = _dispatch(branches) if branches else ""
    if _SEP_TOKEN in node:
        # Last: the separator can match the empty string.
        sep = _SEP_PATTERN + _trie_pattern(node[_SEP_TOKEN])
        body = f"{body}|{sep}" if body else sep
    if not body:
        return ""
    if len(node) == 1 and len(branches) <= 1:
        return body
    # Greedy "?" keeps longer names ahead of the name that ends here.
    return "(?:" + body + ")" + ("?" if _END in node else "")


def _build_trie(token_lists: Iterable[tuple[str, ...]]) -> _Trie:
    root: _Trie = {}
    for tokens in token_lists:
        node = root
        for token in tokens:
            node = node.setdefault(token, {})
        node[_END] = {}
    return root


def compile_names(names: Iterable[str]) -> re.Pattern[str]:
    """One pattern for all ``names`` with per-script boundaries (see module doc).

    Args:
        names: surface names in any of the three scripts.

    Returns:
        A pattern to run on :func:`fold` of a text; its matches are leftmost
        and, at one position, longest.
    """
    return re.compile(name_pattern(names) or r"(?!x)x")


def name_pattern(names: Iterable[str], *, hangul_left_boundary: bool = True) -> str:
    """The source of :func:`compile_names`' pattern, to combine with others.

    Args:
        names: surface names in any of the three scripts.
        hangul_left_boundary: as for :func:`name_parts`.

    Returns:
        The pattern source; empty when there are no names.
    """
    return "|".join(source for _, _, source in name_parts(names, hangul_left_boundary=hangul_left_boundary))


#: One alternative of a name pattern: its script group, the characters its names
#: begin with, and its source.
NamePart = tuple[str, frozenset[str], str]


def name_parts(names: Iterable[str], *, hangul_left_boundary: bool = True) -> list[NamePart]:
    """The alternatives of :func:`name_pattern`, one per script group, in its order.

    Args:
        names: surface names in any of the three scripts.
        hangul_left_boundary: require that short Korean names are not preceded
            by a syllable. Agency words turn this off, because they are glued
            to the state before them ("중국공안") and are not parts of other words.

    Returns:
        The alternatives; none when there are no names.
    """
    groups: dict[str, set[tuple[str, ...]]] = {"latin": set(), "long": set(), "short": set(), "han": set()}
    for name in set(names):
        tokens = _tokens(name)
        if not tokens:
            continue
        script = script_of(name)
        if script == "hangul":
            script = "long" if sum(is_hangul(c) for c in name) >= 3 else "short"
        groups[script].add(tokens)
    parts: list[NamePart] = []
    for group, members in groups.items():
        if not members:
            continue
        # Each group starts with a test of its possible first characters, so
        # that at most positions the engine rejects it with one set look-up.
        firsts = frozenset(t[0] for t in members)
        first = _char_set(firsts)
        trie = _trie_pattern(_build_trie(members))
        if group == "latin":
            letter = _LATIN_LETTER
            parts.append((group, firsts, f"(?={first})(?<![{letter}])(?:{trie})(?![{letter}])"))
        elif group == "short" and hangul_left_boundary:
            parts.append((group, firsts, f"(?={first})(?<![\uac00-\ud7a3])(?:{trie})"))
        else:
            parts.append((group, firsts, f"(?={first})(?:{trie})"))
    return parts


class LatinPass:
    """Where Latin names may begin in a folded text: after a character that is not a Latin
    letter or digit (or at the start), where one of the names matches.

    Stepping through a text to the starts of its words is most of what a Latin name pass
    costs (the names' trie is cheap beside it), so scanners that read the same texts
    (places and agencies) share one pass over the names of both; each then tries its
    own pattern at the positions found, where names of the other simply do not match.
    The last text's positions are kept, read and replaced whole (threads never mix them).

    In a text mostly in another script (Korean) nearly every character is "not a Latin
    letter", so the pass after such characters would try the names at almost every
    position; there it steps instead to the letters the names begin with, which are
    few. Both find exactly the positions where a name matches (every name checks the
    character before it itself); only the number of places tried differs.
    """

    __slots__ = ("_at_start", "_after", "_letters", "_last")

    def __init__(self, *name_lists: list[NamePart]) -> None:
        latin_parts = [
            (firsts, source) for parts in name_lists for group, firsts, source in parts if group == "latin"
        ]
        latin = "|".join(source for _, source in latin_parts)
        self._at_start = patterns.compile(latin) if latin else None
        self._after = patterns.compile(f"[^{_LATIN_LETTER}](?=(?:{latin}))") if latin else None
        first = _char_set({c for firsts, _ in latin_parts for c in firsts})
        # Consume a first letter (so the engine skips to those letters), look back over it and
        # check the names there (as NameScanner does for the other scripts).
        self._letters = patterns.compile(f"{first}(?<=(?=(?:{latin})){first})") if latin else None
        self._last: tuple[str | None, list[int]] = (None, [])

    def starts(self, folded: str) -> list[int]:
        """Sorted positions in ``folded`` where a Latin name of any of the lists begins."""
        last, found = self._last
        if last is folded:
            return found
        found = []
        if self._letters is not None and _mostly_other_script(folded):
            found = [hit.start() for hit in self._letters.finditer(folded)]
        elif self._at_start is not None and self._after is not None:
            if self._at_start.match(folded):
                found.append(0)
            found.extend(hit.end() for hit in self._after.finditer(folded))
        self._last = (folded, found)
        return found


def _mostly_other_script(text: str) -> bool:
    """Whether most of ``text`` is in scripts other than Latin (Hangul, Han), told cheaply.

    Such characters take three bytes in UTF-8, Latin letters and punctuation one
    (curly quotes and dashes in English text are too few to matter). The answer
    only chooses between two passes that find the same positions.
    """
    return not text.isascii() and len(text.encode("utf-8", "surrogatepass")) > 2 * len(text)


class NameScanner:
    """``finditer`` of a pattern made of name parts, skipping quickly to where names can begin.

    Every part opens with a look-ahead, so the engine starts the whole pattern at
    every position of the text. Latin names never follow a letter or digit, so
    they are looked for only just after another character (and at the start):
    in English text a fifth of the positions rather than all. Names in other
    scripts are looked for where their first characters stand. The pattern is
    then tried at those positions in order, keeping the leftmost match after the
    previous one: exactly the matches of ``pattern.finditer``.

    Examples:
        >>> scanner = NameScanner(name_parts(["Yanji", "Tumen", "선양"]))
        >>> [m.span() for m in scanner.finditer(fold("Yanji, tumen; 선양에서 xyanji"))]
        [(0, 5), (7, 12), (14, 16)]
    """

    __slots__ = ("pattern", "_latin", "_other")

    def __init__(self, parts: list[NamePart], *, latin: LatinPass | None = None) -> None:
        """Args:
        parts: alternatives from :func:`name_parts` (of one or more name lists), in order.
        latin: a pass shared with other scanners of the same texts, which must cover the
            Latin names of ``parts``; by default one of this scanner's own.
        """
        self.pattern = patterns.compile("|".join(source for _, _, source in parts) or r"(?!x)x")
        other = "|".join(source for group, _, source in parts if group != "latin")
        self._latin = latin if latin is not None else LatinPass(parts)
        self._other: re.Pattern[str] | None = None
        if other:
            first = _char_set({c for group, firsts, _ in parts if group != "latin" for c in firsts})
            # Consume a first character (so the engine skips to them), look back over it
            # and check the names there: every position where one begins, overlaps included.
            self._other = patterns.compile(f"{first}(?<=(?=(?:{other})){first})")

    def finditer(self, folded: str) -> Iterator[re.Match[str]]:
        """The matches of ``self.pattern.finditer(folded)``, identical in every respect."""
        starts = self._latin.starts(folded)  # shared: never changed here
        # A name outside the Latin group holds a Hangul or Han letter (that is what put it there, see
        # script_of), which the pattern matches literally: an all-ASCII text (most English reports)
        # holds none of them, and their pass over the whole text is skipped.
        if self._other is not None and not folded.isascii():
            others = [hit.start() for hit in self._other.finditer(folded)]
            if starts and others:
                starts = sorted(starts + others)
            else:
                starts = starts or others
        match = self.pattern.match
        last = 0
        for start in starts:
            if start < last:
                continue
            found = match(folded, start)
            if found is None:
                continue
            last = found.end()
            yield found
