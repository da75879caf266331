"""Language identification: en, ko, zh or other.

Hangul and Han characters settle most cases by script alone, which is fast and
never wrong for Korean text with a few Chinese place names. Latin-script text
goes to lingua (offline, no model download) restricted to a few languages so
that English is told apart from other Latin-script languages.
"""

from __future__ import annotations

import functools
from typing import Final

LANGUAGES: Final = ("en", "ko", "zh", "other")
SAMPLE_CHARS: Final = 5000


def _script_counts(text: str) -> tuple[int, int, int, int]:
    hangul = han = kana = latin = 0
    for ch in text:
        code = ord(ch)
        if 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            hangul += 1
        elif 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
            han += 1
        elif 0x3040 <= code <= 0x30FF:
            kana += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    return hangul, han, kana, latin


@functools.cache
def _detector():  # type: ignore[no-untyped-def]
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.ENGLISH,
        Language.FRENCH,
        Language.GERMAN,
        Language.SPANISH,
        Language.PORTUGUESE,
        Language.ITALIAN,
        Language.DUTCH,
        Language.INDONESIAN,
        Language.VIETNAMESE,
    ).build()


def detect_language(text: str) -> str:
    """Return ``en``, ``ko``, ``zh`` or ``other`` for ``text``."""
    sample = text[:SAMPLE_CHARS]
    hangul, han, kana, latin = _script_counts(sample)
    letters = hangul + han + kana + latin
    if letters == 0:
        return "other"
    if hangul / letters >= 0.2:
        return "ko"
    if kana / letters >= 0.1:
        return "other"
    if han / letters >= 0.3:
        return "zh"
    from lingua import Language

    found = _detector().detect_language_of(sample)
    return "en" if found == Language.ENGLISH else "other"


def normalise_language(value: str) -> str:
    """Map a metadata language value (``en``, ``EN``, ``ko-KR``, ``Korean``, ``한국어``) to our codes."""
    v = value.strip().lower()
    aliases = {
        "en": "en",
        "eng": "en",
        "english": "en",
        "ko": "ko",
        "kor": "ko",
        "korean": "ko",
        "한국어": "ko",
        "zh": "zh",
        "chi": "zh",
        "zho": "zh",
        "chinese": "zh",
        "中文": "zh",
    }
    base = v.split("-")[0].split("_")[0]
    return aliases.get(v) or aliases.get(base) or "other"
