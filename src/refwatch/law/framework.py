"""Treaties, their articles and who is bound by them since when (``data/treaties.toml``).

Entry into force for a state is computed from its deposit and the treaty's rule
for later parties, never typed in, so a corrected deposit date corrects it too.
A signature alone does not bind (only not to defeat the treaty's object and
purpose, Vienna Convention art. 18); the classification says so in its reason.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from refwatch.law.names import names

#: Instrument codes of the ``legal`` contract (docs/law.md).
CODES = ("RC1951", "CAT", "ICCPR", "CRC", "CEDAW", "CUSTOMARY")

#: States in English, as the classification's reasons name them (``data/names.toml``).
STATE_NAMES = names("states", "en")


@dataclass(frozen=True, slots=True)
class Instrument:
    """A treaty (or customary law) and its rule for entry into force for later parties."""

    code: str
    name: str
    articles: dict[str, str]
    source: str
    entry_into_force: dt.date | None = None
    rule: str = ""
    rule_days: int = 0
    rule_months: int = 0
    also_bound_through: str | None = None
    customary: bool = False


@dataclass(frozen=True, slots=True)
class Participation:
    """One state's signature and ratification, accession or succession of one instrument."""

    instrument: str
    state: str
    source: str
    verified: bool
    signature: dt.date | None = None
    consent: dt.date | None = None  # ratification, accession or succession: the deposit that binds
    consent_kind: str | None = None
    note: str | None = None
    checked: str | None = None  # the page the binding date was read on, when it was


@dataclass(frozen=True, slots=True)
class Framework:
    """All instruments and participations, with the questions the classification asks of them."""

    instruments: dict[str, Instrument]
    participations: dict[tuple[str, str], Participation]

    def in_force_for(self, code: str, state: str) -> dt.date | None:
        """The day ``code`` entered into force for ``state`` (None: never bound by it)."""
        instrument = self.instruments[code]
        found = self.participations.get((code, state))
        own = _entry_into_force(instrument, found.consent) if found and found.consent else None
        if instrument.also_bound_through:
            other = self.in_force_for(instrument.also_bound_through, state)
            if other is not None and (own is None or other < own):
                return other
        return own

    def participation(self, code: str, state: str) -> Participation | None:
        """The state's own record for ``code`` (or, failing that, for the instrument binding it through)."""
        found = self.participations.get((code, state))
        through = self.instruments[code].also_bound_through
        if found is None and through:
            return self.participations.get((through, state))
        return found


def _entry_into_force(instrument: Instrument, deposit: dt.date) -> dt.date:
    """The later of the treaty's own entry into force and its rule applied to ``deposit``."""
    day = deposit + dt.timedelta(days=instrument.rule_days)
    if instrument.rule_months:
        month = deposit.month - 1 + instrument.rule_months
        year, month = deposit.year + month // 12, month % 12 + 1
        day = dt.date(year, month, min(deposit.day, calendar.monthrange(year, month)[1]))
    general = instrument.entry_into_force
    return max(day, general) if general else day


def _date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"law data: {where}: {value!r} is not a date (YYYY-MM-DD)") from None


@functools.cache
def load_framework() -> Framework:
    """The packaged treaties and participations, checked (a broken entry fails loudly, naming itself)."""
    raw = tomllib.loads(resources.files("refwatch.law").joinpath("data/treaties.toml").read_text("utf-8"))
    return parse_framework(raw)


def parse_framework(raw: dict[str, Any]) -> Framework:
    """A :class:`Framework` from the TOML's structure (tests feed their own)."""
    instruments: dict[str, Instrument] = {}
    for code, item in raw["instruments"].items():
        instruments[code] = Instrument(
            code=code,
            name=item["name"],
            articles=dict(item["articles"]),
            source=item["source"],
            entry_into_force=_date(item.get("entry_into_force"), code),
            rule=item.get("rule", ""),
            rule_days=int(item.get("rule_days", 0)),
            rule_months=int(item.get("rule_months", 0)),
            also_bound_through=item.get("also_bound_through"),
            customary=bool(item.get("customary", False)),
        )
    for code in CODES:
        if code not in instruments:
            raise ValueError(f"law data: instrument {code} is missing")
    participations: dict[tuple[str, str], Participation] = {}
    for item in raw.get("participation", []):
        code, state = item["instrument"], item["state"]
        where = f"{code}/{state}"
        if code not in instruments:
            raise ValueError(f"law data: {where}: unknown instrument")
        if (code, state) in participations:
            raise ValueError(f"law data: {where}: listed twice")
        kinds = [k for k in ("ratification", "accession", "succession") if item.get(k)]
        if len(kinds) > 1:
            raise ValueError(f"law data: {where}: more than one of ratification/accession/succession")
        participations[(code, state)] = Participation(
            instrument=code,
            state=state,
            source=item["source"],
            verified=bool(item.get("verified", False)),
            signature=_date(item.get("signature"), where),
            consent=_date(item.get(kinds[0]), where) if kinds else None,
            consent_kind=kinds[0] if kinds else None,
            note=item.get("note"),
            checked=item.get("checked"),
        )
    return Framework(instruments, participations)
