"""Shared output helpers for commands: error mapping, JSON printing, consoles.

Commands wrap their body in :func:`handles_errors` so that a
:class:`~refwatch.errors.RefwatchError` becomes a one-line message on standard
error and exit code 1, both from the console script and under Typer's
``CliRunner`` in tests.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from refwatch.errors import RefwatchError

EXIT_USER_ERROR = 1

console = Console()
err_console = Console(stderr=True)

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
