"""The period report: gather what was documented between two dates and render it (HTML or PDF)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from refwatch.errors import EstimationError, InvalidInput
from refwatch.report.charts import MapPoint
from refwatch.report.period import PeriodData, render_html, render_pdf
from refwatch.services.export import incident_records
from refwatch.services.placenames import place_name
from refwatch.storage import audit
from refwatch.storage.database import Database
from refwatch.storage.incidents import IncidentFilter

FORMATS = ("html", "pdf")
LANGUAGES = ("en", "ko")


def period_report(db: Database, *, date_from: dt.date, date_to: dt.date, lang: str, fmt: str) -> bytes:
    """The report's bytes. Open (unrestricted) incidents only: a report is written to be shared."""
    if fmt not in FORMATS:
        raise InvalidInput(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if lang not in LANGUAGES:
        raise InvalidInput(f"--lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    if date_to < date_from:
        raise InvalidInput("--to must not be before --from")

    def records(state: str) -> list[dict[str, Any]]:
        filters = IncidentFilter(
            review_states=(state,), date_from=date_from, date_to=date_to, unrestricted_only=True
        )
        return incident_records(db, filters)

    confirmed = records("confirmed")
    estimate, note = _estimate(db, lang)
    data = PeriodData(
        date_from=date_from,
        date_to=date_to,
        confirmed=confirmed,
        candidates=records("candidate"),
        estimate=estimate,
        estimate_note=note,
        places=_places(confirmed, lang),
    )
    html = render_html(data, lang=lang, place_name=place_name)
    return html.encode("utf-8") if fmt == "html" else render_pdf(html)


def download_period_report(
    db: Database,
    *,
    date_from: dt.date,
    date_to: dt.date,
    lang: str,
    fmt: str,
    actor: str,
    origin: str | None = None,
) -> bytes:
    """:func:`period_report` for a reader to download from the browser, audited as ``report.export``.

    The same report as ``refwatch report`` writes (open incidents only); a download is data
    leaving the system, recorded like the incidents export (who, which period, form and language).
    """
    data = period_report(db, date_from=date_from, date_to=date_to, lang=lang, fmt=fmt)
    with db.transaction() as session:
        audit.record(
            session,
            actor=actor,
            action="report.export",
            entity="report",
            entity_id=None,
            detail={"from": date_from.isoformat(), "to": date_to.isoformat(), "lang": lang, "format": fmt},
            origin=origin,
        )
    return data


def _places(records: list[dict[str, Any]], lang: str) -> list[MapPoint]:
    """People and incidents per located place of the reported incidents (gazetteer coordinates),
    each named in ``lang``."""
    from refwatch.report.period import people
    from refwatch.services.export import coordinates

    totals: dict[str, list[Any]] = {}
    for r in records:
        for loc in r.get("locations") or []:
            field = "place" if loc.get("place") else "admin1"
            name = loc.get(field)
            point = coordinates({k: v for k, v in loc.items() if k != "facility"}) if name else None
            if point is None or name is None:
                continue
            entry = totals.setdefault(place_name(name, lang, field), [point, 0, 0])
            entry[1] += people(r)
            entry[2] += 1
    return [MapPoint(n, p[1], p[0], ppl, inc) for n, (p, ppl, inc) in sorted(totals.items())]


def _estimate(db: Database, lang: str) -> tuple[dict[str, Any] | None, str]:
    """A simple MSE over all open confirmed incidents (outlets as lists), or why there is none."""
    from refwatch.estimate.run import Options
    from refwatch.estimate.run import estimate as run_estimate
    from refwatch.estimate.tables import from_counts
    from refwatch.services.estimation import histories_from_db

    none = {
        "en": "No estimate: fewer than two overlapping lists of confirmed incidents are recorded.",
        "ko": "추정 불가: 확인된 사건에 대해 서로 겹치는 명단이 둘 이상 기록되어 있지 않습니다.",
    }[lang]
    try:
        tables = histories_from_db(
            db, unit="incidents", lists_from="outlet", stratum="none", visible_groups=()
        )
        if not tables or len(tables[0].lists) < 2:
            return None, none
        result = run_estimate(from_counts(tables[0].lists, tables[0].counts), Options())
    except (EstimationError, InvalidInput) as exc:
        return None, f"{none} ({exc})"
    return result, none
