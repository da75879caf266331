"""Incidents as a CSV file that HURIDOCS Uwazi imports (its "Import CSV" of a template).

Uwazi matches each column header to a property name of the template chosen at
import (lower case, words joined by ``_``), needs a title on every row, splits
multi-select and other multi-valued cells on ``|``, reads a geolocation as
``lat|lon`` and a date as ``YYYY-MM-DD`` (its default format, accepted whatever
the collection's own format is). The title is the one property written in two
languages: ``title__en`` and ``title__ko``. Uwazi refuses a file holding both
``title`` and ``title__en`` (a property "mixing language and non-language
columns"), and ignores a suffix for a language the collection has not installed,
so the two suffixed columns import into an English-only, a Korean-only and a
bilingual collection alike.

The rows are the redacted public form (:mod:`refwatch.report.redaction`): the
same fields the data package publishes, the place left out where the data
package withholds it, and a point at the town or province centre, never a
facility. A template that fits is described in ``docs/cli.md``.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Callable, Collection, Sequence
from functools import cache
from importlib import resources
from typing import Any

from refwatch.ingest.uwazi import PROPERTIES, SEPARATOR

#: Column headers, in order: Uwazi property names (the imported ones shared with ``ingest.uwazi``).
COLUMNS = (
    "title__en",
    "title__ko",
    *PROPERTIES,
    "location_geolocation",
    "sources",
    "instruments",
    "refwatch_id",
)
#: Which event type names an incident in its title, most telling first.
TITLE_EVENT_ORDER = (
    "execution",
    "death",
    "repatriation",
    "deportation",
    "torture",
    "sexual_violence",
    "forced_abortion",
    "trafficking",
    "forced_labour",
    "imprisonment",
    "transfer",
    "detention",
    "interrogation",
    "arrest",
    "crossing",
)

Coordinates = Callable[[dict[str, Any]], tuple[float, float] | None]


@cache
def event_words() -> dict[str, dict[str, str]]:
    """Event type -> word, per language (``en``, ``ko``): the appeal letters' own vocabulary."""
    text = resources.files("refwatch.report.letters").joinpath("strings.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return {lang: dict(data[lang]["events"]) for lang in ("en", "ko")}


def to_uwazi_csv(
    records: Sequence[dict[str, Any]],
    redacted: Sequence[dict[str, Any]],
    *,
    withheld: Collection[int],
    coordinates: Coordinates,
    precision: str,
    korean_name: Callable[[str], str],
) -> str:
    """One row per public record (``redacted``, matched by id to the full ``records``).

    Args:
        records: the full linked records (for locations, source addresses and the law).
        redacted: their public forms; only these are written.
        withheld: ids whose places are withheld (small cells, as in the data package).
        coordinates: (lon, lat) of a location, from the gazetteer.
        precision: the date precision of the public form (day, month or year), for the title.
        korean_name: a stored place name as Korean readers know it (the pages' lookup), else unchanged.
    """
    full = {r["id"]: r for r in records}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for public in redacted:
        record = full.get(public["id"])
        if record is None:
            continue
        hidden = public["id"] in withheld
        places = [] if hidden else list(public["places"])
        point = None if hidden else _first_point(record, coordinates)
        instruments = sorted({o["instrument"] for o in record.get("legal") or [] if o.get("in_force")})
        urls = [
            u
            for s in record.get("sources") or []
            if (u := s.get("url") or "").startswith(("https://", "http://"))
        ]
        writer.writerow(
            {
                "title__en": english_title(public, places, precision),
                "title__ko": korean_title(public, places, precision, korean_name),
                "event_types": SEPARATOR.join(public["event_types"]),
                "status": public["status"],
                "date_start": public["date"].get("start") or "",
                "date_end": public["date"].get("end") or "",
                "people": "" if public["victims"]["count"] is None else public["victims"]["count"],
                "people_text": public["victims"]["text"],
                "places": SEPARATOR.join(places),
                "country": SEPARATOR.join(
                    sorted({c for loc in record.get("locations") or [] if (c := loc.get("country"))})
                ),
                "perpetrators": SEPARATOR.join(
                    f"{p['state'] or '?'} {p['agency']}" for p in public["perpetrators"]
                ),
                "location_geolocation": "" if point is None else f"{point[1]:.2f}|{point[0]:.2f}",
                "sources": SEPARATOR.join(dict.fromkeys(urls)),
                "instruments": SEPARATOR.join(instruments),
                "refwatch_id": public["id"],
            }
        )
    return buffer.getvalue()


def _first_point(record: dict[str, Any], coordinates: Coordinates) -> tuple[float, float] | None:
    for loc in record.get("locations") or []:
        point = coordinates({k: v for k, v in loc.items() if k != "facility"})  # town level at most
        if point is not None:
            return point
    return None


def _main_event(event_types: Sequence[str]) -> str | None:
    return next((t for t in TITLE_EVENT_ORDER if t in event_types), None)


def _when(public: dict[str, Any], precision: str) -> str:
    start = public["date"].get("start") or ""
    return start[: {"day": 10, "month": 7, "year": 4}.get(precision, 7)]


def english_title(public: dict[str, Any], places: Sequence[str], precision: str) -> str:
    """E.g. "Forced repatriation of 40 people, Tumen, 2030-10" (parts unknown are left out)."""
    event = _main_event(public["event_types"])
    word = event_words()["en"].get(event, event) if event else "Incident"
    word = word.removeprefix("a ")
    parts = [word[:1].upper() + word[1:]]
    people = public["victims"]["text"]
    if people != "unknown":
        parts[0] += f" of {people} {'person' if people == '1' else 'people'}"
    if places:
        parts.append(places[0].split(",")[0])
    if when := _when(public, precision):
        parts.append(when)
    return ", ".join(parts)


def korean_title(
    public: dict[str, Any],
    places: Sequence[str],
    precision: str,
    korean_name: Callable[[str], str],
) -> str:
    """E.g. "2030-10 투먼 40명 강제송환": date, place (Hangul where the gazetteer has it), people, event."""
    parts = []
    if when := _when(public, precision):
        parts.append(when)
    if places:
        parts.append(korean_name(places[0].split(",")[0].strip()))
    if people := _korean_people(public["victims"]["text"]):
        parts.append(people)
    event = _main_event(public["event_types"])
    parts.append(event_words()["ko"].get(event, event) if event else "사건")
    return " ".join(parts)


def _korean_people(text: str) -> str | None:
    """The public count text ("about 40", "fewer than 5", "40 to 60") in Korean."""
    patterns = (
        (r"(\d+)", "{0}명"),
        (r"about (\d+)", "약 {0}명"),
        (r"at least (\d+)", "{0}명 이상"),
        (r"at most (\d+)", "{0}명 이하"),
        (r"fewer than (\d+)", "{0}명 미만"),
        (r"fewer than (\d+) to (\d+)", "{0}명 미만~{1}명"),
        (r"(\d+) to (\d+)", "{0}~{1}명"),
    )
    for pattern, form in patterns:
        if m := re.fullmatch(pattern, text):
            return form.format(*m.groups())
    return None
