"""An appeal letter from incidents: facts with a citation each, the law engaged, the asks of its addressee.

The letter is composed once as plain structure (:class:`Letter`) and written
out as Markdown, DOCX or PDF by :mod:`.render`, so every format says the same.
It names no person: incidents carry counts, never names, and nothing from a
person record is read here. Addressees, their asks and the fixed words of each
language are data (``addressees.toml``, ``strings.toml``). Places are named by
the caller's ``place_name`` (the services pass the pages' own lookup,
``services.placenames``), so a Korean letter names 투먼, 지린성 as the Korean
pages do, and a place the gazetteer cannot name in Korean keeps its stored name.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from refwatch.errors import InvalidInput
from refwatch.law.names import instrument_name, state_name

LANGUAGES = ("en", "ko")
#: Names a stored place (``name``, in ``language``, from location field ``field``: place, admin1, ...).
PlaceNamer = Callable[[str | None, str, str], str]


@dataclass(frozen=True, slots=True)
class Section:
    """A heading with paragraphs and, optionally, a numbered list."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Letter:
    """Everything a letter says, in order."""

    lang: str
    date: dt.date
    addressee: tuple[str, ...]
    salutation: str
    subject: str
    sections: tuple[Section, ...]
    closing: str
    signature: str
    channel: str
    incidents: tuple[int, ...] = field(default=())


@functools.cache
def _data(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("refwatch.report.letters").joinpath(name).read_text("utf-8"))


def addressees() -> dict[str, dict[str, Any]]:
    """The known addressees by code (``sr-dprk``, ``wgad``, ``cat``, ``unhcr``, ``prc-embassy``, ...)."""
    return _data("addressees.toml")


def compose_letter(
    records: Sequence[dict[str, Any]],
    *,
    to: str,
    lang: str,
    author: str,
    place_name: PlaceNamer,
    today: dt.date | None = None,
) -> Letter:
    """The letter to ``to`` about these incidents (linked records with their ``legal`` lists).

    ``place_name`` names each stored place in ``lang``: the letter layer has no gazetteer lookup
    of its own (a second one would drift from what the pages show).
    """
    if lang not in LANGUAGES:
        raise InvalidInput(f"--lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    known = addressees()
    if to not in known:
        raise InvalidInput(f"unknown addressee {to!r}; choose from {', '.join(sorted(known))}")
    if not records:
        raise InvalidInput("name at least one incident")
    words = _data("strings.toml")[lang]
    target = known[to]
    citations: list[str] = []
    facts = [_fact(r, words, citations, lang, place_name) for r in records]
    law = _law(records, words, lang)
    sections = [
        Section(words["facts"], (words["intro"].format(n=len(records)),), tuple(facts)),
        Section(words["law"], () if law else (words["no_law"],), tuple(law)),
        Section(words["requests"], (words["we_ask"],), tuple(target["asks"][lang])),
        Section(words["sources"], (), tuple(citations)),
    ]
    if "submitter" in target["sections"]:
        sections.append(Section(words["submitter"], (words["submitter_text"].format(author=author),)))
    if "consent" in target["sections"]:
        sections.append(Section(words["consent"], (words["consent_text"],)))
    return Letter(
        lang=lang,
        date=today or dt.date.today(),
        addressee=(target["name"][lang], *target["address"]),
        salutation=target["salutation"][lang],
        subject=words["subject"],
        sections=tuple(sections),
        closing=words["closing"],
        signature=author,
        channel=target["channel"],
        incidents=tuple(int(r["id"]) for r in records),
    )


def _fact(
    record: dict[str, Any], words: dict[str, Any], citations: list[str], lang: str, place_name: PlaceNamer
) -> str:
    date = record.get("date") or {}
    start = date.get("start")
    when = words["on_date"].format(date=_date_text(date)) if start else words["date_unknown"]
    victims = record.get("victims") or {}
    low, high = victims.get("count_min"), victims.get("count_max")
    if low is None and victims.get("count") is None:
        people = words["people_unknown"]
    elif high is not None and low is not None and high != low:
        people = f"{low}–{high}"
    else:
        people = str(victims.get("count") if victims.get("count") is not None else low)
    people = people if people == words["people_unknown"] else _people(people, lang)
    places = list(dict.fromkeys(_where(loc, lang, place_name) for loc in record.get("locations") or []))
    perpetrators = sorted(
        {_state(p.get("state"), lang) for p in record.get("perpetrators") or [] if p.get("state")}
    )
    what = ", ".join(words["events"].get(t, t) for t in record.get("event_types") or [])
    refs = []
    for source in record.get("sources") or []:
        line = ", ".join(
            str(x) for x in (source.get("outlet"), source.get("published"), source.get("url")) if x
        )
        line = line or str(source.get("document"))
        if line not in citations:
            citations.append(line)
        refs.append(f"[{citations.index(line) + 1}]")
    sentence: str = (
        words["fact"]
        .format(
            when=when,
            what=what,
            people=people,
            where=words["where"].format(places="; ".join(places)) if places else "",
            who=words["who"].format(perpetrators=", ".join(perpetrators)) if perpetrators else "",
            status=words["statuses"].get(record.get("status"), record.get("status")),
            cite=" ".join(refs),
        )
        .replace("  ", " ")
    )
    return sentence


def _people(n: str, lang: str) -> str:
    return f"{n} 명" if lang == "ko" else f"{n} people"


def _date_text(date: dict[str, Any]) -> str:
    start, end, precision = date.get("start"), date.get("end"), date.get("precision")
    if precision == "month" and start:
        return str(start)[:7]
    if precision == "year" and start:
        return str(start)[:4]
    if end and end != start:
        return f"{start} – {end}"
    return str(start)


def _where(location: dict[str, Any], lang: str, place_name: PlaceNamer) -> str:
    """One location as its language writes an address: "Tumen Detention Centre, Tumen, Jilin, China",
    "중국 지린성 투먼 투먼 구류소" (Korean goes from the country down, without commas)."""
    parts = [
        place_name(location.get("facility"), lang, "facility"),
        place_name(location.get("place"), lang, "place"),
        place_name(location.get("admin1"), lang, "admin1"),
        _state(location.get("country"), lang),
    ]
    named = [part for part in parts if part]
    return " ".join(reversed(named)) if lang == "ko" else ", ".join(named)


def _state(code: str | None, lang: str) -> str:
    return state_name(code, lang) if code else ""


def _law(records: Sequence[dict[str, Any]], words: dict[str, Any], lang: str) -> list[str]:
    """The obligations in force, once each, with the English reasoning of the classification (en only)."""
    seen: dict[tuple[str, str, str], str] = {}
    for record in records:
        for o in record.get("legal") or []:
            if not o.get("in_force"):
                continue
            key = (o["instrument"], o["article"], o["state"])
            if key in seen:
                continue
            name = instrument_name(o["instrument"], lang)
            article = o["article"]
            state = _state(o["state"], lang)
            if lang == "ko":
                head = name if article == "non-refoulement" else f"{name} 제{article}조"
                seen[key] = f"{head} ({state})"
            else:
                head = name if article == "non-refoulement" else f"{name}, art. {article}"
                seen[key] = f"{head} ({state}): {o['reason']}"
    return list(seen.values())
