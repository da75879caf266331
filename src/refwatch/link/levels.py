"""The comparison levels of the incident linking model, in plain Python.

Each comparison reads two :class:`~refwatch.link.features.Features` and names the
level the pair falls in, or ``None`` when one side does not say (a missing value is
no evidence: Bayes factor 1). The levels are listed strongest first, as Splink lists
them; the trained model (``refwatch.link.model``) gives each level its m and u
probabilities. The same functions define the levels when Splink trains the model
(``refwatch.link.training`` calls them from DuckDB), so training and linking cannot
disagree about which level a pair is in.

========== ==================================================================
comparison levels (strongest first)
========== ==================================================================
date       overlap, both precise · overlap, one vague · within a month ·
           undated, written within 90 days after · further apart
count      same figure, 10 or more · same figure, under 10 · within 50 % ·
           further apart (log scale; qualifiers widen the bounds)
place      same city or county · same province or country, one less precise ·
           different cities, same province · different provinces · different places
types      same core event types · a shared core type · no shared core type
groups     a shared group (women, children, a family) · different groups
wording    evidence shares word pairs · none (same script only)
========== ==================================================================
"""

from __future__ import annotations

import math
from collections.abc import Callable

from refwatch.link.features import Features, core_types, log_ratio

#: Days within which an undated report's own date makes it a plausible first report.
FRESH_DAYS = 90
#: Counts under this are common to many unrelated events.
SMALL_COUNT = 10
#: Shingle Jaccard at which two evidence texts share wording (translations and rewrites share little).
SHARED_WORDING = 0.05
#: Evidence with fewer word pairs than this says too little to compare.
MIN_SHINGLES = 3

DATE_LEVELS = (
    "overlap, both precise",
    "overlap, one vague",
    "within a month",
    "undated, written within 90 days after",
    "further apart",
)
COUNT_LEVELS = ("same figure, 10 or more", "same figure, under 10", "within 50%", "further apart")
PLACE_LEVELS = (
    "same city or county",
    "same province or country, one less precise",
    "different cities, same province",
    "different provinces",
    "different places",
)
TYPE_LEVELS = ("same core event types", "a shared core type", "no shared core type")
GROUP_LEVELS = ("a shared group", "different groups")
WORDING_LEVELS = ("shared wording", "no shared wording")


