"""Extraction output is byte-identical to the committed reference dumps of fictional text.

The speed work (caches, scanners, lazy imports, streaming of long texts) must
never change a result; this is the check. ``reference/generated.jsonl`` holds
fictional reports made by :func:`fictional_report` (fixed seed) with the
incidents and tallies the extractor gave for them when the file was written.
Only fictional text is committed: the dev corpus is compared the same way
outside the repository (real reports are not ours to publish).

Regenerate after an *intended* change of the rules, and review the diff::

    python tests/extract/test_reference_outputs.py --write
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest

from refwatch.extract import get_extractor
from refwatch.extract.base import extract_all
from refwatch.extract.refdate import reference_date
from refwatch.ingest.language import detect_language

REFERENCE = Path(__file__).parent / "reference" / "generated.jsonl"
SEED = 20261206
DOCUMENTS = 40

_PLACES_EN = (
    "Shenyang",
    "Dandong",
    "Yanji",
    "Tumen",
    "Hunchun",
    "Changbai",
    "Kunming",
    "Vientiane",
    "Sinuiju",
)
_PLACES_KO = ("선양", "단둥", "옌지", "투먼", "훈춘", "창바이", "쿤밍", "신의주", "혜산")
_AGENCIES_EN = ("Chinese police", "border guards", "public security officers", "Lao police", "the Bowibu")
_AGENCIES_KO = ("중국 공안", "중국 변방대", "중국 당국", "보위부", "라오스 경찰")
_MONTHS = ("January", "March", "May", "July", "September", "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Friday", "Sunday")
_EVENTS_EN = (
    "{agency} arrested {n} North Korean defectors in {place} on {month} {day}, {year}.",
    "About {n} North Koreans were detained in {place} last month and face repatriation.",
    "{agency} in {place} forcibly repatriated {n} escapees in mid-{month}, a rights group said on {weekday}.",
    "On {weekday}, the group said {n} people, including {w} women, were caught near {place} on the {day}th.",
    "Of them, {w} were children and the remaining {n} were sent back to North Korea on {month} {day}.",
    "China has returned at least {big} North Koreans since {year}, according to the group.",
    "China routinely sends defectors back to North Korea, where they face torture.",
    "A family of five was held in {place} in {month} {year}; they may have been returned.",
    "{n} defectors were caught in {place} on {month} {day} and {m} others in {place2} the next day.",
    "About {big} North Koreans are being held in Chinese detention centres, the report estimates.",
)
_EVENTS_KO = (
    "{agency}이 지난 {day}일 {place}에서 탈북민 {n}명을 체포했다고 소식통이 전했다.",
    "{place}에 구금된 탈북자 {n}여 명이 이달 말 북송될 위기에 처했다.",
    "{year}년 {m}월 {place}에서 붙잡힌 탈북민 {n}명이 강제 북송됐다.",
    "이들 중 {w}명은 여성이며 나머지는 {place}로 이송됐다고 {day}일 밝혔다.",
    "중국은 {year}년 이후 최소 {big}명의 탈북민을 강제 북송한 것으로 알려졌다.",
    "지난해 {m}월 {place}에서 체포된 일가족 {w}명은 지난주 북송됐다.",
)
_FILLER_EN = (
    "Officials did not respond to requests for comment.",
    "The organisation has documented similar cases for several years.",
    "Markets in the border town were busy as the weather turned colder.",
)
_FILLER_KO = ("관계자는 구체적인 언급을 피했다.", "이 단체는 수년째 비슷한 사례를 기록해 왔다.")
_HEADERS = (
    "Updated {month} {day}, {year}",
    "입력 {year}.{m:02d}.{day:02d} 10:31",
    "Share this article",
    "좋아요 0",
    "{place}, {month} {day} (Fictional News) -",
)


def fictional_report(rng: random.Random) -> str:
    """One fictional report of 0.5-3 KB in English or Korean: stamps, events, filler, clutter."""
    korean = rng.random() < 0.4
    fields: dict[str, Any] = {}

    def draw() -> None:
        fields.update(
            agency=rng.choice(_AGENCIES_KO if korean else _AGENCIES_EN),
            place=rng.choice(_PLACES_KO if korean else _PLACES_EN),
            place2=rng.choice(_PLACES_EN),
            n=rng.randint(2, 60),
            w=rng.randint(1, 4),
            big=rng.choice((200, 500, 1200, 2000)),
            month=rng.choice(_MONTHS),
            weekday=rng.choice(_WEEKDAYS),
            m=rng.randint(1, 12),
            day=rng.randint(1, 28),
            year=rng.randint(2008, 2029),
        )

    draw()
    lines = ["FICTIONAL SAMPLE — pseudonyms, not real people or events"]
    lines += [rng.choice(_HEADERS).format(**fields) for _ in range(rng.randint(0, 2))]
    size = rng.randint(500, 3000)
    while sum(len(line) for line in lines) < size:
        draw()
        if rng.random() < 0.45:
            lines.append(rng.choice(_EVENTS_KO if korean else _EVENTS_EN).format(**fields))
        else:
            lines.append(" ".join(rng.choices(_FILLER_KO if korean else _FILLER_EN, k=rng.randint(1, 3))))
        if rng.random() < 0.2:
            lines.append("")
    return "\n".join(lines)


def _cases() -> list[tuple[str, str, dt.date | None]]:
    rng = random.Random(SEED)
    out = []
    for i in range(DOCUMENTS):
        text = fictional_report(rng)
        out.append((f"gen{i:03d}", text, dt.date(2030, 6, 1) if i % 3 == 0 else None))
    return out


def extraction_record(name: str, text: str, published: dt.date | None) -> dict[str, Any]:
    """What the reference keeps for one text: language, reference date, incidents and tallies."""
    found = extract_all(get_extractor("rules"), text, document=name, published=published)
    ref = reference_date(text)
    return {
        "name": name,
        "published": published.isoformat() if published else None,
        "language": detect_language(text),
        "reference": None if ref is None else repr(ref),
        "incidents": [i.to_dict() for i in found.incidents],
        "tallies": [t.to_dict() for t in found.tallies],
    }


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


@functools.cache
def _reference() -> dict[str, dict[str, Any]]:
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    return {record["name"]: record for record in map(json.loads, lines)}


@pytest.mark.parametrize(("name", "text", "published"), _cases(), ids=[c[0] for c in _cases()])
def test_output_matches_the_reference_dump(name: str, text: str, published: dt.date | None) -> None:
    expected = _reference()[name]
    assert expected["text"] == text, "the generator changed: regenerate the reference (see module doc)"
    got = extraction_record(name, text, published) | {"text": text}
    assert _line(got) == _line(expected)


def test_reference_dump_finds_something_to_compare() -> None:
    records = _reference().values()
    assert sum(len(r["incidents"]) for r in records) >= DOCUMENTS
    assert any(r["tallies"] for r in records)
    assert {r["language"] for r in records} == {"en", "ko"}


def _write() -> None:
    REFERENCE.parent.mkdir(exist_ok=True)
    with REFERENCE.open("w", encoding="utf-8") as handle:
        for name, text, published in _cases():
            handle.write(_line(extraction_record(name, text, published) | {"text": text}) + "\n")


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    _write()
