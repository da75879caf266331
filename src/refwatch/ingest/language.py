"""Language identification: en, ko, zh or other.

Hangul and Han characters settle most cases by script alone, which is fast and
never wrong for Korean text with a few Chinese place names. Latin-script text
in which English's own function words are common is English without a model:
no other Latin-script language told apart here writes "the", "and" or "with"
at all, so a share that running English text reaches (6-15 %) does not occur
in them (a quoted English title or name stays far below it). That settles most
English reports at a fraction of lingua's cost (0.8 ms a report, about a
seventh of an ingest's CPU time, #20). The rest goes to lingua (offline, no
model download) restricted to a few languages so that English is told apart
from other Latin-script languages.
"""

from __future__ import annotations

import functools
import re
from typing import Final

LANGUAGES: Final = ("en", "ko", "zh", "other")
SAMPLE_CHARS: Final = 5000
LINGUA_CHARS: Final = 1500


_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_LATIN = re.compile(r"[A-Za-z]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")

#: English function words that none of the detector's other languages write as words (Dutch "of"
#: and German "was" are left out: they are words there too).
ENGLISH_MARKERS: Final = frozenset(
    {"the", "and", "with", "that", "this", "which", "were", "from", "have", "has", "they", "their"}
)
#: Share of the sample's words that must be markers, and the words needed to judge at all.
ENGLISH_SHARE: Final = 0.06
ENGLISH_MIN_WORDS: Final = 40


def _script_counts(text: str) -> tuple[int, int, int, int]:
    return tuple(len(p.findall(text)) for p in (_HANGUL, _HAN, _KANA, _LATIN))  # type: ignore[return-value]


@functools.cache
def _detector():  # type: ignore[no-untyped-def]
    from lingua import Language, LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_languages(
            Language.ENGLISH,
            Language.FRENCH,
            Language.GERMAN,
            Language.SPANISH,
            Language.PORTUGUESE,
            Language.ITALIAN,
            Language.DUTCH,
            Language.INDONESIAN,
            Language.VIETNAMESE,
        )
        .with_low_accuracy_mode()
        .build()
    )


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
    if _plainly_english(sample[:LINGUA_CHARS]):
        return "en"
    from lingua import Language

    found = _detector().detect_language_of(sample[:LINGUA_CHARS])
    return "en" if found == Language.ENGLISH else "other"


def _plainly_english(sample: str) -> bool:
    """Whether English function words make so large a share of the words that it is English."""
    words = _LATIN_WORD.findall(sample)
    if len(words) < ENGLISH_MIN_WORDS:
        return False
    markers = sum(1 for word in words if word.lower() in ENGLISH_MARKERS)
    return markers >= ENGLISH_SHARE * len(words)


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
