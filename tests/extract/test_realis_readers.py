"""The realis readers are built from a language's data: a language with the grammar of one of
them needs only its data file (made-up words and sentences; none from a real report)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from refwatch.extract import triggers
from refwatch.extract.mentions import Sentence
from refwatch.extract.realis import reader
from refwatch.extract.segment import split_sentences
from refwatch.languages import extraction_languages, load, vocabulary
from refwatch.languages.extraction import Vocabulary, read


def _sentence(text: str) -> Sentence:
    return Sentence(0, len(text), 0, 0)


def _language_like(code: str, **changes: str) -> Vocabulary:
    """A made-up language: ``code``'s extraction data with some of its patterns replaced."""
    section = copy.deepcopy(load(code)["extraction"])
    for key, pattern in changes.items():
        section[key] = {"pattern": pattern}
    words = read("xx", section)
    assert words is not None
    return words


@pytest.mark.parametrize(
    ("text", "happened"), [("Fictional: 押回的威胁", False), ("Fictional: 押回了", True)]
)
def test_a_cue_after_reader_reads_its_own_language_cues(text: str, happened: bool) -> None:
    words = _language_like("zh", irrealis_after="^的?威胁")
    start = text.index("押回")
    realis, _, _ = reader(words)(text, start, start + 2, _sentence(text), None)
    assert realis is happened


def test_an_ending_after_reader_reads_the_endings_of_its_data_not_of_korean() -> None:
    """Built from the data it is given: Korean's own "위기" no longer counts once replaced."""
    text = "탈북민 5명이 북송될 위기"
    start = text.index("북송")
    korean = reader(vocabulary("ko"))(text, start, start + 2, _sentence(text), None)
    other = reader(_language_like("ko", irrealis_after="^zzz", conditional_after="^zzz"))(
        text, start, start + 2, _sentence(text), None
    )
    assert korean[0] is False and other[0] is True


def test_a_words_before_reader_reads_the_cues_of_its_data() -> None:
    text = "Fictional: police perhaps arrested 12 people."
    start = text.index("arrested")
    english = reader(vocabulary("en"))(text, start, start + 8, _sentence(text), None)
    hedged = reader(_language_like("en", irrealis_before="perhaps"))(
        text, start, start + 8, _sentence(text), None
    )
    assert english[0] is True and hedged[0] is False


def test_every_trigger_is_read_by_the_reader_its_language_names() -> None:
    """The trigger finder holds one compiled entry per trigger word of every extraction language,
    in the languages' order, and no language code of its own."""
    words = [t for code in extraction_languages() for t in vocabulary(code).triggers]
    assert [word for _, word, _ in triggers._TRIGGERS] == words
    source = Path(triggers.__file__).read_text(encoding="utf-8")
    assert '"en"' not in source and '"ko"' not in source and '"zh"' not in source


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("Fictional: police deported 5 refugees.", ("repatriation",)),  # en data: undecided -> repatriation
        ("Fictional: police deported 5 refugees to China from Laos.", ("deportation",)),
        ("허구: 탈북민 5명이 추방됐다.", ("deportation",)),  # ko data: no undecided, its own type
    ],
)
def test_a_deportation_word_without_destination_takes_the_types_its_data_gives(
    text: str, types: tuple[str, ...]
) -> None:
    found = triggers.find_triggers(text, split_sentences(text))
    assert [t.types for t in found if "deport" in t.text or "추방" in t.text] == [types]
    assert vocabulary("ko").triggers[2].undecided is None
    assert {t.undecided for t in vocabulary("en").triggers if t.types == ("deportation",)} == {
        ("repatriation",)
    }
