"""A report of an incident: one extracted incident and what linking needs of its document."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from refwatch.domain.incidents import Incident


@dataclass(frozen=True, slots=True)
class Report:
    """An extracted incident with what linking needs to know about its document."""

    key: str  # stable across runs: document key + position in the document
    document: str
    incident: Incident
    published: dt.date | None = None
    #: The document's reference date as an interval (first and last day it may have been
    #: written), when it is known that well; else ``published`` stands for it.
    reference: tuple[dt.date, dt.date] | None = None
    #: Whether anything at all places the document in time, even too loosely to compare
    #: (a lower bound from the latest date it mentions, a low-confidence stamp).
    placed_in_time: bool = True
    #: The first day the document may have been written when only that is known ("not before
    #: the latest date it mentions"): too loose to compare with, but it still rules out placing
    #: a day it names without a year long before it (see :func:`~refwatch.link.features.placed`).
    written_after: dt.date | None = None
