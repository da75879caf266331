"""One rule for text people type into names, reasons, searches and letters: no control characters.

NUL breaks PostgreSQL and the rest have no place in such text; tabs and line
breaks are allowed where a field may span lines.
"""

from __future__ import annotations

import unicodedata

WHITESPACE_CONTROLS = frozenset("\t\n\r")


def has_control_characters(value: str, *, allow_line_breaks: bool = True) -> bool:
    """Whether ``value`` holds a control character (tab and line breaks pass when allowed)."""
    allowed = WHITESPACE_CONTROLS if allow_line_breaks else frozenset()
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in value)
