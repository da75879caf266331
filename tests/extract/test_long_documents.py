"""A very long text is extracted one segment at a time, with evidence offsets into the whole text.

The segment size is made small here so that the samples (about 9 KB) stand in
for a report of many megabytes; reports under the real size (a million
characters) are extracted whole, exactly as before (the reference tests).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refwatch.extract import extract_document, rules
from refwatch.extract.rules import segments

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "reports"


def test_long_text_is_read_in_segments_with_exact_evidence(monkeypatch: pytest.MonkeyPatch) -> None:
    one = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))) + "\n\n"
    text = one * 3
    whole = extract_document(one, document="d")
    monkeypatch.setattr(rules, "SEGMENT_CHARS", 4000)
    assert len(segments(text, 4000)) >= 6

    incidents = extract_document(text, document="d")

    evidence = [e for i in incidents for e in i.evidence]
    assert evidence and all(text[e.start : e.end] == e.quote for e in evidence)
    assert max(e.start for e in evidence) > 2 * len(one)  # the last copy was read too
    assert [i.salience for i in incidents].count("main") == 1
    assert {i.victims.count for i in whole} <= {i.victims.count for i in incidents}


@given(text=st.text(alphabet="ab \n", max_size=400), size=st.integers(1, 60))
def test_segments_cover_the_text_exactly_and_are_never_too_long(text: str, size: int) -> None:
    parts = segments(text, size)
    assert "".join(text[a:b] for a, b in parts) == text
    assert all(0 < b - a <= size for a, b in parts)
    assert all(b == c for (_, b), (c, _) in zip(parts, parts[1:], strict=False))


def test_the_latest_date_of_a_long_text_is_read_segment_by_segment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference date's lower bound (latest date named) never holds a huge text's dates at once."""
    from refwatch.extract import refdate

    paragraph = "Fictional: police held 3 defectors in Yanji on 4 May 2011.\n\n"
    text = paragraph * 200 + "Fictional: a later raid on 9 June 2014 was reported.\n\n" + paragraph * 200
    whole = refdate.lower_bound(text, today=dt.date(2030, 1, 1))
    seen: list[int] = []
    real = refdate.find_dates

    def spy(part: str, anchor: object) -> list[Any]:
        seen.append(len(part))
        return real(part, None)

    monkeypatch.setattr(refdate, "find_dates", spy)
    monkeypatch.setattr(rules, "SEGMENT_CHARS", 4000)

    assert refdate.lower_bound(text, today=dt.date(2030, 1, 1)) == whole
    assert whole is not None and whole[0] == dt.date(2014, 6, 9)
    assert len(seen) > 5 and max(seen) <= 4000
