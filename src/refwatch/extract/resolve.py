"""Resolution: turn an incident cluster into an :class:`Incident` with every field decided.

Dates become one interval (the narrowest of nested mentions, else the span of
the event dates); counts become the figure the report repeats, with its
qualifier; demographics are kept only when they add up to the total; status,
event types, places, perpetrators and salience are read from the cluster's
sentences. Every value carries the phrase it came from and every incident its
evidence spans.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Final, cast

from refwatch.domain.incidents import DateInterval, Evidence, Incident, Location, Perpetrator, Victims
from refwatch.domain.vocabulary import Agency, EventType, LocationRole, Salience, Status
from refwatch.extract.assemble import NOMINAL_SEED_TYPES, Cluster, dated_nominal
from refwatch.extract.dates import with_year
from refwatch.extract.mentions import CountMention, DateMention, PlaceMention, SentenceMentions, Trigger

#: A release by North Korea ("released_after_return") comes after the return: the people stand released.
_STATUS_ORDER: Final = ("died", "released_after_return", "returned", "released", "reached_safety", "at_risk")
_TYPE_ORDER: Final = (
    "crossing", "arrest", "detention", "interrogation", "transfer", "deportation", "repatriation",
    "trafficking", "torture", "sexual_violence", "forced_abortion", "forced_labour", "imprisonment",
    "execution", "death",
)  # fmt: skip
_ROLE_FOR_TYPE: Final[dict[str, LocationRole]] = {
    "arrest": "arrest",
    "detention": "detention",
    "deportation": "handover",
    "repatriation": "handover",
    "transfer": "detention",
    "crossing": "crossing",
}
_TITLE_SENTENCES: Final = 3


def resolve_date(cluster: Cluster) -> DateInterval:
    """One interval for the incident from its event dates (report dates only as a last resort)."""
    # A group whose text dates only its parts ("이들 중 9명은 18일, 18명은 19일") spans their dates.
    known = cluster.known_dates() or cluster.part_dates
    explicit = [d.lo for d in known if not d.year_inferred and d.lo is not None]
    if len({lo.year for lo in explicit}) == 1:
        known = [_in_year_of(d, min(explicit)) for d in known]
    if not known:
        # The day a source spoke or published is not the day the event happened: without words
        # dating the event, its date is unknown (a reviewer may still set one by hand). One
        # exception has words for it: a source saying then that an authority planned or decided
        # to return the people ("claimed last month that China planned to repatriate them")
        # dates their being held.
        for sm in cluster.seeds:
            if any(t.intent for t in sm.triggers):
                spoken = [d for d in sm.dates if d.role == "report" and d.lo is not None and d.hi is not None]
                if spoken:
                    d = spoken[0]
                    return DateInterval(d.lo.isoformat(), d.hi.isoformat(), d.precision, d.text)  # type: ignore[union-attr]
        unknown = [d for d in cluster.dates if d.lo is None]
        return DateInterval(None, None, "unknown", unknown[0].text if unknown else None)
    # Drop intervals that contain a narrower one: "last month" gives way to "mid-March".
    narrow = [
        d
        for d in known
        if not any(
            o is not d
            and o.lo
            and o.hi
            and d.lo
            and d.hi
            and d.lo <= o.lo
            and o.hi <= d.hi
            and (o.lo, o.hi) != (d.lo, d.hi)
            for o in known
        )
    ]
    narrow.sort(key=lambda d: (d.lo, d.hi))
    first, last = narrow[0], max(narrow, key=lambda d: d.hi or d.lo)  # type: ignore[arg-type,return-value]
    if first.lo is None or last.hi is None:  # cannot happen: ``known`` holds dated mentions only
        return DateInterval(None, None, "unknown", first.text)
    if all((d.lo, d.hi) == (first.lo, first.hi) for d in narrow):
        return DateInterval(
            first.lo.isoformat(), first.hi.isoformat() if first.hi else None, first.precision, first.text
        )
    text = first.text if first is last else f"{first.text} ... {last.text}"
    return DateInterval(first.lo.isoformat(), last.hi.isoformat(), "range", text)


def _in_year_of(mention: DateMention, written: dt.date) -> DateMention:
    """A yearless date of the incident placed in the one year its dates write (``written``'s).

    Except where that puts it wholly before the written date while the date finder had
    placed it in the next year: the incident's story runs forwards ("caught at the end of
    last year ... repatriated in March" is March of this year, not of last year).
    """
    moved = with_year(mention, written.year)
    if (
        moved is not mention
        and moved.hi is not None
        and moved.hi < written
        and mention.lo is not None
        and mention.lo.year == written.year + 1
    ):
        return mention
    return moved


def resolve_victims(cluster: Cluster) -> Victims:
    """The figure most often repeated for the group, with demographics that add up to it."""
    figures = [c for c in cluster.counts if c.count is not None and c.group == "people"]
    kinds: list[CountMention] = []  # the first count of each kind of person (women, men, children)
    for sm in cluster.seeds + cluster.attached:
        for c in sm.counts:
            if c.group != "people" and c.count is not None and all(k.group != c.group for k in kinds):
                kinds.append(c)
    # members named in a clause ("including seven men and two women") tell the make-up only
    members = [
        c
        for sm in cluster.seeds + cluster.attached
        for c in sm.members
        if c.count is not None and all(k.group != c.group for k in kinds)
    ]
    groups = {c.group: c.count for c in kinds + members if c.count is not None}
    group_total = sum(groups.values())
    unlabeled_parts = False
    victims = Victims()
    if figures:
        tally = Counter(c.count for c in figures)
        best = max(tally, key=lambda v: (tally[v], -next(i for i, c in enumerate(figures) if c.count == v)))
        chosen = next(c for c in figures if c.count == best)
        victims = Victims(
            chosen.count, chosen.count_min, chosen.count_max, chosen.qualifier, text=chosen.text
        )
    elif len(kinds) == 1:  # "more than 100 North Korean women": one kind, its own qualifier
        (only,) = kinds
        victims = Victims(only.count, only.count_min, only.count_max, only.qualifier, text=only.text)
    elif kinds:
        total = sum(c.count for c in kinds if c.count is not None)
        victims = Victims(total, total, total, "exact", text=None)
    else:
        vague = [c for c in cluster.counts if c.vague]
        victims = Victims(text=vague[0].text if vague else None)
    if groups and not unlabeled_parts and victims.count == group_total:
        victims.women = groups.get("women")
        victims.men = groups.get("men")
        victims.children = groups.get("children")
    return victims


def _triggers(cluster: Cluster) -> list[Trigger]:
    """Triggers of the seeds, and of attached sentences that point back to the group ("they",
    "the group", "이들"): one that only names the same kind of people ("defectors face ...") may
    speak of people in general, and its events are not this group's."""
    return [t for sm in _about_group(cluster) for t in sm.triggers]


def _about_group(cluster: Cluster) -> list[SentenceMentions]:
    return cluster.seeds + [sm for sm in cluster.attached if sm.anaphora or sm.singular_anaphora]


def resolve_types(cluster: Cluster) -> list[EventType]:
    """Event types that happened (realis, verbal) in the incident's sentences."""
    types: set[str] = set()
    for t in _triggers(cluster):
        if t.realis and not t.nominal:
            types.update(t.types)
        elif t.intent:
            types.add("detention")
    if "arrest" in types and any(
        "repatriation" in t.types and not (t.realis and not t.nominal) for t in _triggers(cluster)
    ):
        types.add("detention")  # caught and facing, awaiting or threatened with return: held
    for sm in cluster.seeds:
        if dated_nominal(sm):  # "the repatriation of 300 refugees in October 2021"
            types.update(
                x for t in sm.triggers if t.nominal and t.realis for x in t.types if x in NOMINAL_SEED_TYPES
            )
    if not types & (set(_TYPE_ORDER) - {"crossing"}):
        types.add("detention")
    return [t for t in _TYPE_ORDER if t in types]


def resolve_status(cluster: Cluster, types: list[EventType]) -> Status:
    """Where the people stand: died > returned > released > reached safety > at risk; released by
    North Korea after the return ("North Korea released the woman it had received") is released."""
    found: set[str] = set()
    if "death" in types or "execution" in types:
        found.add("died")
    if "repatriation" in types or "imprisonment" in types:
        # imprisonment is a sentence served in North Korea (detention in China is "detention"):
        # people held in a 교화소 or a labour camp there have been returned
        found.add("returned")
    for sm in _about_group(cluster):
        found.update(s.status for s in sm.statuses)
    if set(types) & {"arrest", "detention", "deportation", "transfer"}:
        found.add("at_risk")
    for status in _STATUS_ORDER:
        if status in found:
            return cast(Status, "released" if status == "released_after_return" else status)
    return "unknown"


def _role(place: PlaceMention, sm: SentenceMentions) -> LocationRole:
    best: Trigger | None = None
    for t in sm.triggers:
        if not t.realis:
            continue
        if best is None or abs(t.start - place.start) < abs(best.start - place.start):
            best = t
    if best is None:
        return "other"
    for kind in ("repatriation", "deportation", "arrest", "detention", "transfer", "crossing"):
        if kind in best.types:
            return _ROLE_FOR_TYPE[kind]
    return "other"


def resolve_locations(cluster: Cluster) -> list[Location]:
    """Places of the incident, most specific first; countries only where nothing finer is named."""
    seen: dict[tuple[str | None, str | None, str | None, str | None], Location] = {}
    for sm in cluster.seeds + cluster.attached + cluster.part_sentences:
        for p in cluster.places(sm):
            if p.country in ("KR",) or (p.country == "KP" and p.kind == "country") or p.country is None:
                continue
            key = (p.country, p.admin1, p.place, p.facility)
            if key not in seen:
                seen[key] = Location(p.country, p.admin1, p.place, p.facility, _role(p, sm), p.text)
    specific = [loc for loc in seen.values() if loc.admin1 or loc.place or loc.facility]
    countries = {loc.country for loc in specific}
    bare = [
        loc
        for loc in seen.values()
        if not (loc.admin1 or loc.place or loc.facility) and loc.country not in countries
    ]
    return specific + bare


def resolve_perpetrators(cluster: Cluster, locations: list[Location]) -> list[Perpetrator]:
    """Agencies named in the incident's sentences; a state left open takes the incident's country."""
    default_state = next((loc.country for loc in locations if loc.country not in (None, "KP")), None)
    out: list[Perpetrator] = []
    for sm in cluster.seeds + cluster.attached:
        for a in sm.actors:
            p = Perpetrator(a.state or default_state, cast(Agency, a.agency))
            if p not in out:
                out.append(p)
    if not out and default_state:
        out.append(Perpetrator(default_state, "unknown"))
    return out


def resolve_evidence(cluster: Cluster, text: str) -> list[Evidence]:
    """The seed sentences, and attached ones that added a place or demographics."""
    # Sets, not list membership: a long report's cluster gathers thousands of sentences, and
    # `x in list` made this quadratic (4 s of a 0.8 MB report's 4.3 s went here).
    attached = {id(sm) for sm in cluster.attached}
    out: dict[Evidence, None] = {}  # insertion-ordered and duplicate-free, as the list was
    for sm in cluster.seeds + cluster.attached:
        if id(sm) in attached and not (sm.places or any(c.group != "people" for c in sm.counts)):
            continue
        s = sm.sentence
        out.setdefault(Evidence(s.start, s.end, text[s.start : s.end]), None)
    return sorted(out, key=lambda e: e.start)


def salience_scores(clusters: list[Cluster]) -> list[Salience]:
    """The incident the report is about is ``main``: the most seed sentences, a headline bonus."""
    if not clusters:
        return []
    scores = [len(c.seeds) + (2 if c.first_index < _TITLE_SENTENCES else 0) for c in clusters]
    main = max(range(len(clusters)), key=lambda i: (scores[i], -clusters[i].first_index))
    return ["main" if i == main else "background" for i in range(len(clusters))]


def build_incident(
    cluster: Cluster, text: str, *, document: str, salience: Salience, part_of: int | None = None
) -> Incident:
    """The finished incident for one cluster."""
    types = resolve_types(cluster)
    locations = resolve_locations(cluster)
    return Incident(
        document=document,
        event_types=types,
        status=resolve_status(cluster, types),
        date=resolve_date(cluster),
        victims=resolve_victims(cluster),
        locations=locations,
        perpetrators=resolve_perpetrators(cluster, locations),
        evidence=resolve_evidence(cluster, text),
        salience=salience,
        part_of=part_of,
    )


def date_mentions(cluster: Cluster) -> list[DateMention]:
    """All event dates of a cluster (for debugging and tests)."""
    return list(cluster.dates)
