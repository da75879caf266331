"""Root Typer application and the mapping of errors to exit codes.

Exit codes (a contract, see PRODUCT.md): 0 success, 1 user error with a clear
message, 2 usage error (Typer's own), 3 internal failure.
"""

from __future__ import annotations

import logging
import sys

import typer

from refwatch import __version__

app = typer.Typer(
    name="refwatch",
    help="Refoulement Watch: ingest reports, extract incidents, estimate and publish.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"refwatch {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details to standard error."),
) -> None:
    """Refoulement Watch command line."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


#: Command modules, in the order their commands appear in ``--help``; each has ``register(app)``.
COMMAND_MODULES = (
    "database",
    "ingest",
    "documents",
    "incidents",
    "tallies",
    "persons",
    "export",
    "extract",
    "evaluate",
    "estimate",
    "law",
    "interventions",
    "appeal",
    "report",
    "audit",
    "keys",
    "backup",
    "accounts",
    "serve",
)


def _register_commands() -> None:
    # Imported here so that each module can import `app` from this one.
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"refwatch.cli.{name}").register(app)


_register_commands()


def main() -> None:
    """Console-script entry point."""
    app()
