"""Language packs: the words each language uses for events, people, numbers and time.

Each pack is data (word lists and small regular-expression fragments) in its own
module; the finders compile them once at import. All packs are applied to every
text, because reports mix scripts (Korean articles quote Chinese place and agency
names, English ones quote Korean terms) and the scripts do not collide.
"""

from refwatch.extract.lang import en, ko, zh

__all__ = ["en", "ko", "zh"]
