"""What readers call an instrument or a state, in their language (``data/names.toml``).

The classification stores codes (``CAT``, ``CN``) so that exports and filters
compare like with like; whatever a person reads — a letter, the period report,
the law table of an incident page — names them from this one table, so that an
obligation is not "CAT" on one page and "Convention against Torture" in the
letter quoting it.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files

#: Languages the table names things in; any other reads English.
LANGUAGES = ("en", "ko")


@cache
def _table() -> dict[str, dict[str, dict[str, str]]]:
    data = tomllib.loads(files("refwatch.law").joinpath("data/names.toml").read_text(encoding="utf-8"))
    for language in LANGUAGES:
        for kind in ("instruments", "states"):
            if not isinstance(data.get(language, {}).get(kind), dict):
                raise ValueError(f"law names: [{language}.{kind}] is missing from data/names.toml")
    return data


def names(kind: str, language: str) -> dict[str, str]:
    """Every name of ``kind`` ("instruments" or "states") in ``language`` (English when not known)."""
    return dict(_table()[language if language in LANGUAGES else "en"][kind])


def instrument_name(code: str, language: str) -> str:
    """The instrument ``code`` as a reader of ``language`` knows it; an unknown code is kept.

    Examples:
        >>> instrument_name("CAT", "en"), instrument_name("CAT", "ko"), instrument_name("XYZ", "en")
        ('Convention against Torture', '고문방지협약', 'XYZ')
    """
    return names("instruments", language).get(code, code)


def state_name(code: str, language: str) -> str:
    """The state ``code`` as a reader of ``language`` knows it; an unknown code is kept.

    Examples:
        >>> state_name("CN", "en"), state_name("KP", "ko")
        ('China', '북한')
    """
    return names("states", language).get(code, code)
