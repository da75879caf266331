"""Exceptions in logs without their messages: the type and the stack say where, the message may say whom.

An exception's message often quotes the data that broke it: a database error
its statement's parameters (the search words, which can be a person's name) or
the value a constraint refused, a parser the text it choked on. Logs keep ids
only, so a logged exception keeps its type and its stack (file, line, function,
which is what finding the fault needs) and drops every message in its chain.

The web server logs an unhandled exception itself (Starlette re-raises it after
our handler answered, for the server to log): :class:`WithholdExceptionText`
is put on that logger by :func:`install`.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable

SERVER_LOGGERS = ("uvicorn.error",)  # where uvicorn logs "Exception in ASGI application"


def exception_summary(exc: BaseException) -> str:
    """``exc``'s chain as types and stack frames, without any message.

    Examples:
        >>> exception_summary(ValueError("Kim Gasang"))
        'ValueError (message withheld)'
    """
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        name = (
            kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        )
        frames = "".join(traceback.format_tb(current.__traceback__)) if current.__traceback__ else ""
        parts.append(f"{frames}{name} (message withheld)")
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "\n\nwhile handling or caused by:\n".join(reversed(parts))


class WithholdExceptionText(logging.Filter):
    """Replace a record's exception by :func:`exception_summary` of it (its message and arguments stay)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's exception text; never drops the record."""
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = exception_summary(record.exc_info[1])
            record.exc_info = None
        return True


def install(names: Iterable[str] = SERVER_LOGGERS) -> None:
    """Put :class:`WithholdExceptionText` on these loggers, once each (the web app calls this)."""
    for name in names:
        target = logging.getLogger(name)
        if not any(isinstance(f, WithholdExceptionText) for f in target.filters):
            target.addFilter(WithholdExceptionText())
