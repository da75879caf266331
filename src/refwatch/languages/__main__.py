"""Check the language files: ``python -m refwatch.languages [FILE ...]``.

Why: a contributor adding or editing a language wants the fault named (file and
key) before running the extractor. Without arguments every packaged file is
checked; with arguments, the files given (named ``<code>.json``). Exit status 0
when every file fits the schema, 1 otherwise.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from refwatch.errors import InvalidInput
from refwatch.languages import LANGUAGES, check, load


def main(argv: Sequence[str] | None = None) -> int:
    """Check each file; print one line per file, faults to standard error."""
    paths = list(sys.argv[1:] if argv is None else argv)
    failed = False
    for item in paths or LANGUAGES:
        name = Path(item).name if paths else f"{item}.json"
        try:
            if paths:
                check(json.loads(Path(item).read_text(encoding="utf-8")), name=name)
            else:
                load(item)
        except (InvalidInput, OSError, ValueError) as exc:
            print(f"{name}: refused: {exc}", file=sys.stderr)  # noqa: T201
            failed = True
        else:
            print(f"{name}: ok")  # noqa: T201
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
