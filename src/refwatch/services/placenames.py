"""Place names in the reader's language, from the gazetteer's own names (#19: Korean throughout).

Incidents store places as the gazetteer's English labels (``Shenyang``,
``Liaoning``) and countries as ISO codes (``CN``), so that filters, exports and
linking compare like with like. A Korean page shows the Korean name the
gazetteer lists for the same entry (선양, 랴오닝성, 중국): the first name
written in Hangul, which the data files put first among the Korean spellings
on purpose (the standard one before variants such as 심양). A name the
gazetteer does not know is shown as stored. An English page shows a country by
the gazetteer's English name (China, not CN), places as stored.
"""

from __future__ import annotations

from functools import cache

from refwatch.extract.gazetteer.places import load_places

_HANGUL = (0xAC00, 0xD7A3)


def _hangul(name: str) -> bool:
    return any(_HANGUL[0] <= ord(ch) <= _HANGUL[1] for ch in name)


#: Which stored field a name comes from: the same English word can name a city and its province (Jilin).
FIELDS = ("place", "admin1", "facility", "country")


@cache
def _korean_names() -> dict[tuple[str, str], str]:
    """(field, English label or country code) -> Korean name; the first entry to claim a label keeps it."""
    names: dict[tuple[str, str], str] = {}
    for named in load_places():
        entry = named.entry
        korean = next((n for n in entry.names if _hangul(n)), None)
        if korean is None:
            continue
        field, label = {
            "country": ("country", entry.country),
            "province": ("admin1", entry.admin1),
            "facility": ("facility", entry.facility),
        }.get(entry.kind, ("place", entry.place or entry.names[0]))
        if label:
            names.setdefault((field, label), korean)
    return names


def place_name(name: str | None, language: str, field: str = "place") -> str:
    """``name``, stored in ``field`` of a location, as a reader of ``language`` knows it.

    A name not found under its own field is looked up under the others (a place known
    only by its province is sometimes stored as the place).

    Examples:
        >>> place_name("Shenyang", "ko"), place_name("CN", "ko", "country"), place_name("Shenyang", "en")
        ('선양', '중국', 'Shenyang')
        >>> place_name("CN", "en", "country"), place_name("KP", "en"), place_name("XX", "en", "country")
        ('China', 'North Korea', 'XX')
    """
    if not name:
        return ""
    if language != "ko":
        # English labels are stored as they are read; a country is stored as its code.
        if field == "country" or name in _english_countries():
            return _english_countries().get(name, name)
        return name
    names = _korean_names()
    found = names.get((field, name))
    if found is None:
        found = next((names[(f, name)] for f in FIELDS if (f, name) in names), name)
    return found


@cache
def _english_countries() -> dict[str, str]:
    """Country code -> the gazetteer's first name for it ("CN" -> "China"), for English readers."""
    return {
        n.entry.country: n.entry.names[0]
        for n in load_places()
        if n.entry.kind == "country" and n.entry.country
    }


@cache
def _stored_names() -> dict[str, str]:
    """Every non-English name of a city, county, town or province -> the label incidents store."""
    stored: dict[str, str] = {}
    for named in load_places():
        entry = named.entry
        label = entry.admin1 if entry.kind == "province" else entry.place
        if entry.kind not in ("city", "county", "town", "province") or not label:
            continue
        for name in entry.names:
            if not name.isascii():
                stored.setdefault(name, label)
    return stored


def stored_place(name: str) -> str:
    """The label incidents store for a place a reader typed in Korean or Chinese (옌지 -> Yanji).

    The list's place filter compares stored labels; a name the gazetteer does not know is kept as typed.

    Examples:
        >>> stored_place("옌지"), stored_place("延吉"), stored_place("Yanji"), stored_place("랴오닝성")
        ('Yanji', 'Yanji', 'Yanji', 'Liaoning')
    """
    return _stored_names().get(name.strip(), name)
