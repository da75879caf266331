"""Expanding the paths given to ``ingest``: files as they are, directories recursively."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from refwatch.ingest.readers import MEDIA_TYPES


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named directly are kept whatever their type (so a bad one is reported);
    directories contribute only the files ingest can read, sorted for a stable order.
    Hidden files and folders inside directories are skipped.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            children = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in MEDIA_TYPES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            children = [path]
        for child in children:
            key = child.resolve() if child.exists() else child
            if key not in seen:
                seen.add(key)
                found.append(child)
    return found
