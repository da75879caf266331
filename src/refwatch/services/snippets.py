"""Search result snippets (#19): the words around a match, with the match marked.

A snippet is a list of ``(text, is_match)`` pieces, never HTML: the page
escapes every piece and wraps the matches in ``<mark>`` itself, so a document
whose text holds markup (``<script>``) shows it as text. The search matches
the query as one phrase, case-insensitively (see ``storage.search``), and
the snippet finds it the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from refwatch.errors import NotFound
from refwatch.services.documents import show_document
from refwatch.storage.database import Database
from refwatch.storage.visibility import Groups

#: Characters shown on each side of the first match.
CONTEXT = 60
Snippet = list[tuple[str, bool]]


def snippet(text: str, query: str, *, context: int = CONTEXT) -> Snippet:
    """The first match of ``query`` in ``text`` with ``context`` characters either side, every match marked.

    Whitespace runs read as one space; an ellipsis shows where text was cut.
    Empty when the query is not in the text (a match in the title only).

    Examples:
        >>> snippet("Police arrested 12 people in Shenyang on March 3.", "shenyang", context=10)
        [('…people in ', False), ('Shenyang', True), (' on March …', False)]
    """
    needle = " ".join(query.split()).casefold()
    flat = " ".join(text.split())
    folded = flat.casefold()
    if not needle or len(folded) != len(flat):  # casefold changed lengths (ß): positions would not line up
        folded = flat.lower()
        needle = needle.lower() if len(folded) == len(flat) else ""
    first = folded.find(needle) if needle else -1
    if first < 0:
        return []
    start = max(0, first - context)
    end = min(len(flat), first + len(needle) + context)
    pieces: Snippet = []
    position = start
    while True:
        found = folded.find(needle, position, end)
        if found < 0 or found + len(needle) > end:
            break
        if found > position:
            pieces.append((flat[position:found], False))
        pieces.append((flat[found : found + len(needle)], True))
        position = found + len(needle)
    if position < end:
        pieces.append((flat[position:end], False))
    if start > 0:
        pieces.insert(0, ("…", False))
    if end < len(flat):
        pieces.append(("…", False))
    merged: Snippet = []
    for piece in pieces:  # "…" joins the plain text beside it
        if merged and not piece[1] and not merged[-1][1]:
            merged[-1] = (merged[-1][0] + piece[0], False)
        else:
            merged.append(piece)
    return merged


def document_snippets(
    db: Database, cards: Iterable[Mapping[str, Any]], query: str | None, *, visible_groups: Groups
) -> dict[str, Snippet]:
    """Per document key of a page of search results, its snippet (sealed texts are opened as for reading).

    A document the reader may not see (it cannot be in their results) gets none.
    """
    if not query or not query.strip():
        return {}
    found: dict[str, Snippet] = {}
    for card in cards:
        try:
            detail = show_document(db, str(card["key"]), visible_groups=visible_groups, by_key=True)
        except NotFound:
            continue
        found[str(card["key"])] = snippet(detail.text, query)
    return found
