"""How stored codes read on a page, in the reader's language (#19: Korean throughout).

Incidents keep vocabulary codes (``at_risk``, ``border_police``), place names
as the gazetteer's English labels and countries as ISO codes. Pages show them
through the Jinja filters installed here, which take the language and the
gettext function from the page's context (see ``pages.render``): a code is
translated from the catalogue, else shown with spaces for underscores; a place
is named as the gazetteer names it in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from refwatch.law.names import instrument_name
from refwatch.services.placenames import place_name

#: Fields of the claims table ("what each source says") and of a claim's parts, as readers call them.
CLAIM_LABELS = {
    "date": "Date",
    "date_start": "Start date",
    "date_end": "End date",
    "start": "Start",
    "end": "End",
    "precision": "Date precision",
    "victims": "People",
    "count": "Count",
    "count_min": "Lowest count",
    "count_max": "Highest count",
    "qualifier": "Count qualifier",
    "women": "Women",
    "men": "Men",
    "children": "Children",
    "event_types": "Events",
    "status": "Status",
    "locations": "Places",
    "location": "Place",
    "place": "Place",
    "admin1": "Province",
    "country": "Country",
    "facility": "Facility",
    "role": "Role",
    "perpetrators": "Perpetrators",
    "state": "State",
    "agency": "Agency",
    "salience": "Salience",
    "names": "Names",
}
#: Document languages as readers call them.
LANGUAGE_NAMES = {"en": "English", "ko": "Korean", "zh": "Chinese", "other": "other"}
_PLACE_FIELDS = {"place", "admin1", "facility", "country", "state"}


def _gettext(context: Context) -> Callable[[str], str]:
    found = context.get("_")
    return found if callable(found) else (lambda text: text)


def term_text(value: Any, gettext: Callable[[str], str]) -> str:
    """A vocabulary code as a reader's word: its translation, else the code with spaces."""
    if value is None or value == "":
        return ""
    text = str(value)
    translated = gettext(text)
    return translated.replace("_", " ") if translated == text else translated


@pass_context
def term(context: Context, value: Any) -> str:
    """Jinja filter: ``{{ incident.status | term }}``."""
    return term_text(value, _gettext(context))


@pass_context
def terms(context: Context, values: Any, separator: str = ", ") -> str:
    """Jinja filter: a list of codes, each as a word, joined."""
    gettext = _gettext(context)
    return separator.join(term_text(v, gettext) for v in values or ())


@pass_context
def place(context: Context, name: Any, field: str = "place") -> str:
    """Jinja filter: a stored place (a country code with ``field="country"``) in the reader's language."""
    return place_name(str(name) if name else None, str(context.get("lang") or "en"), field)


@pass_context
def place_parts(context: Context, value: Any) -> str:
    """Jinja filter: a place written "Yanji, Jilin, CN" (the public records) with each part named."""
    language = str(context.get("lang") or "en")
    return ", ".join(place_name(part.strip(), language) for part in str(value or "").split(","))


def location_text(location: Mapping[str, Any], language: str) -> str:
    """A location's most specific known part, named in ``language`` (the lists show one name per place)."""
    for field in ("facility", "place", "admin1", "country"):
        if location.get(field):
            return place_name(str(location[field]), language, field)
    return ""


@pass_context
def location(context: Context, value: Mapping[str, Any]) -> str:
    """Jinja filter: ``{{ loc | location }}``."""
    return location_text(value, str(context.get("lang") or "en"))


def claim_text(value: Any, gettext: Callable[[str], str], language: str, key: str = "") -> str:
    """A source's claim as a reader would write it, in their language: no braces, no quotes, no codes.

    Dicts show their set parts with translated names (the quoted source text is shown with
    the evidence, so ``text`` is left out); lists are joined with semicolons; codes are
    translated and places named in the reader's language.
    """
    if value is None:
        return ""
    if isinstance(value, Mapping):
        parts = []
        for k, v in value.items():
            if k == "text" or v in (None, "", []):
                continue
            label = gettext(CLAIM_LABELS[k]) if k in CLAIM_LABELS else k.replace("_", " ")
            parts.append(f"{label}: {claim_text(v, gettext, language, k)}")
        return ", ".join(parts)
    if isinstance(value, list | tuple):
        return "; ".join(claim_text(v, gettext, language, key) for v in value)
    if isinstance(value, str):
        if key in _PLACE_FIELDS:
            return place_name(value, language, "country" if key == "state" else key)
        return term_text(value, gettext)
    return str(value)


@pass_context
def claim(context: Context, value: Any, key: str = "") -> str:
    """Jinja filter: ``{{ values.get(d) | claim(field) }}``."""
    return claim_text(value, _gettext(context), str(context.get("lang") or "en"), key)


@pass_context
def field_label(context: Context, name: str) -> str:
    """Jinja filter: a claim's field name as readers call it."""
    gettext = _gettext(context)
    return gettext(CLAIM_LABELS[name]) if name in CLAIM_LABELS else term_text(name, gettext)


@pass_context
def language_name(context: Context, code: Any) -> str:
    """Jinja filter: a document's language code as the language's name."""
    text = str(code or "")
    return _gettext(context)(LANGUAGE_NAMES[text]) if text in LANGUAGE_NAMES else text


@pass_context
def instrument(context: Context, code: Any) -> str:
    """Jinja filter: an instrument's code (``CAT``) as its name in the reader's language."""
    return instrument_name(str(code or ""), str(context.get("lang") or "en"))


def install(env: Environment) -> None:
    """Add the filters to the pages' template environment."""
    env.filters.update(
        term=term,
        terms=terms,
        place=place,
        place_parts=place_parts,
        location=location,
        claim=claim,
        field_label=field_label,
        language_name=language_name,
        instrument=instrument,
    )
