"""Shared output helpers for commands: error mapping, JSON printing, consoles.

Commands wrap their body in :func:`handles_errors` so that a
:class:`~refwatch.errors.RefwatchError` becomes a one-line message on standard
error and exit code 1, both from the console script and under Typer's
``CliRunner`` in tests.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console, ConsoleDimensions

from refwatch.errors import RefwatchError

EXIT_USER_ERROR = 1

#: How wide output is drawn when it goes to a file or a pipe: wide enough that no table is cut.
PIPED_WIDTH = 1000


class FullWidthConsole(Console):
    """A console that draws at full width when its output is not a terminal.

    Rich falls back to 80 columns (or to the width of whichever standard stream is a terminal) when
    output is redirected, so ``refwatch incidents list > out.txt`` cut cells to "candi…". A file has
    no width to respect; ``COLUMNS`` still wins when set.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        if "width" not in options:
            # Rich freezes COLUMNS/LINES as read when the console is made (at import); read them
            # when drawing instead, so the size follows the environment the command runs in.
            self._width = None
            self._height = None

    @property
    def size(self) -> ConsoleDimensions:
        """The terminal's size; for a file or a pipe, :data:`PIPED_WIDTH` columns."""
        dimensions = super().size
        if self._width is None and not self.is_terminal and "COLUMNS" not in os.environ:
            return ConsoleDimensions(PIPED_WIDTH, dimensions.height)
        return dimensions

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        self._width, self._height = new_size


console = FullWidthConsole()
err_console = FullWidthConsole(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn refwatch's own errors into a clear message and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except RefwatchError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
            raise typer.Exit(EXIT_USER_ERROR) from None

    return wrapper


def print_json(data: Any) -> None:
    """Print machine-readable JSON on standard output (stable, UTF-8, no colour)."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_jsonl(rows: list[dict[str, Any]]) -> None:
    """Print one JSON object per line."""
    for row in rows:
        typer.echo(json.dumps(row, ensure_ascii=False, default=str))
