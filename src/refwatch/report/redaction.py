"""Redaction for anything that leaves the organisation.

Public outputs carry a whitelist of fields and nothing else: no names, no
quotes (a quote can name or describe a person), no document text or links to
unpublished sources, no notes. Small counts are shown as "fewer than k" so a
group of one or two cannot be singled out; dates can be coarsened to the month
or year. Only confirmed incidents are published unless asked otherwise, and
never an incident drawn from restricted evidence. The defaults are the safe
choice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

Coarsening = Literal["day", "month", "year"]

#: The only fields a public record may carry.
PUBLIC_FIELDS = ("id", "event_types", "status", "date", "victims", "places", "perpetrators", "sources")


@dataclass(frozen=True, slots=True)
class RedactionPolicy:
    """How much public outputs may say."""

    min_count: int = 5
    date_precision: Coarsening = "month"
    confirmed_only: bool = True


def _coarsen(value: str | None, precision: Coarsening, *, end: bool) -> str | None:
    if value is None:
        return None
    day = dt.date.fromisoformat(value)
    if precision == "day":
        return value
    if precision == "month":
        if not end:
            return day.replace(day=1).isoformat()
        nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return (nxt - dt.timedelta(days=1)).isoformat()
    return (day.replace(month=12, day=31) if end else day.replace(month=1, day=1)).isoformat()


def _count(victims: dict[str, Any], k: int) -> dict[str, Any]:
    low = victims.get("count_min") if victims.get("count_min") is not None else victims.get("count")
    high = victims.get("count_max")
    if low is None and high is None:
        return {"count": None, "text": "unknown"}
    top = high if high is not None else low
    if top is not None and top < k:
        return {"count": None, "text": f"fewer than {k}"}
    if low is not None and low < k:
        return {"count": None, "text": f"fewer than {k} to {high}" if high is not None else f"at least {k}"}
    if high is not None and high != low:
        return {"count": low, "text": f"{low} to {high}"}
    prefix = {"about": "about ", "at_least": "at least ", "at_most": "at most "}.get(
        victims.get("qualifier", ""), ""
    )
    return {"count": low, "text": f"{prefix}{low}"}


def redact(
    records: Iterable[dict[str, Any]], policy: RedactionPolicy = RedactionPolicy()
) -> list[dict[str, Any]]:
    """Public versions of linked-incident records (see the module docstring)."""
    out = []
    for r in records:
        if policy.confirmed_only and r.get("review_state") != "confirmed":
            continue
        if r.get("restricted_to") is not None:
            continue  # drawn from restricted evidence: never published, even if a caller forgot to filter
        date = r["date"]
        out.append(
            {
                "id": r["id"],
                "event_types": list(r["event_types"]),
                "status": r["status"],
                "date": {
                    "start": _coarsen(date.get("start"), policy.date_precision, end=False),
                    "end": _coarsen(date.get("end"), policy.date_precision, end=True),
                },
                "victims": _count(r["victims"], policy.min_count),
                "places": sorted(
                    {
                        ", ".join(p for p in (loc.get("place"), loc.get("admin1"), loc.get("country")) if p)
                        for loc in r["locations"]
                    }
                ),
                "perpetrators": [
                    {"state": p.get("state"), "agency": p.get("agency")} for p in r["perpetrators"]
                ],
                "sources": len(r["sources"]),
            }
        )
    return out


#: The only fields a public tally may carry.
PUBLIC_TALLY_FIELDS = ("id", "kind", "figure", "period", "rate", "place", "source_org", "url")


def redact_tallies(
    records: Iterable[dict[str, Any]], policy: RedactionPolicy = RedactionPolicy()
) -> list[dict[str, Any]]:
    """Public versions of tally records: the figure as a published count, no quote, no evidence.

    Tallies are machine-extracted and nobody reviews them, so they are published only
    when the policy allows unreviewed records (``confirmed_only`` off); and never a
    tally of a restricted document (callers filter, and a record still marked
    restricted is dropped here too). Small figures read "fewer than k", dates are
    coarsened like incidents', and the source's address is kept only if it is a web one.
    """
    if policy.confirmed_only:
        return []
    out = []
    for r in records:
        if r.get("restricted_to") is not None:
            continue
        figure, period, place = r.get("figure") or {}, r.get("period") or {}, r.get("place") or {}
        url = r.get("url")
        out.append(
            {
                "id": r["id"],
                "kind": r["kind"],
                "figure": _count(figure, policy.min_count),
                "period": {
                    "start": _coarsen(period.get("start"), policy.date_precision, end=False),
                    "end": _coarsen(period.get("end"), policy.date_precision, end=True),
                },
                "rate": r.get("rate"),
                "place": ", ".join(
                    p for p in (place.get("place"), place.get("admin1"), place.get("country")) if p
                ),
                "source_org": r.get("source_org"),
                "url": url if isinstance(url, str) and url.startswith(("https://", "http://")) else None,
            }
        )
    return out
