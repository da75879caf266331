"""Language detection on fictional sentences."""

from __future__ import annotations

import pytest

from refwatch.ingest.language import detect_language, normalise_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fictional: five people were detained near the border last week, a rights group said.", "en"),
        ("가상의 예시: 탈북민 5명이 지난주 선양에서 中 공안에 체포됐다고 한 단체가 밝혔다.", "ko"),
        ("虚构示例：五名朝鲜人上周在沈阳被公安逮捕，一个人权组织说。", "zh"),
        (
            "Exemple fictif : cinq personnes ont été arrêtées près de la frontière la semaine dernière.",
            "other",
        ),
        ("12345 --- !!!", "other"),
    ],
)
def test_detect(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("value", "code"), [("EN", "en"), ("ko-KR", "ko"), ("Korean", "ko"), ("zh_TW", "zh"), ("fr", "other")]
)
def test_normalise(value: str, code: str) -> None:
    assert normalise_language(value) == code
