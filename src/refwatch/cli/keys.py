"""`refwatch keys new-keyfile|rotate` and `refwatch documents verify`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import Progress

from refwatch.cli import context
from refwatch.cli.documents import documents_app
from refwatch.cli.output import EXIT_USER_ERROR, console, err_console, handles_errors
from refwatch.security.keys import write_key_file
from refwatch.services.keys import rotate_data_key, verify_documents

keys_app = typer.Typer(help="Encryption keys.", no_args_is_help=True)


@keys_app.command("new-keyfile")
@handles_errors
def new_keyfile(
    path: Path = typer.Argument(..., help="Where to write the new key file (must not exist)."),
) -> None:
    """Write a new random master key file (mode 0600); set REFWATCH_KEY_FILE to it before `init`."""
    write_key_file(path)
    console.print(f"key file written to {path}; keep a copy somewhere safe: without it the data is lost")


@keys_app.command("rotate")
@handles_errors
def rotate() -> None:
    """Re-seal every sensitive value and original document with a new data key.

    Safe to interrupt: run it again to finish.
    """
    with context.database() as db, Progress(console=err_console, transient=True) as progress:
        task = progress.add_task("re-sealing", total=None)

        def step(done: int, total: int) -> None:
            progress.update(task, completed=done, total=max(total, 1))

        report = rotate_data_key(db, actor=context.settings().user, progress=step)
    console.print(
        f"data key {report.key_id} active; {report.resealed} records re-sealed; retired keys: "
        f"{', '.join(map(str, report.retired)) or 'none'}",
        highlight=False,
    )


@documents_app.command("verify")
@handles_errors
def verify() -> None:
    """Decrypt every stored original and check it against its SHA-256."""
    with context.database() as db:
        checked, problems = verify_documents(db)
    for p in problems:
        err_console.print(f"[red]{p.key}[/]: {p.reason}", highlight=False)
    console.print(f"{checked} documents checked, {len(problems)} problems", highlight=False)
    if problems:
        raise typer.Exit(EXIT_USER_ERROR)


def register(app: typer.Typer) -> None:
    """Add the `keys` group (and `documents verify`)."""
    app.add_typer(keys_app, name="keys")
