"""The period report: what was documented between two dates, as HTML or PDF, in English or Korean.

Built from the same records, figures and chart specs as the web pages, so the
report and the dashboard never disagree. Charts are rendered to static SVG from
their Vega-Lite specs by vl-convert (no browser, no network); the map's
country outlines come from the world-atlas package the web assets install (the
map is left out, saying so, where they are missing). Only open (unrestricted)
incidents are reported, and no person: incidents carry counts, not names.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from refwatch.law.names import names
from refwatch.report.charts import MapPoint, places_map, timeline_chart
from refwatch.report.letters.compose import PlaceNamer
from refwatch.report.letters.render import FONTS

#: Country outlines for the static map (installed with the web assets: `make web-assets`).
OUTLINES = Path(__file__).resolve().parents[1] / "web/frontend/node_modules/world-atlas/countries-110m.json"
STATIC_WIDTH = 640


@dataclass(frozen=True, slots=True)
class PeriodData:
    """What the report shows; ``estimate`` is the MSE result dict or None with ``estimate_note``."""

    date_from: dt.date
    date_to: dt.date
    confirmed: list[dict[str, Any]]
    candidates: list[dict[str, Any]]
    estimate: dict[str, Any] | None
    estimate_note: str
    places: list[MapPoint]


def people(record: dict[str, Any]) -> int:
    """People in an incident as figures count them: the reconciled count, else its lower bound."""
    victims = record.get("victims") or {}
    value = victims.get("count") if victims.get("count") is not None else victims.get("count_min")
    return int(value or 0)


def summary(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Incidents and people, in all and per status."""
    by_status: Counter[str] = Counter()
    incidents_by_status: Counter[str] = Counter()
    for r in records:
        by_status[r["status"]] += people(r)
        incidents_by_status[r["status"]] += 1
    return {
        "incidents": len(records),
        "people": sum(people(r) for r in records),
        "people_by_status": dict(sorted(by_status.items())),
        "incidents_by_status": dict(sorted(incidents_by_status.items())),
    }


def per_month(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Incidents and people per month of their start date (undated ones under "unknown")."""
    months: dict[str, dict[str, int]] = defaultdict(lambda: {"incidents": 0, "people": 0})
    for r in records:
        start = (r.get("date") or {}).get("start")
        month = start[:7] if start else "unknown"
        months[month]["incidents"] += 1
        months[month]["people"] += people(r)
    return [{"month": m, **v} for m, v in sorted(months.items())]


def instruments(records: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Incidents engaging an obligation in force, per instrument."""
    counted: Counter[str] = Counter()
    for r in records:
        counted.update({o["instrument"] for o in r.get("legal") or [] if o.get("in_force")})
    return dict(sorted(counted.items()))


def static_svg(spec: dict[str, Any]) -> str:
    """A Vega-Lite spec as SVG text: fixed width instead of the page's container width, data inlined."""
    import vl_convert

    fixed = json.loads(json.dumps(spec).replace('"container"', str(STATIC_WIDTH)))
    svg: str = vl_convert.vegalite_to_svg(fixed)
    return svg


def map_svg(points: Sequence[MapPoint]) -> str | None:
    """The map as SVG, or None when the country outlines are not installed."""
    if not points or not OUTLINES.is_file():
        return None
    spec = places_map(points, title="", countries_url="outlines.json")
    outlines = json.loads(OUTLINES.read_text(encoding="utf-8"))
    text = json.dumps(spec).replace('{"url": "outlines.json"', '{"values": ' + json.dumps(outlines))
    return static_svg(json.loads(text))


def render_html(data: PeriodData, *, lang: str, place_name: PlaceNamer) -> str:
    """The report as one self-contained HTML page (charts inline as SVG).

    ``place_name`` names each stored place in ``lang`` (the services pass the pages' own
    gazetteer lookup, as for letters): a Korean report says 투먼, 지린성, not Tumen, Jilin.
    """
    env = Environment(loader=PackageLoader("refwatch.report", "templates"), autoescape=select_autoescape())
    words = _words(lang)
    citations: list[str] = []
    rows = []
    for r in data.confirmed:
        refs = []
        for s in r.get("sources") or []:
            line = ", ".join(str(x) for x in (s.get("outlet"), s.get("published"), s.get("url")) if x) or str(
                s.get("document")
            )
            if line not in citations:
                citations.append(line)
            refs.append(citations.index(line) + 1)
        places = list(dict.fromkeys(_place(loc, lang, place_name) for loc in r.get("locations") or []))
        events = [words["events"].get(t, t.replace("_", " ")) for t in r.get("event_types") or []]
        rows.append({"record": r, "refs": refs, "people": people(r), "places": places, "events": events})
    months = per_month(data.confirmed)
    timeline = (
        static_svg(timeline_chart(months, title="")) if any(m["month"] != "unknown" for m in months) else None
    )
    return env.get_template("period.html").render(
        lang=lang,
        w=words,
        data=data,
        confirmed=summary(data.confirmed),
        candidates=summary(data.candidates),
        rows=rows,
        citations=citations,
        months=months,
        timeline=timeline,
        map=map_svg(data.places),
        instruments=instruments(data.confirmed),
        instrument_names=names("instruments", lang),
        generated=dt.date.today().isoformat(),
    )


def _place(location: dict[str, Any], lang: str, place_name: PlaceNamer) -> str:
    """The most precise name a location has (place, else province, else country), in ``lang``."""
    for field in ("place", "admin1", "country"):
        if location.get(field):
            return place_name(location[field], lang, field)
    return ""


def render_pdf(html: str) -> bytes:
    """The HTML as PDF (A4), fonts embedded (a CJK font for Korean)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def _words(lang: str) -> dict[str, Any]:
    import tomllib
    from importlib import resources

    text = resources.files("refwatch.report").joinpath("templates/period_words.toml").read_text("utf-8")
    words: dict[str, Any] = tomllib.loads(text)[lang]
    letters = resources.files("refwatch.report.letters").joinpath("strings.toml").read_text("utf-8")
    words["events"] = tomllib.loads(letters)[lang]["events"]  # one vocabulary for letters and reports
    words["font"] = FONTS[lang]  # the letters' fonts: a CJK one first for Korean
    return words
