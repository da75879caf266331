"""The period report when the estimation ran but could not estimate (``estimate`` None, with warnings).

It failed with a server error (``"%.0f" | format(None)``) as soon as two outlets' lists of confirmed
incidents existed but the model could not fit them, which the fictional samples reach (#19, the
screenshots). Now the total reads "–" and the warnings say why. Made-up figures, no incident."""

from __future__ import annotations

import datetime as dt

from refwatch.report.period import PeriodData, render_html


def test_a_report_whose_estimate_could_not_be_made_renders() -> None:
    data = PeriodData(
        date_from=dt.date(2031, 1, 1),
        date_to=dt.date(2031, 12, 31),
        confirmed=[],
        candidates=[],
        estimate={"n_observed": 4, "estimate": None, "ci_low": None, "ci_high": None, "warnings": ["w-17"]},
        estimate_note="",
        places=[],
    )
    for lang in ("en", "ko"):
        page = render_html(data, lang=lang, place_name=_stored)
        assert '<td class="num">–</td>' in page and "<li>w-17</li>" in page


def _stored(name: str | None, lang: str, field: str) -> str:
    """Places as stored (these tests name none)."""
    return name or ""
