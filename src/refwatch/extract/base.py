"""The extractor interface, and a registry so that more than one can exist side by side.

The rule-based extractor is the default. A model-based one (a local LLM server,
GLiNER, ...) can be added later by implementing :class:`Extractor` and calling
:func:`register_extractor`; nothing else in the package has to change, because
``ingest``, ``eval`` and the CLI only ever ask for an extractor by name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from refwatch.domain.dates import ReferenceDate
from refwatch.domain.incidents import Incident
from refwatch.domain.tallies import Tally
from refwatch.errors import InvalidInput


@runtime_checkable
class Extractor(Protocol):
    """Turns the text of one report into candidate incidents with evidence spans."""

    name: str

    # An extractor may also say ``uses_language = False`` when its result does not depend on the
    # ``language`` hint; see :func:`uses_language`.

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


def uses_language(extractor: Extractor) -> bool:
    """Whether ``extractor`` reads the ``language`` hint, so that a caller must detect it first.

    True unless the extractor says ``uses_language = False``: an extractor written only to the
    protocol gets the hint as before.
    """
    return bool(getattr(extractor, "uses_language", True))


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


@dataclass(slots=True)
class Extraction:
    """What one document yields: its incidents, and its tallies (running totals, head-counts).

    Kept apart because a tally is never counted as an incident (see :mod:`refwatch.domain.tallies`).
    """

    incidents: list[Incident]
    tallies: list[Tally] = field(default_factory=list)


def extract_all(
    extractor: Extractor,
    text: str,
    *,
    document: str,
    published: dt.date | None = None,
    language: str | None = None,
    reference: ReferenceDate | None = None,
) -> Extraction:
    """Incidents and tallies of ``text``: an extractor without ``extract_all`` finds no tallies.

    So that an extractor written only to the :class:`Extractor` protocol keeps working everywhere.
    """
    method = getattr(extractor, "extract_all", None)
    if callable(method):
        result = method(text, document=document, published=published, language=language, reference=reference)
        if isinstance(result, Extraction):
            return result
    return Extraction(
        extractor.extract(
            text, document=document, published=published, language=language, reference=reference
        )
    )
