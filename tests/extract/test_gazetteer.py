"""Gazetteer tests. Every sentence below is fictional, written for these tests."""

from __future__ import annotations

import time

import pytest

from refwatch.domain.vocabulary import AGENCIES
from refwatch.errors import NotFound
from refwatch.extract.gazetteer import (
    AMBIGUOUS,
    PLACE_KINDS,
    Gazetteer,
    PlaceMatch,
    load_gazetteer,
)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def places(gaz: Gazetteer, text: str) -> list[tuple[str, str]]:
    return [(m.surface, m.entry.id) for m in gaz.find(text)]


def actors(gaz: Gazetteer, text: str) -> list[tuple[str, str | None, str]]:
    return [(m.surface, m.entry.state, m.entry.agency) for m in gaz.find_actors(text)]


def test_english_sentence_with_cities_and_province(gaz: Gazetteer) -> None:
    # Fictional.
    text = "Police in Shenyang detained seven people and moved them to Dandong, Liaoning Province."
    found = gaz.find(text)
    assert [(m.surface, m.entry.place, m.entry.admin1) for m in found] == [
        ("Shenyang", "Shenyang", "Liaoning"),
        ("Dandong", "Dandong", "Liaoning"),
        ("Liaoning Province", None, "Liaoning"),
    ]
    for m in found:
        assert text[m.start : m.end] == m.surface
