"""Latin and Cyrillic spellings of Korean names, read into the phonetic key.

A romanised name part ("Ryong-hae", "Ch'oe", "Kyŏnghŭi", "Hyun A") is folded
(case, breves and other accents, apostrophes used for aspiration or as a breve
substitute, hyphens and spaces) and then read left to right, longest spelling
first, with the tables of ``data/romanisation.toml``. Syllable boundaries are not
needed: "Hyeon-a", "Hyun A" and "Hyuna" read the same, and so do "Segwang" and
"Se-gwang". Runs of one consonant class collapse ("Hanna" = "Hana" = 한나's key)
because romanisations double letters inconsistently.
"""

from __future__ import annotations

import re
import unicodedata

from refwatch.link.names.tables import romanisation

# Apostrophes and look-alikes: MR aspiration (ch'), breve substitutes (Pyo'ng), RR hyphen substitutes.
APOSTROPHES = "'’ʼ‘`´ʻ"
_SILENT_H = re.compile(r"(?<=[aeiouwy])h(?=[^aeiouwy]|$)")
_VOWELS = frozenset("aeiouwy")
# Hyphens and spaces mark syllable boundaries where a writer gave them: read each piece
# on its own so that "Du-ik" is not read as "Duik" (ㅢ).
# MR writes an apostrophe between ㄴ and ㄱ ("Hyŏn'gyŏng", 현경) so as not to read ㅇ: a boundary too.
_PIECES = re.compile(r"[\s\-\u2010-\u2015]+|(?<=[nN])['’ʼ](?=[gG])")


def fold(text: str) -> str:
    """Lower case ASCII letters of a Latin or Cyrillic spelling; everything else goes.

    Examples:
        >>> fold("Ch’oe Sŏnhŭi"), fold("Чое Сон-хуй")
        ('choesonhui', 'choesonhui')
    """
    lowered = text.casefold()
    if any("\u0400" <= char <= "\u04ff" for char in lowered):
        for cyrillic, latin in romanisation().cyrillic.items():
            lowered = lowered.replace(cyrillic, latin)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(char for char in decomposed if "a" <= char <= "z")


def is_latin_or_cyrillic(text: str) -> bool:
    """True if the text has letters and they are all Latin or Cyrillic (accents allowed)."""
    letters = [char for char in unicodedata.normalize("NFKD", text) if char.isalpha()]
    return bool(letters) and all(
        ("a" <= char.casefold() <= "z") or ("\u0400" <= char <= "\u04ff") for char in letters
    )


# Cyrillic "н" ending a syllable stands for ㄴ and for ㅇ alike ("Пон" is 봉, "Сон" 선).
_CYRILLIC_FINAL_N = re.compile(r"н(?![аеёиоуыэюяй])", re.IGNORECASE)


def keys(part: str) -> tuple[str, ...]:
    """Every key a name part may have: one, or for Cyrillic one per reading of a final "н".

    Examples:
        >>> keys("Пон-джу")
        ('poncu', 'poqcu')
    """
    finals = [match.start() for match in _CYRILLIC_FINAL_N.finditer(part)][:4]
    if not finals:
        return (key(part),)
    out = []
    for mask in range(1 << len(finals)):
        chars = list(part)
        for bit, position in enumerate(finals):
            if mask >> bit & 1:
                chars[position] = "нг"
        out.append(key("".join(chars)))
    return tuple(dict.fromkeys(out))


def collapse(key: str) -> str:
    """Collapse runs of one consonant class ("nn" -> "n"); vowels stay."""
    out: list[str] = []
    for char in key:
        if out and char == out[-1] and char not in _VOWELS:
            continue
        out.append(char)
    return "".join(out)


def key(part: str) -> str:
    """The phonetic key of one romanised name part (all its pieces, in order).

    The initial-sound rule is applied to the key's start, as for Hangul: a leading
    l/n before i or y drops, a leading l before another vowel becomes n.

    Examples:
        >>> key("Ryong-hae"), key("Yong Hae"), key("Chŏngil"), key("Jong-il")
        ('yoqhe', 'yoqhe', 'coqil', 'coqil')
    """
    pieces = (_SILENT_H.sub("", fold(piece)) for piece in _PIECES.split(part))
    return initial_rule(collapse("".join(_read(piece) for piece in pieces if piece)))


def initial_rule(key_text: str) -> str:
    """The initial-sound rule on a key: l/n before i, y drop; l before another vowel is n."""
    if len(key_text) >= 2 and key_text[0] in "ln" and key_text[1] in "iy":
        return key_text[1:]
    if len(key_text) >= 2 and key_text[0] == "l" and key_text[1] in _VOWELS:
        return "n" + key_text[1:]
    return key_text


def _read(letters: str) -> str:
    table = romanisation()
    out: list[str] = []
    position = 0
    for onset, value in table.onsets.items():
        if letters.startswith(onset):
            out.append(value)
            position = len(onset)
            break
    while position < len(letters):
        for series in (table.vowels, table.consonants):
            match = next((s for s in series if letters.startswith(s, position)), None)
            if match is not None:
                out.append(series[match])
                position += len(match)
                break
        else:  # a letter no table knows: keep the reading going
            position += 1
    return "".join(out)
