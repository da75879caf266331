"""Root Typer application and the mapping of errors to exit codes.

Exit codes (a contract, see PRODUCT.md): 0 success, 1 user error with a clear
message, 2 usage error (Typer's own), 3 internal failure.
"""

from __future__ import annotations

import inspect
import logging
import sys

import typer

from refwatch import __version__


def _version(value: bool) -> None:
    if value:
        typer.echo(f"refwatch {__version__}")
        raise typer.Exit()


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


def _new_root() -> typer.Typer:
    """The root application with its options and no commands yet."""
    root = typer.Typer(
        name="refwatch",
        help="Refoulement Watch: ingest reports, extract incidents, estimate and publish.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        # Click's own help layout: Typer's Rich panels print a type for every flag, even --help ("<bool>").
        rich_markup_mode=None,
    )
    root.callback()(_root)
    return root


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


#: Which module registers each command (``tests/cli/test_cli_startup.py`` checks it against what
#: the modules register). A command line that names one is run from a root holding only that
#: module (see :func:`main`).
COMMANDS: dict[str, str] = {
    "init": "database",
    "status": "database",
    "ingest": "ingest",
    "documents": "documents",
    "incidents": "incidents",
    "tallies": "tallies",
    "persons": "persons",
    "export": "export",
    "link": "export",
    "link-train": "export",
    "extract": "extract",
    "eval": "evaluate",
    "estimate": "estimate",
    "law": "law",
    "interventions": "interventions",
    "appeal": "appeal",
    "report": "report",
    "audit": "audit",
    "keys": "keys",
    "backup": "backup",
    "restore": "backup",
    "users": "accounts",
    "tokens": "accounts",
    "serve": "serve",
}


def _register_commands(root: typer.Typer, modules: tuple[str, ...] = COMMAND_MODULES) -> typer.Typer:
    # Imported here so that each module can import `app` from this one.
    import importlib

    for name in modules:
        importlib.import_module(f"refwatch.cli.{name}").register(root)
    _plain_help(root)
    return root


def _plain_help(group: typer.Typer) -> None:
    """Help texts without the reStructuredText ````code```` marks of the docstrings they come from.

    The docstrings are written for the Python reader too, so they keep their marks; ``--help``
    printed them literally.
    """
    for command in group.registered_commands:
        text = command.help or inspect.getdoc(command.callback)
        if text:
            command.help = text.replace("``", "")
    for sub in group.registered_groups:
        if sub.typer_instance is None:
            continue
        info = sub.typer_instance.info
        for holder in (sub, info):
            if isinstance(holder.help, str):
                holder.help = holder.help.replace("``", "")
        _plain_help(sub.typer_instance)


_app: typer.Typer | None = None


def __getattr__(name: str) -> typer.Typer:
    """``app``: the root application with every command, built on first use."""
    global _app
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if _app is None:
        _app = _register_commands(_new_root())
    return _app


def _command(argv: list[str]) -> str | None:
    """The command named on a command line: its first word that is not an option of the root."""
    for word in argv:
        if not word.startswith("-"):
            return word
        if word in ("--help", "--version"):
            return None
    return None


def main() -> None:
    """Console-script entry point.

    A command is run from a root that holds only its own module: every command module
    imports the services it calls, and importing all of them (the web server, charts, PDF,
    the extractor's patterns) took 1.5 to 4 s before any command began. ``--help``, no
    command or an unknown one builds the whole application, so the list and Click's
    "did you mean" see every command.
    """
    module = COMMANDS.get(_command(sys.argv[1:]) or "")
    if module is not None:
        _register_commands(_new_root(), (module,))()
        return
    __getattr__("app")()
