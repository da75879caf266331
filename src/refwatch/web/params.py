"""Request parameters bounded where they enter: the types every route uses for paging, text and references.

A value the database cannot hold must be refused here, as a 422 in the
project's error shape, not reach SQL: PostgreSQL refuses a NUL byte in text
and an integer beyond bigint, SQLite overflows at 2**63, and either used to
come back as an internal error (a 500). The bounds are part of the OpenAPI
document, so clients (and the schemathesis test) see them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator

from refwatch.domain.documents import MAX_ID
from refwatch.domain.text import has_control_characters
from refwatch.services.browse import MAX_PAGE

MAX_OFFSET = MAX_ID  # far beyond any table this holds; well inside every database's integers
MAX_PAGE_NUMBER = 1_000_000  # pages of up to 2,000 items keep the offset below MAX_OFFSET
MAX_REF = 200  # the width of the key column


def plain_text(value: str) -> str:
    """``value`` unchanged, unless it holds a control character other than tab and line breaks.

    NUL is the one that breaks PostgreSQL; the rest have no place in search words,
    keys or reasons either, and refusing them all keeps the rule one rule.
    """
    if has_control_characters(value):
        raise ValueError("contains a control character (such as NUL); remove it")
    return value


Text = Annotated[str, AfterValidator(plain_text)]
"""A string without NUL and other control characters (tab and line breaks allowed); for models too."""

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")]
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE_NUMBER, description="Page, from 1.")]
DocumentKey = Annotated[
    Text, Path(min_length=1, max_length=MAX_REF, description="The document's key, even one of digits alone.")
]
DocumentRef = Annotated[
    Text,
    Path(
        min_length=1,
        max_length=MAX_REF,
        description="The document's id if it is ASCII digits, else its key (never tried both ways).",
    ),
]
