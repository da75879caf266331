"""A digest of the extractor's code and data, to tell whether a stored extraction is still current.

Extraction made elsewhere (on a Spark cluster, see :mod:`refwatch.services.archives`) is
used at ingest only when it was made by exactly these rules, word lists and gazetteer:
the package version alone would not say so, since rules change between releases of
the same version during development.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

#: File kinds that decide what the extractor finds: its code, and its data (gazetteer, word lists).
_KINDS = (".py", ".json", ".tsv", ".csv", ".txt", ".yaml", ".yml")


#: The packages whose files decide what the extractor finds: its own, and the language data
#: (month, day and number words) its finders read.
_PACKAGES = ("extract", "languages")


@functools.cache
def fingerprint() -> str:
    """SHA-256 over the path and bytes of every code and data file of :data:`_PACKAGES`."""
    return digest_of(Path(__file__).resolve().parents[1], _PACKAGES)


def digest_of(root: Path, packages: tuple[str, ...]) -> str:
    """SHA-256 over the path (relative to ``root``) and bytes of the code and data files of ``packages``."""
    digest = hashlib.sha256()
    for package in packages:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and path.suffix in _KINDS and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