def interval_gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Days between two intervals of day numbers (0 when they overlap)."""
    return max(a[0] - b[1], b[0] - a[1], 0)


def gap_days(a: Features, b: Features) -> int | None:
    """Days between two dated intervals (0 when they overlap), None when either is undated."""
    if a.start is None or a.end is None or b.start is None or b.end is None:
        return None
    return interval_gap((a.start, a.end), (b.start, b.end))


def date_level(a: Features, b: Features) -> str | None:
    """The date level; an undated report is placed by its own date (written after the event).

    A month named without a year and placed nearest the other incident
    (:attr:`~refwatch.link.features.Features.loosely_placed`) is no evidence: the veto
    alone reads it.
    """
    if a.loosely_placed or b.loosely_placed:
        return None
    gap = gap_days(a, b)
    if gap is not None:
        if gap == 0:
            return DATE_LEVELS[1] if a.wide or b.wide else DATE_LEVELS[0]
        return DATE_LEVELS[2] if gap <= 31 else DATE_LEVELS[4]
    dated, undated = (a, b) if a.start is not None else (b, a)
    if dated.start is None or dated.end is None or undated.reference is None:
        return None
    first, last = undated.reference
    # Written long after, the report may recall it or something else: no evidence either way.
    # A reference known only to the month or year may fall on any of its days.
    return DATE_LEVELS[3] if first <= dated.end + FRESH_DAYS and dated.start <= last else None


def count_level(a: Features, b: Features) -> str | None:
    """The count level: bounds overlapping on a log scale, small figures apart."""
    if a.count is None or b.count is None:
        return None
    distance = log_ratio(a.count, b.count)
    if distance == 0.0:
        small = min(a.count[1], b.count[1]) < SMALL_COUNT
        return COUNT_LEVELS[1] if small else COUNT_LEVELS[0]
    return COUNT_LEVELS[2] if distance <= math.log(1.5) else COUNT_LEVELS[3]


def place_level(a: Features, b: Features) -> str | None:
    """The place level: a shared city; else a shared province or country where one side names
    nothing finer (compatible); else two cities of one province; else provinces named on both
    sides and none shared; else different places (countries, or places at different levels)."""
    if not a.countries and not a.admin1 and not a.places:
        return None
    if not b.countries and not b.admin1 and not b.places:
        return None
    if a.places & b.places:
        return PLACE_LEVELS[0]
    if a.admin1 and b.admin1 and not a.admin1 & b.admin1:
        return PLACE_LEVELS[3]  # both name provinces, none in common
    if a.places and b.places:  # both name a city, not the same one
        return PLACE_LEVELS[2] if a.admin1 & b.admin1 else PLACE_LEVELS[4]
    if a.admin1 and b.admin1:
        return PLACE_LEVELS[1]
    return PLACE_LEVELS[1] if a.countries & b.countries else PLACE_LEVELS[4]


def place_terms(f: Features) -> tuple[frozenset[str], ...]:
    """A report's places as term-frequency values, finest first: its cities, its provinces
    (``admin1:`` and the code) and its countries (``country:`` and the code).

    One spelling for :func:`shared_values` and for the frequencies training counts
    (:func:`refwatch.link.training.term_frequencies`), so the two always agree.
    """
    return (
        f.places,
        frozenset(f"admin1:{code}" for code in f.admin1),
        frozenset(f"country:{code}" for code in f.countries),
    )


def shared_values(comparison: str, a: Features, b: Features) -> tuple[str, ...]:
    """The values two reports agree on, whose frequency adjusts the agreement's weight.

    The finest places both name (see :func:`place_terms`: cities, else provinces, else
    countries); or the figure both state exactly. The model weighs the rarest of them
    (:meth:`refwatch.link.model.LinkModel.weigh`): two reports that both name Laos and
    China agree on Laos, which few reports name, not on China, which nearly all do.
    Empty for other comparisons or when nothing is shared.
    """
    if comparison == "place":
        for mine, theirs in zip(place_terms(a), place_terms(b), strict=True):
            if mine & theirs:
                return tuple(sorted(mine & theirs))
        return ()
    if comparison == "count" and a.stated is not None and a.stated == b.stated:
        return (str(a.stated),)
    return ()


#: Comparisons whose agreement levels are adjusted for how common the shared value is.
TF_COMPARISONS = {"place": PLACE_LEVELS[:2], "count": COUNT_LEVELS[:2]}


def types_level(a: Features, b: Features) -> str | None:
    """The event-type level."""
    if not a.types or not b.types:
        return None
    ca, cb = core_types(a), core_types(b)
    if ca and ca == cb:
        return TYPE_LEVELS[0]
    if ca & cb:
        return TYPE_LEVELS[1]
    return TYPE_LEVELS[2]


def groups_level(a: Features, b: Features) -> str | None:
    """Women, children or a family named on both sides."""
    if not a.demographics or not b.demographics:
        return None
    return GROUP_LEVELS[0] if a.demographics & b.demographics else GROUP_LEVELS[1]


def wording_level(a: Features, b: Features) -> str | None:
    """Jaccard similarity of the evidence's word pairs, for evidence in one script."""
    if a.language is None or a.language != b.language:
        return None
    if len(a.shingles) < MIN_SHINGLES or len(b.shingles) < MIN_SHINGLES:
        return None
    jaccard = len(a.shingles & b.shingles) / len(a.shingles | b.shingles)
    return WORDING_LEVELS[0] if jaccard >= SHARED_WORDING else WORDING_LEVELS[1]


#: Every comparison: its name, its levels strongest first, and the function naming a pair's level.
COMPARISONS: dict[str, tuple[tuple[str, ...], Callable[[Features, Features], str | None]]] = {
    "date": (DATE_LEVELS, date_level),
    "count": (COUNT_LEVELS, count_level),
    "place": (PLACE_LEVELS, place_level),
    "types": (TYPE_LEVELS, types_level),
    "groups": (GROUP_LEVELS, groups_level),
    "wording": (WORDING_LEVELS, wording_level),
}
