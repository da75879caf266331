"""The extractor interface, and a registry so that more than one can exist side by side.

The rule-based extractor is the default. A model-based one (a local LLM server,
GLiNER, ...) can be added later by implementing :class:`Extractor` and calling
:func:`register_extractor`; nothing else in the package has to change, because
``ingest``, ``eval`` and the CLI only ever ask for an extractor by name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from refwatch.domain.dates import ReferenceDate
from refwatch.domain.incidents import Incident
from refwatch.errors import InvalidInput


@runtime_checkable
class Extractor(Protocol):
    """Turns the text of one report into candidate incidents with evidence spans."""

    name: str

    def extract(
        self,
        text: str,
        *,
        document: str,
        published: dt.date | None = None,
        language: str | None = None,
        reference: ReferenceDate | None = None,
    ) -> list[Incident]:
        """Incidents found in ``text``; every evidence span indexes ``text`` exactly.

        ``reference`` (the document's reference date, at whatever precision is known)
        anchors relative and yearless dates; ``published`` (a day) is the older way to
        say the same and is used when no reference is given.
        """
        ...


_FACTORIES: dict[str, Callable[[], Extractor]] = {}
_INSTANCES: dict[str, Extractor] = {}


def register_extractor(name: str, factory: Callable[[], Extractor]) -> None:
    """Make an extractor available under ``name``; built lazily on first use."""
    _FACTORIES[name] = factory
    _INSTANCES.pop(name, None)


def available_extractors() -> list[str]:
    """Names of the registered extractors, sorted."""
    return sorted(_FACTORIES)


def get_extractor(name: str) -> Extractor:
    """The extractor registered as ``name``, built once per process."""
    if name not in _INSTANCES:
        factory = _FACTORIES.get(name)
        if factory is None:
            known = ", ".join(available_extractors()) or "(none)"
            raise InvalidInput(f"unknown extractor {name!r}; available: {known}")
        _INSTANCES[name] = factory()
    return _INSTANCES[name]
