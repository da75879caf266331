"""The on-disk cache of compiled patterns: those of ``re.compile``, no parsing when warm, safe to lose."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from refwatch import languages
from refwatch.extract import patterns
from refwatch.extract.gazetteer import Gazetteer
from refwatch.extract.gazetteer.actors import load_actors
from refwatch.extract.gazetteer.places import load_places, load_stopwords

SOURCES = (
    r"(?i:\b(?P<n>\d+)\s+(?:defectors?|refugees?)\b)",
    r"(?:(?P<rel>지난|이번)\s?)?(?P<d>\d{1,2})\s?일(?!\s?동안)",
    r"[^a-z](?=(?:yanji|tumen\W{0,3}river))",
)
TEXT = "Fictional: 12 Defectors and 3 refugees, 지난 5일 and 7일동안; xyanji, tumen-river"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(patterns.CACHE_ENV, str(tmp_path))
    patterns.reset()
    yield tmp_path
    patterns.reset()


def _forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed although cached")

    monkeypatch.setattr(patterns._parser, "parse", refuse)


def _same(a: re.Pattern[str], b: re.Pattern[str]) -> None:
    assert (a.pattern, a.flags, a.groups, a.groupindex) == (b.pattern, b.flags, b.groups, b.groupindex)
    assert [(m.span(), m.groupdict()) for m in a.finditer(TEXT)] == [
        (m.span(), m.groupdict()) for m in b.finditer(TEXT)
    ]


def test_a_warm_cache_gives_the_patterns_of_re_compile_without_parsing(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = [re.compile(s, re.MULTILINE) for s in SOURCES]
    cold = [patterns.compile(s, re.MULTILINE) for s in SOURCES]
    patterns.save()
    assert len(list(cache.glob("patterns-*.json"))) == 1
    patterns.reset()
    _forbid_parsing(monkeypatch)

    warm = [patterns.compile(s, re.MULTILINE) for s in SOURCES]

    for a, b, c in zip(expected, cold, warm, strict=True):
        _same(b, a)
        _same(c, a)


def test_a_changed_source_is_compiled_afresh(cache: Path) -> None:
    patterns.compile(SOURCES[0])
    patterns.save()
    patterns.reset()
    changed = SOURCES[0].replace("refugees?", "escapees?")
    _same(patterns.compile(changed), re.compile(changed))


def test_edited_language_files_start_a_cache_of_their_own(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The finders' patterns are built from the language files: the key carries their digest."""
    patterns.compile(SOURCES[0])
    patterns.save()
    (first,) = cache.glob("patterns-*.json")
    monkeypatch.setattr(languages, "data_digest", lambda: "digest-of-edited-word-lists")
    patterns.reset()
    parsed: list[str] = []
    parse = patterns._parser.parse

    def counting(source: str, flags: int = 0) -> object:
        parsed.append(source)
        return parse(source, flags)

    monkeypatch.setattr(patterns._parser, "parse", counting)

    compiled = patterns.compile(SOURCES[0])
    patterns.save()

    assert parsed == [SOURCES[0]]  # the entry of the old file was not used
    _same(compiled, re.compile(SOURCES[0]))
    assert len(set(cache.glob("patterns-*.json")) - {first}) == 1


def test_a_cache_of_another_build_or_a_broken_entry_is_not_used(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    patterns.compile(SOURCES[1])
    patterns.save()
    (path,) = cache.glob("patterns-*.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["programs"].values():
        entry[1] = [255, 255, 255]  # not a program the engine accepts
    path.write_text(json.dumps(data), encoding="utf-8")
    patterns.reset()
    _same(patterns.compile(SOURCES[1]), re.compile(SOURCES[1]))

    data["key"] = "another-python"
    path.write_text(json.dumps(data), encoding="utf-8")
    patterns.reset()
    _same(patterns.compile(SOURCES[1]), re.compile(SOURCES[1]))
    path.write_text("{not json", encoding="utf-8")
    patterns.reset()
    _same(patterns.compile(SOURCES[1]), re.compile(SOURCES[1]))


def test_off_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(patterns.CACHE_ENV, "off")
    monkeypatch.chdir(tmp_path)
    patterns.reset()
    try:
        _same(patterns.compile(SOURCES[0]), re.compile(SOURCES[0]))
        patterns.save()
        assert patterns.cache_dir() is None
        assert list(tmp_path.iterdir()) == []
    finally:
        patterns.reset()


def test_the_gazetteer_index_is_built_from_the_cache_on_the_second_run(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    places, actors, stopwords = load_places(), load_actors(), load_stopwords()
    first = Gazetteer(places, actors, stopwords)
    patterns.save()
    patterns.reset()
    _forbid_parsing(monkeypatch)

    second = Gazetteer(places, actors, stopwords)

    text = "Fictional: held in Tumen, then 단둥에서, later 丹东 and Sinŭiju by Chinese police."
    assert [(m.start, m.end, m.entry.id) for m in second.find(text)] == [
        (m.start, m.end, m.entry.id) for m in first.find(text)
    ]
    assert [(m.start, m.end, m.entry.id) for m in second.find_actors(text)] == [
        (m.start, m.end, m.entry.id) for m in first.find_actors(text)
    ]


def test_entries_no_pattern_asks_for_are_pruned_when_they_pile_up(cache: Path) -> None:
    stale = [f"(?:stale{i}|x{i})" for i in range(12)]
    for source in stale:
        patterns.compile(source)
    patterns.save()
    patterns.reset()
    for source in SOURCES:
        patterns.compile(source)
    patterns.save()  # 15 entries, 3 used: pruned

    (path,) = cache.glob("patterns-*.json")
    kept = json.loads(path.read_text(encoding="utf-8"))["programs"]
    assert sorted(kept) == sorted(f"0:{s}" for s in SOURCES)
