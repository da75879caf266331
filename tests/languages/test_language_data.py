"""The language data (``refwatch.languages``): one schema, every language fills every key.

As dateparser checks its language files: each file fits ``schema.json``, names its own
language, has twelve months and seven days, and no word stands for two of them; the
one-character day forms of the CJK languages agree wherever they share a character;
and a broken file is refused naming the file and the key.
"""

from __future__ import annotations

import copy
import json
from importlib import resources

import pytest

from refwatch.errors import InvalidInput
from refwatch.languages import LANGUAGES, calendar, check, load


def test_there_is_a_data_file_for_every_language_and_only_those() -> None:
    files = {p.name for p in resources.files("refwatch.languages").iterdir() if p.name.endswith(".json")}
    assert files == {f"{code}.json" for code in LANGUAGES} | {"schema.json"}


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_language_fills_every_key(code: str) -> None:
    data = load(code)
    schema = json.loads(
        resources.files("refwatch.languages").joinpath("schema.json").read_text(encoding="utf-8")
    )
    assert set(schema["required"]) <= set(data)
    assert len(data["months"]) == 12 and len(data["weekdays"]) == 7
    assert all(entry["names"] for entry in data["months"] + data["weekdays"])
    table = calendar(code)
    assert sorted(set(table.months.values())) == list(range(1, 13))
    assert sorted(set(table.weekdays.values())) == list(range(7))


def test_one_character_days_agree_across_korean_japanese_and_chinese() -> None:
    seen: dict[str, int] = {}
    for code in ("ko", "ja", "zh"):
        for word, day in calendar(code).weekdays.items():
            if len(word) == 1:
                assert seen.setdefault(word, day) == day, (code, word)


def test_english_words_are_lower_case_and_full_names_are_apart_from_abbreviations() -> None:
    en = calendar("en")
    assert all(word == word.lower() for word in en.months | en.weekdays)
    assert "sat" not in en.weekday_names and en.weekdays["sat"] == 5
    assert en.month_names["may"] == 5 and "sept" not in en.month_names


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("weekdays"), r"en\.json: \(top level\): 'weekdays' is a required property"),
        (lambda d: d["months"].pop(), "en.json: months: .* is too short"),
        (lambda d: d["months"][1]["names"].append("jan"), "en.json: months: 'jan' stands for two of them"),
        (lambda d: d.update(code="ko"), "en.json: code: says 'ko'"),
        (
            lambda d: d["weekdays"][0].pop("abbreviations"),
            "en.json: weekdays/0: 'abbreviations' is a required",
        ),
    ],
)
def test_a_broken_file_is_refused_naming_the_file_and_the_key(change: object, message: str) -> None:
    data = copy.deepcopy(load("en"))
    change(data)  # type: ignore[operator]
    with pytest.raises(InvalidInput, match=message):
        check(data, name="en.json")


def test_an_unknown_language_is_named() -> None:
    with pytest.raises(InvalidInput, match="no language data for 'xx'"):
        load("xx")
