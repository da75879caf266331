"""Every command and every setting is documented (in the spirit of datasette's docs tests)."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.main import get_command

from refwatch.cli.app import app
from refwatch.config import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def command_paths(group: typer.Typer) -> list[str]:
    root = get_command(group)
    paths: list[str] = []

    def walk(cmd: object, prefix: str) -> None:
        sub = getattr(cmd, "commands", None)
        if sub:
            for name, child in sub.items():
                walk(child, f"{prefix} {name}".strip())
        else:
            paths.append(prefix)

    walk(root, "")
    return paths


def test_every_command_is_in_cli_docs() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    missing = [p for p in command_paths(app) if f"### `refwatch {p}`" not in text]
    assert missing == []


def test_every_setting_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`REFWATCH_{name.upper()}`" not in text]
    assert missing == []
    assert all(field.description for field in Settings.model_fields.values())
