"""Sealed quotes (``storage.quotes``): what a sealed string is bound to, and what stays readable.

A quote must open only in its own place (document, position, field, path and, for a
span, its offsets), so that a quote moved in the database, or a span whose plaintext
offsets were changed, fails instead of showing the wrong sentence; the offsets and the
values read from the text stay plaintext for lists, filters and linking.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from refwatch.security.crypto import DecryptionFailed
from refwatch.security.keys import KeyRing
from refwatch.storage import quotes, sealing

SHA = "ab" * 32
QUOTE = "Chinese police arrested 12 people in Shenyang, among them Person A-017."
EXTRACTED: dict[str, Any] = {
    "document": "report-a",
    "date": {"start": "2031-03-03", "end": "2031-03-03", "precision": "day", "text": "on March 3, 2031"},
    "locations": [{"country": "CN", "place": "Shenyang", "text": "in Shenyang"}],
    "evidence": [{"start": 18, "end": 18 + len(QUOTE), "quote": QUOTE}],
}


@pytest.fixture(autouse=True)
def ring() -> Iterator[KeyRing]:
    """A key ring with one random data key, installed for the test alone."""
    keys = KeyRing(master=os.urandom(32), data_keys={1: os.urandom(32)}, active_key_id=1)
    before = sealing._active
    sealing.activate(keys)
    yield keys
    sealing.activate(before)


def test_every_source_text_is_sealed_and_the_rest_stays_plaintext() -> None:
    sealed = quotes.seal_source(EXTRACTED, sha256=SHA, ordinal=0)
    assert "Person A-017" not in repr(sealed) and "March 3" not in repr(sealed)
    assert sealed["evidence"][0]["start"] == 18 and sealed["date"]["start"] == "2031-03-03"
    assert sealed["locations"][0]["place"] == "Shenyang"  # the gazetteer value, for filters and maps
    assert not quotes.contains_plain(sealed) and quotes.contains_sealed(sealed)
    assert quotes.key_ids(sealed) == {1}
    assert quotes.open_source(sealed, sha256=SHA, ordinal=0) == EXTRACTED
    assert quotes.seal_source(sealed, sha256=SHA, ordinal=0) == sealed  # sealing twice changes nothing
    assert quotes.open_source(EXTRACTED, sha256=SHA, ordinal=0) is EXTRACTED  # nothing sealed: no copy


@pytest.mark.parametrize(
    "place",
    [
        {"sha256": "cd" * 32, "ordinal": 0},  # another document
        {"sha256": SHA, "ordinal": 1},  # another report of the same document
    ],
    ids=["document", "position"],
)
def test_a_sealed_value_opens_only_in_its_place(place: dict[str, Any]) -> None:
    sealed = quotes.seal_source(EXTRACTED, sha256=SHA, ordinal=0)
    with pytest.raises(DecryptionFailed):
        quotes.open_source(sealed, **place)
    with pytest.raises(DecryptionFailed):  # nor in another table (a tally) with the same place
        quotes.open_tally(sealed, sha256=SHA, ordinal=0)


def test_changed_offsets_or_a_swapped_field_do_not_open() -> None:
    sealed = quotes.seal_source(EXTRACTED, sha256=SHA, ordinal=0)
    moved = dict(sealed, evidence=[dict(sealed["evidence"][0], start=0)])
    with pytest.raises(DecryptionFailed):
        quotes.open_source(moved, sha256=SHA, ordinal=0)
    claim = quotes.seal_claim(
        {"value": EXTRACTED["date"]}, column="value", sha256=SHA, ordinal=0, field="date"
    )
    with pytest.raises(DecryptionFailed):
        quotes.open_claim(claim, column="value", sha256=SHA, ordinal=0, field="victims")
    opened = quotes.open_claim(claim, column="value", sha256=SHA, ordinal=0, field="date")
    assert opened == {"value": EXTRACTED["date"]}
