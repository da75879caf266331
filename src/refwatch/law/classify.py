"""Which obligations an incident engages, for which state, and whether that state was bound then.

Rules are data (``data/rules.toml``): acts, whose obligation, conditions on the
victims, instrument and article. This module only applies them: it works out
the acting or returning state and the destination from the incident, then asks
:mod:`.framework` whether the state was bound on the incident's date. An
obligation is listed when the state has signed or joined the instrument (with
``in_force`` false when it was not yet, or never, bound) and always for
customary non-refoulement; a state that never took part is left out (Laos and
Viet Nam have no Refugee Convention entry).
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from refwatch.law.framework import CODES, STATE_NAMES, Framework, load_framework

RETURNS = ("repatriation", "deportation")
DPRK = "KP"


@dataclass(frozen=True, slots=True)
class Rule:
    """One line of ``rules.toml``."""

    acts: tuple[str, ...]
    actor: str  # "returning" or "acting"
    requires: frozenset[str]
    instrument: str
    article: str
    reason: str


@dataclass(frozen=True, slots=True)
class Case:
    """One act by one state, as the rules see it.

    ``start``/``end`` bound the act's date (None: unknown); ``destination`` is
    where a return ends (the DPRK, directly or through ``via``).
    """

    act: str
    state: str
    start: dt.date | None
    end: dt.date | None = None
    destination: str | None = None
    via: str | None = None
    children: bool = False
    women: bool = False
    inferred_state: bool = False


@dataclass(frozen=True, slots=True)
class Obligation:
    """One obligation engaged: the ``legal`` list's item."""

    instrument: str
    article: str
    state: str
    in_force: bool | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """The contract's shape: instrument, article, state, in_force, reason."""
        return {
            "instrument": self.instrument,
            "article": self.article,
            "state": self.state,
            "in_force": self.in_force,
            "reason": self.reason,
        }


@functools.cache
def load_rules() -> tuple[Rule, ...]:
    """The packaged rules, checked against the framework's instruments and articles."""
    text = resources.files("refwatch.law").joinpath("data/rules.toml").read_text("utf-8")
    return parse_rules(tomllib.loads(text), load_framework())


def parse_rules(raw: Mapping[str, Any], framework: Framework) -> tuple[Rule, ...]:
    """Rules from the TOML's structure; an unknown instrument, article or condition fails, naming it."""
    known = {"children", "women", "not_dprk", "dprk", "destination_dprk"}
    rules = []
    for i, item in enumerate(raw["rule"], start=1):
        code, article = item["instrument"], str(item["article"])
        if code not in CODES or article not in framework.instruments[code].articles:
            raise ValueError(f"law rules: rule {i}: unknown instrument or article {code} {article}")
        requires = frozenset(item.get("requires", []))
        if requires - known or item["actor"] not in ("returning", "acting"):
            raise ValueError(f"law rules: rule {i}: unknown condition or actor")
        rules.append(
            Rule(tuple(item["acts"]), item["actor"], requires, code, article, str(item["reason"]).strip())
        )
    return tuple(rules)


def classify_case(case: Case, *, actor: str | None = None) -> list[Obligation]:
    """The obligations ``case`` engages (rules for ``actor`` only, when given)."""
    framework = load_framework()
    found = []
    for rule in load_rules():
        if case.act not in rule.acts or (actor and rule.actor != actor) or not _holds(rule, case):
            continue
        status = _status(framework, rule.instrument, case)
        if status is None:
            continue  # the state never took part in the instrument
        in_force, clause = status
        found.append(
            Obligation(rule.instrument, rule.article, case.state, in_force, f"{_fill(rule, case)} {clause}")
        )
    return found


def _holds(rule: Rule, case: Case) -> bool:
    checks = {
        "children": case.children,
        "women": case.women,
        "not_dprk": case.state != DPRK,
        "dprk": case.state == DPRK,
        "destination_dprk": case.destination == DPRK,
    }
    return all(checks[c] for c in rule.requires)


def _fill(rule: Rule, case: Case) -> str:
    destination = STATE_NAMES.get(case.destination or "", case.destination or "an unknown country")
    if case.via and case.destination == DPRK:
        destination = f"{destination} (through {STATE_NAMES.get(case.via, case.via)})"
    state = STATE_NAMES.get(case.state, case.state)
    sentence = rule.reason.format(state=state, destination=destination, article=rule.article)
    sentence = sentence[0].upper() + sentence[1:]
    if case.inferred_state:
        sentence += f" ({state}: no other state is named, and returns across this border are by China.)"
    return sentence


