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
from refwatch.languages import LANGUAGES, calendar, check, load, numbers


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
        (lambda d: d["numbers"].pop("units"), "en.json: numbers: 'units' is a required property"),
        (
            lambda d: d["numbers"]["words"].update(none=0),
            "en.json: numbers/words/none: 0 is less than the minimum",
        ),
        (
            lambda d: d["numbers"]["digits"].update(ten=10),
            "en.json: numbers/digits: 'ten' is 10; a digit is 1 to 9",
        ),
        (lambda d: d["numbers"]["units"].update(score=20), "en.json: numbers/units: 'score' is 20"),
        (lambda d: d["numbers"]["units"].update(hundred=100), "en.json: numbers: units without digits"),
    ],
)
def test_a_broken_file_is_refused_naming_the_file_and_the_key(change: object, message: str) -> None:
    data = copy.deepcopy(load("en"))
    change(data)  # type: ignore[operator]
    with pytest.raises(InvalidInput, match=message):
        check(data, name="en.json")


@pytest.mark.parametrize("code", LANGUAGES)
def test_numbers_composed_place_by_place_have_all_nine_digits(code: str) -> None:
    """A language that writes 이십 or 二十 has every digit 1 to 9 and at least ten as a unit."""
    table = numbers(code)
    if table.digits:
        assert sorted(table.digits.values()) == list(range(1, 10))
        assert 10 in table.units.values()


def test_the_number_words_the_finders_read_are_the_data_files() -> None:
    """The language packs of the extractor hold no number words of their own any more."""
    from refwatch.extract.lang import en, ko

    assert en.NUMBER_WORDS == numbers("en").words and en.NUMBER_WORDS["a dozen"] == 12
    assert ko.NATIVE_NUMBERS["스무"] == 20 and ko.SINO_DIGITS == numbers("ko").digits
    assert ko.SINO_UNITS["만"] == 10_000


def test_an_unknown_language_is_named() -> None:
    with pytest.raises(InvalidInput, match="no language data for 'xx'"):
        load("xx")
