"""Extraction: report text in, candidate incidents with evidence spans out.

The stages (each its own module): :mod:`.segment` (sentences, page clutter),
mention finders :mod:`.dates`, :mod:`.counts`, :mod:`.triggers`, :mod:`.places`
(gazetteer), then :mod:`.assemble` (group mentions into incidents) and
:mod:`.resolve` (decide every field). The words of each language are data
(:mod:`refwatch.languages`, the ``extraction`` section of each language file).
Extractors implement :class:`~refwatch.extract.base.Extractor` and are looked up
by name, so a model-based one can be added beside the rule-based default.

Examples:
    >>> incidents = extract_document(
    ...     "Fictional: police detained 12 North Korean refugees in Tumen on 3 May 2019.",
    ...     document="demo",
    ... )
    >>> [(i.victims.count, i.date.start, i.locations[0].place) for i in incidents]
    [(12, '2019-05-03', 'Tumen')]
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from refwatch.domain.dates import ReferenceDate
from refwatch.domain.incidents import Incident
from refwatch.extract.base import Extractor, available_extractors, get_extractor, register_extractor

if TYPE_CHECKING:
    from refwatch.extract.rules import RuleExtractor

DEFAULT_EXTRACTOR_NAME = "rules"


def _rule_extractor() -> Extractor:
    """The rule-based extractor, its module imported on first use.

    Importing :mod:`.rules` compiles every pattern and reads the gazetteer (a large share of
    a command's start-up); a module that needs only the extraction types
    (``refwatch.extract.base``, reached through this package) should not pay for it.
    """
    from refwatch.extract.rules import RuleExtractor

    return RuleExtractor()


register_extractor(DEFAULT_EXTRACTOR_NAME, _rule_extractor)


def __getattr__(name: str) -> Any:
    """``RuleExtractor``, imported when asked for (see :func:`_rule_extractor`)."""
    if name == "RuleExtractor":
        from refwatch.extract.rules import RuleExtractor

        return RuleExtractor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_EXTRACTOR_NAME",
    "Extractor",
    "RuleExtractor",
    "available_extractors",
    "extract_document",
    "get_extractor",
    "register_extractor",
]


def extract_document(
    text: str,
    *,
    document: str,
    published: dt.date | None = None,
    language: str | None = None,
    extractor: str = DEFAULT_EXTRACTOR_NAME,
    reference: ReferenceDate | None = None,
) -> list[Incident]:
    """Incidents in one document's text, by the named extractor (the rule-based one by default).

    Args:
        text: the document's working text; evidence offsets index it exactly.
        document: the document id written into each incident.
        published: publication date (a day), the anchor for relative dates when no
            ``reference`` is given; without either, the text's own stamps are read.
        language: ``en``, ``ko``, ``zh`` or None (a hint; all packs run anyway).
        extractor: a registered extractor name.
        reference: the document's reference date (:func:`refwatch.extract.refdate.reference_date`),
            at the precision known: relative dates resolve only as far as it allows.
    """
    return get_extractor(extractor).extract(
        text, document=document, published=published, language=language, reference=reference
    )
