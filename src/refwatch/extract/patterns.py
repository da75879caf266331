"""Compiled regular expressions kept on disk between runs, so that start-up does not parse them again.

Extraction compiles a few hundred patterns (the gazetteer's name tries, each
finder's scout, the shared opening index), and analyses each finder pattern's
openings. Python parses and compiles every one of them again in every new
process: about a second of CPU before the first document, which is most of a
short ``refwatch extract`` run. :func:`compile` keeps the compiled program of
each pattern (the list of opcodes that the ``re`` module hands to its C engine)
and :func:`derived` keeps small facts computed from a pattern, in one JSON file
per Python build and package version, under the user's cache directory.

Why a cached program gives the same pattern: ``re.compile`` is ``parse`` then
``_code`` then ``_sre.compile(source, flags, code, ...)``; this module calls the
same ``_sre.compile`` with the stored result of the first two steps for the
same source and flags, on the same Python build (the file name carries the
Python version, the engine's ``MAGIC`` and ``CODESIZE``, the package version
and a digest of the language files the patterns are built from; each entry
carries its own source, which is compared on load). The
engine validates every program it is given and refuses a malformed one; such an
entry is dropped and compiled afresh. Entries are data (JSON), never pickles.

The cache is written at exit when something new was compiled, atomically, with
owner-only permissions. ``REFWATCH_CACHE_DIR`` names another directory;
``REFWATCH_CACHE_DIR=off`` turns the cache off (everything compiled in memory,
as ``re.compile`` would).
"""

from __future__ import annotations

import atexit
import hashlib
import importlib
import json
import logging
import os
import re
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from refwatch import __version__, languages

logger = logging.getLogger(__name__)

_sre: Any = importlib.import_module("_sre")
_compiler: Any = importlib.import_module("re._compiler")
_parser: Any = importlib.import_module("re._parser")

#: Environment variable naming the cache directory, or ``off``.
CACHE_ENV: Final = "REFWATCH_CACHE_DIR"
#: Bumped when the layout of the file changes.
_LAYOUT: Final = 1
#: A file holding this many times the entries one run used is pruned to that run's entries.
_STALE_FACTOR: Final = 3


def _build_key() -> str:
    """What a cached program depends on besides its source and flags.

    The language files are part of it (:func:`refwatch.languages.data_digest`): the patterns
    are built from their word lists, so an edited list starts a new file rather than growing
    the old one with programs nobody asks for again.
    """
    parts = (
        _LAYOUT,
        __version__,
        sys.version,
        sys.implementation.name,
        _sre.MAGIC,
        _sre.CODESIZE,
        languages.data_digest(),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def cache_dir() -> Path | None:
    """Where the cache file lives, or None when the cache is off."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return None if configured.strip().lower() in ("", "off") else Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("refwatch", appauthor=False))


class _Store:
    """The entries of one cache file, read once, written back at exit when they grew."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.programs: dict[str, list[Any]] = {}
        self.facts: dict[str, Any] = {}
        self.used: set[str] = set()
        self.dirty = False
        self.lock = threading.Lock()
        if path is not None:
            self._read(path)

    def _read(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            logger.info("pattern cache unreadable (%s); compiling afresh", type(exc).__name__)
            return
        if isinstance(data, dict) and data.get("key") == _build_key():
            programs, facts = data.get("programs"), data.get("facts")
            self.programs = programs if isinstance(programs, dict) else {}
            self.facts = facts if isinstance(facts, dict) else {}

    def write(self) -> None:
        """Replace the file with the current entries (atomically; errors only logged)."""
        if self.path is None or not self.dirty:
            return
        with self.lock:
            programs, facts = self.programs, self.facts
            if len(programs) + len(facts) > _STALE_FACTOR * max(len(self.used), 1):
                # Edited vocabularies leave entries no pattern asks for any more: keep this run's.
                programs = {k: v for k, v in programs.items() if k in self.used}
                facts = {k: v for k, v in facts.items() if k in self.used}
            payload = json.dumps(
                {"key": _build_key(), "programs": programs, "facts": facts},
                ensure_ascii=False,
                separators=(",", ":"),
            )
            self.dirty = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".patterns-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(payload)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            logger.info("pattern cache not written (%s)", type(exc).__name__)


_STORE: _Store | None = None
_STORE_LOCK: Final = threading.Lock()


def _store() -> _Store:
    global _STORE
    if _STORE is None:
        with _STORE_LOCK:
            if _STORE is None:
                folder = cache_dir()
                _STORE = _Store(None if folder is None else folder / f"patterns-{_build_key()}.json")
                atexit.register(_STORE.write)
    return _STORE


def reset() -> None:
    """Forget the loaded cache (the next call reads the directory again); for tests."""
    global _STORE
    with _STORE_LOCK:
        if _STORE is not None:
            atexit.unregister(_STORE.write)
        _STORE = None


def save() -> None:
    """Write what was compiled so far now rather than at exit."""
    _store().write()


def compile(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, its program read from the cache when this build compiled it before."""
    store = _store()
    key = f"{flags}:{source}"
    store.used.add(key)
    entry = store.programs.get(key)
    if entry is not None:
        try:
            stored_flags, stored_code, groups, stored_index, stored_names = entry
            pattern: re.Pattern[str] = _sre.compile(
                source, stored_flags, stored_code, groups - 1, stored_index, tuple(stored_names)
            )
            return pattern
        except (TypeError, ValueError, RuntimeError, OverflowError):
            logger.info("pattern cache entry refused by the engine; compiling afresh")
    parsed = _parser.parse(source, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    final_flags = flags | parsed.state.flags
    pattern = _sre.compile(source, final_flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup))
    with store.lock:
        store.programs[key] = [final_flags, list(code), parsed.state.groups, groupindex, indexgroup]
        store.dirty = store.path is not None
    return pattern


def derived(kind: str, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept in the cache under ``kind`` and ``key`` (say, a pattern's flags and source).

    For facts worked out by parsing a pattern (its possible openings, its scout's
    source): they must be JSON values, and they are always returned as JSON gives
    them back (lists for tuples), on the first call as on later ones.
    """
    store = _store()
    name = f"{kind}:{key}"
    store.used.add(name)
    if name in store.facts:
        return store.facts[name]
    value = json.loads(json.dumps(compute()))
    with store.lock:
        store.facts[name] = value
        store.dirty = store.path is not None
    return value
