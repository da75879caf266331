"""Korean names compared as Korean names, for person linkage.

"Ji Hyeon-a", "지현아" and "Jee Hyun A" are one name. Every supported spelling
(Hangul, Hanja, Revised Romanization, McCune-Reischauer with or without breves
and apostrophes, DPRK official romanization, common ad-hoc spellings, Cyrillic)
is read into a *reading*: the canonical surname (variants and the initial-sound
rule folded: Ri/Lee/Yi/I/Rhee/리/이/李 are 이) and a phonetic key of the given
name. ``compare_names`` turns two readings into a ``NameLevel`` for Splink's
comparison levels; ``frequency_keys`` gives the keys to count term frequencies
by. The tables are data with their sources (``data/``); nothing here does I/O
beyond reading them once, and nothing logs: names are victim data.

Layout: ``tables`` loads the data, ``hangul`` handles syllables, ``spelling``
reads Latin and Cyrillic, ``parse`` splits a name into surname and given name,
``compare`` gives the levels, ``levels`` turns them into Splink comparison
levels (imported on its own, so that reading names does not load Splink).
"""

from refwatch.link.names.compare import (
    CLOSE_THRESHOLD,
    FrequencyKeys,
    NameLevel,
    compare_names,
    compare_parsed,
    frequency_keys,
)
from refwatch.link.names.hangul import romanise
from refwatch.link.names.parse import ParsedName, Reading, parse_name

__all__ = [
    "CLOSE_THRESHOLD",
    "FrequencyKeys",
    "NameLevel",
    "ParsedName",
    "Reading",
    "compare_names",
    "compare_parsed",
    "frequency_keys",
    "parse_name",
    "romanise",
]
