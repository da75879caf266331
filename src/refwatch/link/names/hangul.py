"""Hangul syllables: decomposition into jamo, the initial-sound rule, keys and romanisation.

Decomposition is the arithmetic of The Unicode Standard, chapter 3.12 (a syllable
U+AC00..U+D7A3 is ``0xAC00 + (initial * 21 + medial) * 28 + final``): exact, so no
package is needed for it. Romanisation follows the tables in
``data/romanisation.toml`` letter by letter, without the sound-change rules of
RR section 3 (names are usually written without them, and a key must not depend
on them); MR voices ㄱ ㄷ ㅂ ㅈ between voiced sounds, as MR does inside a word.
"""

from __future__ import annotations

import unicodedata

from refwatch.link.names.spelling import collapse, initial_rule
from refwatch.link.names.tables import romanisation

SBASE, SCOUNT = 0xAC00, 11172
# Compatibility jamo (ㄱ U+3131 ...) and conjoining jamo (U+1100 ...) are brought to
# syllables by NFC where they compose; a lone jamo stays and is read on its own.
_VOICED_FINALS = ("", "ㄴ", "ㄹ", "ㅁ", "ㅇ")
# Medials before which ㄹ and ㄴ drop at the start of a word (ㅣ and the y-glides).
_Y_MEDIALS = frozenset((2, 3, 6, 7, 12, 17, 20))


def is_syllable(char: str) -> bool:
    """True for a precomposed Hangul syllable (가..힣)."""
    return SBASE <= ord(char) < SBASE + SCOUNT


def decompose(char: str) -> tuple[int, int, int]:
    """Indexes (initial, medial, final) of a Hangul syllable; final 0 is none.

    Examples:
        >>> decompose("한")
        (18, 0, 4)
    """
    index = ord(char) - SBASE
    return index // 588, (index % 588) // 28, index % 28


def compose(initial: int, medial: int, final: int = 0) -> str:
    """The syllable of the given jamo indexes (inverse of ``decompose``)."""
    return chr(SBASE + (initial * 21 + medial) * 28 + final)


def syllables(text: str) -> list[str]:
    """The Hangul syllables of ``text`` in order, after composing loose jamo (NFC)."""
    return [char for char in unicodedata.normalize("NFC", text) if is_syllable(char)]


def initial_sound_rule(syllable: str) -> str:
    """The South Korean word-initial form of a syllable (두음법칙).

    Hangul Orthography (한글 맞춤법, 1988) articles 10-12: at the start of a word
    ㄹ and ㄴ before ㅣ or a y-glide are dropped (리 -> 이, 류 -> 유, 녀 -> 여) and
    ㄹ before other vowels becomes ㄴ (로 -> 노, 라 -> 나). North Korea does not
    apply the rule, so 리춘히 and 이춘희 are one reading of the same name.

    Examples:
        >>> initial_sound_rule("리"), initial_sound_rule("로"), initial_sound_rule("김")
        ('이', '노', '김')
    """
    initial, medial, final = decompose(syllable)
    if initial == 5:  # ㄹ
        return compose(11 if medial in _Y_MEDIALS else 2, medial, final)
    if initial == 2 and medial in _Y_MEDIALS:  # ㄴ
        return compose(11, medial, final)
    return syllable


def key(part: list[str]) -> str:
    """The phonetic key of one name part (surname or given name) in syllables.

    The initial-sound rule is applied to the part's first syllable, so that the
    North and South spellings of a name give one key.
    """
    table = romanisation()
    out = []
    for syllable in part:
        initial, medial, final = decompose(syllable)
        out.append(table.initials.key[initial] + table.medials.key[medial] + table.finals.key[final])
    # The rule acts on the key, exactly as for a Latin spelling, so that both agree
    # where the key has already merged vowels (늬 and 니 both read "ni" -> "i").
    return initial_rule(collapse("".join(out)))


def romanise(part: list[str], *, system: str = "rr", breves: bool = True) -> str:
    """One name part in RR or MR letters, syllable by syllable.

    Args:
        part: the syllables of a surname or a given name.
        system: ``"rr"`` (Revised Romanization) or ``"mr"`` (McCune-Reischauer).
        breves: MR only: keep ŏ, ŭ and the aspiration apostrophes; without them
            the result is what DPRK sources and most English texts print.

    Examples:
        >>> romanise(list("경희"), system="mr"), romanise(list("경희"))
        ('kyŏnghŭi', 'gyeonghui')
    """
    table = romanisation()
    out: list[str] = []
    previous_final = None
    for syllable in part:
        initial, medial, final = decompose(syllable)
        if system == "rr":
            letters = table.initials.rr[initial] + table.medials.rr[medial] + table.finals.rr[final]
        else:
            jamo = table.initials.jamo[initial]
            onset = table.initials.mr[initial]
            if previous_final is not None and previous_final in _VOICED_FINALS and jamo in table.mr_voiced:
                onset = table.mr_voiced[jamo]
            if previous_final == "ㄴ" and onset == "g":
                onset = "'g"  # MR's n'g: ㄴ then ㄱ, not ㅇ
            letters = onset + table.medials.mr[medial] + table.finals.mr[final]
            previous_final = table.finals.jamo[final]
        out.append(letters)
    text = "".join(out)
    if system == "mr" and not breves:
        text = text.replace("ŏ", "o").replace("ŭ", "u").replace("'", "")
    return text
