"""A very long text is extracted one segment at a time, with evidence offsets into the whole text.

The segment size is made small here so that the samples (about 9 KB) stand in
for a report of many megabytes; reports under the real size (a million
characters) are extracted whole, exactly as before (the reference tests).
"""

from __future__ import annotations

from pathlib import Path

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
