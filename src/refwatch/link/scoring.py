"""How alike two reports of an incident are, with the reasons in words.

The score is a weighted sum of agreements, each in [0, 1]:

========  ======  ===============================================================
part      weight  full marks when
========  ======  ===============================================================
date      0.35    the date intervals overlap (0.7 within a week, 0.3 within the
                  window; an unknown date gives 0.5)
count     0.30    the count bounds overlap (0.6 within 25 %; unknown gives 0.4)
place     0.25    a shared city/county (0.7 shared province, 0.4 shared country;
                  no place on one side gives 0.3)
types     0.10    the same event types (Jaccard)
========  ======  ===============================================================

plus 0.05 when both reports are about it as their main story. Some facts rule a
link out whatever the score (*vetoes*): dates further apart than the window, a
report published more than the window before the other incident began, or no shared core event
type (arrest, detention, deportation, repatriation) when both have one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from refwatch.domain.incidents import Incident
from refwatch.domain.vocabulary import CORE_EVENT_TYPES

WEIGHTS = {"date": 0.35, "count": 0.30, "place": 0.25, "types": 0.10}
MAIN_BONUS = 0.05


@dataclass(frozen=True, slots=True)
class Report:
    """An extracted incident with what linking needs to know about its document."""

    key: str  # stable across runs: document key + position in the document
    document: str
    incident: Incident
    published: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Comparison:
    """The outcome of comparing two reports."""

    score: float
    reasons: tuple[str, ...]
    veto: str | None = None

    @property
    def reason(self) -> str:
        """One human-readable line."""
        text = ", ".join(self.reasons)
        return f"not linked: {self.veto}" if self.veto else text


def _interval(incident: Incident) -> tuple[dt.date, dt.date] | None:
    if incident.date.start and incident.date.end:
        return dt.date.fromisoformat(incident.date.start), dt.date.fromisoformat(incident.date.end)
    return None


def _gap_days(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> int:
    if a[1] < b[0]:
        return (b[0] - a[1]).days
    if b[1] < a[0]:
        return (a[0] - b[1]).days
    return 0


def _bounds(incident: Incident) -> tuple[float, float] | None:
    """Lower and upper bound of the count; "at least N" is open above."""
    v = incident.victims
    low = v.count_min if v.count_min is not None else v.count
    high: float | None = v.count_max
    if low is None and high is None:
        return None
    if high is None:
        high = float("inf") if v.qualifier == "at_least" else float(low or 0)
    return float(low or 0), float(high)


def _date_part(a: Report, b: Report, window: int) -> tuple[float, str | None, str | None]:
    ia, ib = _interval(a.incident), _interval(b.incident)
    # A report cannot describe what began after it was published; the window absorbs
    # imprecise dates (an extractor may fall back on a report's own publication day).
    for report, other in ((a, ib), (b, ia)):
        if report.published and other and report.published < other[0] - dt.timedelta(days=window):
            return 0.0, None, f"{report.document} was published before the other incident began"
    if ia is None or ib is None:
        return 0.5, "date unknown in one report", None
    gap = _gap_days(ia, ib)
    if gap == 0:
        return 1.0, "dates overlap", None
    if gap <= 7:
        return 0.7, f"dates {gap} days apart", None
    if gap <= window:
        return 0.3, f"dates {gap} days apart", None
    return 0.0, None, f"dates {gap} days apart"


def _count_part(a: Incident, b: Incident) -> tuple[float, str]:
    ba, bb = _bounds(a), _bounds(b)
    if ba is None or bb is None:
        return 0.4, "count unknown in one report"
    label = f"counts {_count_text(a)} vs {_count_text(b)}"
    if ba[0] <= bb[1] and bb[0] <= ba[1]:
        # An open-ended "at least 10" is compatible with 31 but says little; mark it down.
        if (ba[1] == float("inf") or bb[1] == float("inf")) and max(ba[0], bb[0]) > 2 * max(
            1.0, min(ba[0], bb[0])
        ):
            return 0.5, label
        return 1.0, label
    lo = min(ba[1], bb[1])
    hi = max(ba[0], bb[0])
    if lo > 0 and hi / lo <= 1.25:
        return 0.6, label
    return 0.0, label


def _count_text(incident: Incident) -> str:
    v = incident.victims
    if v.count is None and v.count_min is None:
        return "?"
    prefix = {"about": "~", "at_least": ">=", "at_most": "<=", "range": ""}.get(v.qualifier, "")
    if v.qualifier == "range" and v.count_max is not None:
        return f"{v.count_min}-{v.count_max}"
    return f"{prefix}{v.count if v.count is not None else v.count_min}"


def _place_part(a: Incident, b: Incident) -> tuple[float, str]:
    if not a.locations or not b.locations:
        return 0.3, "place unknown in one report"
    best, label = 0.0, "no shared place"
    for la in a.locations:
        for lb in b.locations:
            if la.place and la.place == lb.place:
                return 1.0, f"same place ({la.place})"
            if la.admin1 and la.admin1 == lb.admin1 and best < 0.7:
                best, label = 0.7, f"same province ({la.admin1})"
            elif la.country and la.country == lb.country and best < 0.4:
                best, label = 0.4, f"same country ({la.country})"
    return best, label


def _types_part(a: Incident, b: Incident) -> tuple[float, str | None]:
    ta, tb = set(a.event_types), set(b.event_types)
    core_a, core_b = ta & CORE_EVENT_TYPES, tb & CORE_EVENT_TYPES
    if core_a and core_b and not core_a & core_b:
        return 0.0, "no shared core event type"
    union = ta | tb
    return (len(ta & tb) / len(union) if union else 0.0), None


def compare(a: Report, b: Report, *, window_days: int = 45) -> Comparison:
    """Score how likely ``a`` and ``b`` describe the same incident (see the module docstring)."""
    if a.document == b.document:
        return Comparison(0.0, (), veto="same document: separate incidents of one report")
    date_score, date_reason, veto = _date_part(a, b, window_days)
    if veto:
        return Comparison(0.0, (), veto=veto)
    types_score, types_veto = _types_part(a.incident, b.incident)
    if types_veto:
        return Comparison(0.0, (), veto=types_veto)
    count_score, count_reason = _count_part(a.incident, b.incident)
    place_score, place_reason = _place_part(a.incident, b.incident)
    score = (
        WEIGHTS["date"] * date_score
        + WEIGHTS["count"] * count_score
        + WEIGHTS["place"] * place_score
        + WEIGHTS["types"] * types_score
    )
    reasons = [r for r in (date_reason, place_reason, count_reason) if r]
    if a.incident.salience == "main" and b.incident.salience == "main":
        score += MAIN_BONUS
        reasons.append("both main stories")
    return Comparison(round(min(score, 1.0), 4), tuple(reasons))
