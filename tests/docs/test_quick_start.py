"""#19, the command line tried as a new user would: what the quick start must tell them.

`refwatch` is not on PATH after `make demo` (it lives in .venv), the set-up needs Node.js and npm, and
`make demo` deletes ./demo-data before it starts: the README says all three, and `make demo` itself says
that it deletes and how to reach the command line and the demo's data.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def quick_start() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("## Quick start", 1)[1].split("\n## ", 1)[0]


def demo_recipe() -> list[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    body = makefile.split("\ndemo:", 1)[1]
    return [line.strip() for line in body.splitlines()[1:] if line.startswith("\t")][:40]


def test_the_readme_names_the_prerequisites_the_path_and_the_wipe() -> None:
    text = " ".join(quick_start().split())
    assert "Node.js" in text and "npm" in text
    assert ". .venv/bin/activate" in text and ".venv/bin/refwatch" in text
    assert re.search(r"demo-data.{0,40}deletes", text)
    assert "REFWATCH_HOME=demo-data" in text and "REFWATCH_KEY_FILE=demo-data/demo.key" in text


def test_make_demo_says_it_deletes_before_it_does_and_how_to_reach_the_cli() -> None:
    lines = demo_recipe()
    wipe = next(i for i, line in enumerate(lines) if line.startswith("rm -rf $(DEMO_HOME)"))
    assert any("deleting $(DEMO_HOME)" in line and "echo" in line for line in lines[:wipe])
    said = " ".join(line for line in lines if line.startswith("@echo"))
    assert ". .venv/bin/activate" in said and "REFWATCH_HOME=$(DEMO_HOME)" in said
