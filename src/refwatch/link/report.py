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