def _status(framework: Framework, code: str, case: Case) -> tuple[bool | None, str] | None:
    """Whether the state was bound on the act's date, and a clause saying so (None: never took part)."""
    if framework.instruments[code].customary:
        return True, "Customary non-refoulement binds every state, party to a treaty or not."
    record = framework.participation(code, case.state)
    if record is None:
        return None
    since = framework.in_force_for(code, case.state)
    name = STATE_NAMES.get(case.state, case.state)
    if since is None:
        signed = record.signature.isoformat() if record.signature else "?"
        return False, (
            f"{name} signed on {signed} but has not ratified: not bound, only obliged not to defeat "
            "the treaty's object and purpose."
        )
    joined = f"{record.consent_kind} {record.consent.isoformat()}" if record.consent else "deposit"
    if case.start is None:
        return None, f"In force for {name} since {since.isoformat()} ({joined}); the act's date is unknown."
    end = case.end or case.start
    if case.start >= since:
        return True, f"In force for {name} since {since.isoformat()} ({joined})."
    if end < since:
        return False, (
            f"Not yet binding on {name} then: in force for it only from {since.isoformat()} ({joined})."
        )
    return None, f"In force for {name} from {since.isoformat()} ({joined}), within the act's dates."


def classify_incident(incident: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ``legal`` list of an incident in the extraction schema (or a linked record), in a stable order.

    It depends on a few facts only (dates, acts, states, whether women or
    children were among the people), which many incidents share, and the
    rules are fixed for the process: the answer is kept per set of facts
    (every API read of an incident asks for it, #20). Each call gets its own
    copies.
    """
    start, end = _dates(incident.get("date") or {})
    victims = incident.get("victims") or {}
    children = bool(victims.get("children"))
    women = bool(victims.get("women"))
    acts = tuple(incident.get("event_types") or [])
    perpetrators = tuple(_states(p.get("state") for p in incident.get("perpetrators") or []))
    places = tuple(_states(loc.get("country") for loc in incident.get("locations") or []))
    try:
        kept = _classified(start, end, children, women, acts, perpetrators, places)
    except TypeError:  # an act that is not a plain value (not in the schema): worked out afresh
        kept = _classified.__wrapped__(start, end, children, women, acts, perpetrators, places)
    return [dict(obligation) for obligation in kept]


@functools.lru_cache(maxsize=4096)
def _classified(
    start: dt.date | None,
    end: dt.date | None,
    children: bool,
    women: bool,
    acts_given: tuple[Any, ...],
    perpetrators_given: tuple[str, ...],
    places_given: tuple[str, ...],
) -> tuple[dict[str, Any], ...]:
    acts, perpetrators, places = list(acts_given), list(perpetrators_given), list(places_given)
    found: list[Obligation] = []
    for act in acts:
        if act in RETURNS:
            for case in _return_cases(act, acts, perpetrators, places, start, end, children, women):
                found += classify_case(case, actor="returning")
        for state in perpetrators or places:
            case = Case(act, state, start, end, children=children, women=women)
            found += classify_case(case, actor="acting")
    unique: dict[tuple[str, str, str], Obligation] = {}
    for obligation in found:
        unique.setdefault((obligation.instrument, obligation.article, obligation.state), obligation)
    order = {code: i for i, code in enumerate(CODES)}
    return tuple(
        o.to_dict() for o in sorted(unique.values(), key=lambda o: (order[o.instrument], o.article, o.state))
    )


def _return_cases(
    act: str,
    acts: list[str],
    perpetrators: list[str],
    places: list[str],
    start: dt.date | None,
    end: dt.date | None,
    children: bool,
    women: bool,
) -> list[Case]:
    """Who returned the people, and where to: the non-DPRK states named, or China when none is."""
    returning = [s for s in perpetrators if s != DPRK] or [s for s in places if s != DPRK]
    inferred = not returning
    if inferred:
        returning = ["CN"]
    cases = []
    for state in returning:
        via = "CN" if act == "deportation" and state != "CN" and "repatriation" not in acts else None
        cases.append(Case(act, state, start, end, DPRK, via, children, women, inferred))
    return cases


def _states(values: Iterable[Any]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if isinstance(value, str) and len(value) == 2 and value not in seen:
            seen.append(value)
    return seen


def _dates(date: Mapping[str, Any]) -> tuple[dt.date | None, dt.date | None]:
    def parse(value: Any) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    return parse(date.get("start")), parse(date.get("end"))


def engaged_instruments(legal: list[dict[str, Any]]) -> str | None:
    """The instruments of a ``legal`` list with an obligation in force, as stored for counting (``|CAT|``)."""
    codes = sorted({o["instrument"] for o in legal if o["in_force"]})
    return "|" + "|".join(codes) + "|" if codes else None
