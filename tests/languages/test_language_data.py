"""The language data (``refwatch.languages``): one schema, every language fills every key.

The extractor's vocabulary is part of it: every language fills every key of ``extraction``
or marks it empty with its reason, and a broken vocabulary is refused naming its key.

As dateparser checks its language files: each file fits ``schema.json``, names its own
language, has twelve months and seven days, and no word stands for two of them; the
one-character day forms of the CJK languages agree wherever they share a character;
and a broken file is refused naming the file and the key.
"""

from __future__ import annotations

import copy
import importlib
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from refwatch.domain.vocabulary import EVENT_TYPES, QUALIFIERS, STATUSES
from refwatch.errors import InvalidInput
from refwatch.languages import (
    LANGUAGES,
    calendar,
    check,
    data_digest,
    digest_of,
    extraction,
    extraction_languages,
    load,
    numbers,
    vocabulary,
)


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


def test_the_extractor_holds_no_language_module_of_its_own() -> None:
    """The per-language modules of the extractor are gone: their words are the data files."""
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("refwatch.extract.lang")


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        resources.files("refwatch.languages").joinpath("schema.json").read_text(encoding="utf-8")
    )
    return schema


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_language_fills_every_extraction_key_or_says_why_not(code: str) -> None:
    """As dateparser's data-integrity test: no key is silently missing from a language."""
    section = load(code)["extraction"]
    if "empty" in section:  # a language with no extraction pack says so, with its reason
        assert len(section["empty"]) > 20 and code not in extraction_languages()
        return
    required = _schema()["$defs"]["extraction"]["required"]
    assert set(section) == set(required)
    for key in required:
        entry = section[key]
        assert "empty" in entry or entry, (code, key)
        if "empty" in entry:
            assert set(entry) == {"empty"} and len(entry["empty"]) >= 8, (code, key)
            assert not vocabulary(code).has(key)
            with pytest.raises(InvalidInput, match=rf"{code}\.json: extraction/{key}: empty \("):
                vocabulary(code).pattern(key)
        else:
            assert key == "matching" or vocabulary(code).has(key), (code, key)


def test_the_schema_is_a_valid_json_schema() -> None:
    """Checked here rather than on every load (see ``languages._validator``)."""
    schema = _schema()
    jsonschema.validators.validator_for(schema).check_schema(schema)


def test_a_tally_cue_has_the_same_word_groups_in_every_language() -> None:
    """The finder joins group i of every language (a sentence must hold a word of each group):
    a language with fewer groups would have its cue passed over."""
    for key in extraction.CUES:
        counts = {
            code: len(vocabulary(code).needs[key])
            for code in extraction_languages()
            if vocabulary(code).has(key)
        }
        assert len(set(counts.values())) == 1, (key, counts)


def test_english_korean_and_chinese_have_an_extraction_vocabulary() -> None:
    assert extraction_languages() == ("en", "ko", "zh")
    for code in extraction_languages():
        words = vocabulary(code)
        assert words.triggers and words.has("victim_nouns") and words.has("route_countries")
    # what each language needs most is filled: its event words, and where whether they happened is read
    assert vocabulary("en").has("irrealis_before") and vocabulary("ko").has("irrealis_after")


def test_the_enumerations_of_the_schema_are_the_domain_vocabulary() -> None:
    """Event types, qualifiers and statuses of the data are the ones the rest of the system knows."""
    defs = _schema()["$defs"]
    trigger = defs["triggers"]["properties"]["entries"]["items"]["properties"]
    assert tuple(trigger["types"]["items"]["enum"]) == EVENT_TYPES
    assert set(defs["table_of_qualifier_kinds"]["properties"]["table"]["additionalProperties"]["enum"]) < set(
        QUALIFIERS
    )
    statuses = set(defs["status_cues"]["properties"]["entries"]["items"]["properties"]["status"]["enum"])
    assert statuses - {"released_after_return"} < set(STATUSES)


def _broken(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    data = copy.deepcopy(load("en"))
    change(data["extraction"])
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda x: x.pop("couple"), r"en\.json: extraction: .*'couple' is a required property"),
        (
            lambda x: x["vague_amounts"].update(pattern="dozens|(scores"),
            r"en\.json: extraction/vague_amounts: not a regular expression",
        ),
        (
            lambda x: x["triggers"]["entries"][0].update(types=["kidnapping"]),
            r"en\.json: extraction/triggers/entries/0/types/0: 'kidnapping' is not one of",
        ),
        (
            lambda x: x["triggers"]["entries"][3].update(pattern="return(ed"),
            r"en\.json: extraction/triggers/3: not a regular expression",
        ),
        (
            lambda x: x["group_nouns"]["table"].update(elders="elderly"),
            r"en\.json: extraction/group_nouns/table/elders: 'elderly' is not one of",
        ),
        (
            lambda x: x["couple"].update(template=["nouns"]),
            r"en\.json: extraction/couple: template declares a placeholder it does not use",
        ),
        (
            lambda x: x["group_frames"].pop("template"),
            r"en\.json: extraction/group_frames: placeholder \{num\} without a template",
        ),
        (lambda x: x.update(couple={"empty": ""}), r"en\.json: extraction/couple/empty: '' is too short"),
        (lambda x: x["matching"].update(realis="guess"), r"en\.json: extraction/matching/realis: 'guess'"),
        (
            lambda x: x["tally_estimate"].update(needs=[["Estimate"]]),
            r"en\.json: extraction/tally_estimate/needs: 'Estimate' is not lower case",
        ),
        (
            lambda x: x["tally_held"].update(needs=[]),
            r"en\.json: extraction/tally_held/needs: \[\] should be non-empty",
        ),
        (
            lambda x: x["speaker_days"].update(words=["today", "today"]),
            r"en\.json: extraction/speaker_days/words: .* has non-unique elements",
        ),
        (
            lambda x: x.update(speaker_days={"pattern": "today|tonight"}),
            r"en\.json: extraction/speaker_days: Additional properties are not allowed \('pattern'",
        ),
    ],
)
def test_a_broken_vocabulary_is_refused_naming_the_file_and_the_key(
    change: Callable[[dict[str, Any]], object], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        check(_broken(change), name="en.json")


def test_the_validator_command_checks_every_file(capsys: pytest.CaptureFixture[str]) -> None:
    from refwatch.languages.__main__ import main

    assert main([]) == 0
    out = capsys.readouterr().out
    assert all(f"{code}.json" in out for code in LANGUAGES)


def test_the_validator_command_names_a_broken_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from refwatch.languages.__main__ import main

    broken = tmp_path / "en.json"
    broken.write_text(json.dumps(_broken(lambda x: x.pop("anaphora"))), encoding="utf-8")
    assert main([str(broken)]) == 1
    assert "en.json: extraction: " in capsys.readouterr().err


def test_the_digest_of_the_language_files_changes_with_any_word(tmp_path: Path) -> None:
    """The compiled-pattern cache is keyed by it (see tests/extract/test_pattern_cache.py)."""
    folder = resources.files("refwatch.languages")
    for name in ["schema.json", *(f"{code}.json" for code in LANGUAGES)]:
        (tmp_path / name).write_bytes(folder.joinpath(name).read_bytes())
    assert digest_of(tmp_path) == data_digest()
    data = json.loads((tmp_path / "ko.json").read_text(encoding="utf-8"))
    data["extraction"]["victim_nouns"]["pattern"] = "탈북자"
    (tmp_path / "ko.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert digest_of(tmp_path) != data_digest()


def test_an_unknown_language_is_named() -> None:
    with pytest.raises(InvalidInput, match="no language data for 'xx'"):
        load("xx")
