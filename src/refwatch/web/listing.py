"""The incident list's filters and sorting as a reader sees them (#19: search and lists).

Pure helpers for the list page (no routes): what each filter is called, the
filters in force as removable chips with a "clear filters" link, and the
column headers' sort links. Values are shown through the page's filters
(``labels``), so chips read in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from refwatch.services.browse import INCIDENT_ORDERS

#: What each filter of the incident list is called on the page (English source text, translated there).
FILTER_LABELS = {
    "review_state": "Review",
    "status": "Status",
    "event_type": "Event",
    "place": "Place",
    "date_from": "From",
    "date_to": "To",
}


@dataclass(frozen=True)
class Chip:
    """One filter in force: its name, its value and the list's address without it."""

    name: str
    value: str
    remove_url: str


def query(filters: Mapping[str, str], sort: str = "", **changes: str) -> str:
    """The list's query string for ``filters`` (empty ones left out) and ``sort``, with ``changes``."""
    params = {k: v for k, v in {**filters, "sort": sort, **changes}.items() if v}
    return urlencode(params)


def chips(filters: Mapping[str, str], sort: str = "") -> list[Chip]:
    """The filters in force, each with the address of the list without it (the sort is kept)."""
    return [
        Chip(name, value, "/incidents?" + query(filters, sort, **{name: ""}))
        for name, value in filters.items()
        if value
    ]


def sort_link(filters: Mapping[str, str], sort: str, key: str) -> tuple[str, str]:
    """The header link for column ``key`` and its ``aria-sort`` (``none`` unless it sorts the list).

    A first click sorts ascending, the next descending; the filters stay.
    """
    current, descending = sort.removeprefix("-"), sort.startswith("-")
    if key not in INCIDENT_ORDERS:
        raise ValueError(key)
    if current != key:
        return "/incidents?" + query(filters, key), "none"
    following = key if descending else f"-{key}"
    return "/incidents?" + query(filters, following), "descending" if descending else "ascending"


#: What the list page's template needs from here.
CONTEXT = {
    "filter_labels": FILTER_LABELS,
    "filter_chips": chips,
    "sort_link": sort_link,
    "list_query": query,
}
