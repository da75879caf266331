"""Mentions: what the finders report, each with exact offsets into the document text.

Finders never build incidents; they only say "here is a date", "here is a count",
"here is an arrest". Keeping them separate lets each be tested on its own and
lets assembly reason about positions (which count is nearest which trigger).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from refwatch.domain.vocabulary import Precision, Qualifier
from refwatch.extract.records import record

if TYPE_CHECKING:
    from refwatch.extract.tallies import TallyFinding


@record
class Span:
    """A stretch of the document: ``text[start:end]``."""

    start: int
    end: int


@record
class Sentence:
    """A sentence or heading line; ``paragraph`` numbers blocks separated by blank lines."""

    start: int
    end: int
    index: int
    paragraph: int
    clutter: bool = False


@record
class DateMention:
    """A date expression resolved to the interval of days it may mean.

    ``role`` is ``event`` for a time something happened, ``report`` for the time
    a source said or published something ("said on Monday", "18일 알려졌다"),
    ``since`` for a bound of a longer period ("the first since January"), ``future`` for a
    deadline or plan, and ``background`` for a date of someone's own earlier move told in a
    relative clause ("the son of a man who escaped in 2015").
    ``lo``/``hi`` are ``None`` when the expression cannot be placed in time
    (no year can be known without inventing one).
    """

    start: int
    end: int
    text: str
    lo: dt.date | None
    hi: dt.date | None
    precision: Precision
    role: str = "event"
    year_inferred: bool = False


@record
class CountMention:
    """A number of people, with the qualifier the text used.

    ``vague`` marks amounts without a figure ("dozens", "수십 명"): they show a
    group is meant but give no count. ``group`` says which kind of person was
    counted (``women``, ``men``, ``children`` or ``people``).
    """

    start: int
    end: int
    text: str
    count: int | None
    count_min: int | None
    count_max: int | None
    qualifier: Qualifier
    group: str = "people"
    vague: bool = False
    #: A part of a group already described ("of them, 5 ...", "이들 중 9명은"): its own incident,
    #: related to the group's.
    part: bool = False


@record
class Trigger:
    """A word for something that happened to people, and whether it happened.

    ``realis`` is False for events that are feared, planned, demanded or generic
    ("face repatriation", "북송될 위기", "China should stop deporting"): they
    colour the status but do not make an incident on their own. ``intent`` marks
    an authority's plan or decision ("decided to repatriate", "북송하려"), which
    implies the people are already held.
    """

    start: int
    end: int
    text: str
    types: tuple[str, ...]
    realis: bool
    intent: bool = False
    nominal: bool = False


@record
class StatusCue:
    """A phrase that says where people stand now (``died``, ``released``, ...)."""

    start: int
    end: int
    status: str


@record
class PlaceMention:
    """A gazetteer place found in the text."""

    start: int
    end: int
    text: str
    country: str | None
    admin1: str | None
    place: str | None
    facility: str | None
    kind: str


@record
class ActorMention:
    """A state agency found in the text; ``state`` may come from context."""

    start: int
    end: int
    text: str
    state: str | None
    agency: str


@dataclass(slots=True)
class SentenceMentions:
    """Everything found in one sentence, in text order within each list."""

    sentence: Sentence
    triggers: list[Trigger] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    counts: list[CountMention] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    actors: list[ActorMention] = field(default_factory=list)
    statuses: list[StatusCue] = field(default_factory=list)
    victim_refs: list[Span] = field(default_factory=list)
    anaphora: list[Span] = field(default_factory=list)
    #: "she", "him": point back only to an incident of one person.
    singular_anaphora: list[Span] = field(default_factory=list)
    other_group: bool = False
    subgroup: bool = False
    #: Counts of kinds of people named as members of the group ("including seven men and two
    #: women", "who included a girl"): read for the group's make-up only, never as its figure.
    members: list[CountMention] = field(default_factory=list)
    #: Where words say that the sentence's figures are groups caught apart ("separately", "별도로").
    separate_at: list[int] = field(default_factory=list)
    #: Where a clause ends inside the sentence (a semicolon): items listed in one sentence are cut there.
    clause_breaks: list[int] = field(default_factory=list)
    #: Figures :func:`refwatch.extract.tallies.mark_tallies` found to be tallies (moved out of ``counts``).
    tallies: list[TallyFinding] = field(default_factory=list)
