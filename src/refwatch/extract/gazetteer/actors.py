"""Reading ``data/actors.json``: agencies and the words that name them.

The file lists *prefixes* per state ("Chinese", "중국", "中", "中国") and
*terms* per agency ("police", "공안", "公安"). A term alone gives its own state
(公安 is Chinese police; "police" says no state); a prefix and a term together
("Lao police", "라오스 경찰", "中 공안") give the prefix's state. Generating the
combinations here keeps the data short and makes every term work with every
demonym, instead of listing "Vietnamese police", "Thai police", ... by hand.

A term with a state of its own combines only with that state's prefixes, unless
it lists others in ``prefix_states`` (Vietnam also calls its police 공안/公安).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from refwatch.domain.vocabulary import AGENCIES
from refwatch.errors import ConfigError
from refwatch.extract.gazetteer.model import ActorEntry

ACTORS_FILE = "actors.json"
_SCRIPTS = ("en", "ko", "zh")
_JOINERS = {"en": " ", "ko": " ", "zh": ""}


def actor_id(state: str | None, agency: str) -> str:
    """``cn.police``, ``kp.state_security``, ``any.police`` (state not said)."""
    return f"{(state or 'any').lower()}.{agency}"


@dataclass(frozen=True)
class Term:
    """An agency word: what it means alone, and which states' prefixes may precede it."""

    entry: ActorEntry
    prefix_states: frozenset[str]


@dataclass(frozen=True)
class ActorLexicon:
    """Actor entries plus the prefix and term names the matcher combines.

    ``entries`` hold every name, prefixed ones included, for look-up and
    documentation; the matcher compiles only ``prefixes`` and ``terms`` and joins
    a prefix to the term right after it, which keeps the pattern small.
    """

    entries: tuple[ActorEntry, ...]
    prefixes: dict[str, str] = field(default_factory=dict)  # name -> state
    terms: dict[str, Term] = field(default_factory=dict)  # name -> term

    def entry(self, state: str | None, agency: str) -> ActorEntry | None:
        """The entry for a state and agency, if the data has one."""
        wanted = actor_id(state, agency)
        return next((e for e in self.entries if e.id == wanted), None)


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{ACTORS_FILE}: {where} must be a list of strings")
    return list(value)


def build_actors(data: dict[str, Any]) -> ActorLexicon:
    """The actor lexicon from the parsed JSON (see the module docstring for its shape).

    Raises:
        ConfigError: the data names an unknown agency, state or script.
    """
    prefixes: dict[str, dict[str, list[str]]] = {}
    prefix_state: dict[str, str] = {}
    for state, by_script in data.get("prefixes", {}).items():
        prefixes[state] = {s: _strings(by_script.get(s, []), f"prefixes.{state}.{s}") for s in _SCRIPTS}
        for script_names in prefixes[state].values():
            for name in script_names:
                prefix_state.setdefault(name, state)
    names: dict[tuple[str | None, str], list[str]] = {}
    bare: dict[str, tuple[str | None, str, frozenset[str]]] = {}

    def add(state: str | None, agency: str, name: str) -> None:
        bucket = names.setdefault((state, agency), [])
        if name not in bucket:
            bucket.append(name)

    for number, term in enumerate(data.get("terms", [])):
        agency = term.get("agency")
        if agency not in AGENCIES:
            raise ConfigError(f"{ACTORS_FILE}: terms[{number}] has unknown agency {agency!r}")
        state = term.get("state")
        if state is not None and state not in prefixes:
            raise ConfigError(f"{ACTORS_FILE}: terms[{number}] has state {state!r} without prefixes")
        combine = frozenset(term.get("prefix_states", list(prefixes) if state is None else [state]))
        for script in _SCRIPTS:
            for name in _strings(term.get(script, []), f"terms[{number}].{script}"):
                add(state, agency, name)
                bare.setdefault(name, (state, agency, combine))
                for other in sorted(combine):
                    for prefix in prefixes.get(other, {}).get(script, []):
                        add(other, agency, prefix + _JOINERS[script] + name)
    entries = {
        key: ActorEntry(id=actor_id(key[0], key[1]), state=key[0], agency=key[1], names=tuple(found))
        for key, found in names.items()
    }
    terms = {name: Term(entries[(state, agency)], combine) for name, (state, agency, combine) in bare.items()}
    return ActorLexicon(tuple(entries.values()), prefix_state, terms)


def load_actors() -> ActorLexicon:
    """The packaged actor lexicon."""
    text = resources.files("refwatch.extract.gazetteer").joinpath("data", ACTORS_FILE).read_text("utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{ACTORS_FILE}: not valid JSON ({exc}); fix the data file") from exc
    return build_actors(data)
