"""A command line imports only the module of the command it names (start-up of the CLI)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import typer

from refwatch.cli import app as cli


def _registered(module: str) -> set[str]:
    root = cli._new_root()
    importlib.import_module(f"refwatch.cli.{module}").register(root)
    commands = {c.name or (c.callback.__name__ if c.callback else "") for c in root.registered_commands}
    groups = {
        g.name or (g.typer_instance.info.name if g.typer_instance else "") for g in root.registered_groups
    }
    return {str(name) for name in commands | groups}


def test_the_command_table_names_every_command_and_its_module() -> None:
    """COMMANDS must say which module registers each command: a command missing from it, or put
    under the wrong module, would not be found when run on its own."""
    expected = {name: module for module in cli.COMMAND_MODULES for name in _registered(module)}
    assert cli.COMMANDS == expected


def test_a_command_imports_no_other_command_module() -> None:
    script = (
        "import sys\n"
        "from refwatch.cli import app as cli\n"
        "sys.argv = ['refwatch', 'law', '--help']\n"
        "try:\n"
        "    cli.main()\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(sorted(m for m in sys.modules if m.startswith('refwatch.cli.') and m != 'refwatch.cli.app'))\n"
        "heavy = ('refwatch.extract.rules', 'refwatch.web.app', 'sqlalchemy')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=dict(os.environ)
    )
    *_help, modules, heavy = done.stdout.splitlines()
    assert modules == "['refwatch.cli.law', 'refwatch.cli.output']"
    assert heavy == "[]"


def test_the_root_help_still_lists_every_command() -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(cli.__getattr__("app"), ["--help"])
    assert result.exit_code == 0
    for name in ("ingest", "law", "serve", "link-train"):
        assert name in result.output
    assert isinstance(cli.__getattr__("app"), typer.Typer)
