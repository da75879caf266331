"""Seeds: every random result can be reproduced from the seed printed with it."""

from __future__ import annotations

import secrets


def resolve_seed(seed: int | None) -> int:
    """``seed`` itself, or a fresh random one that the caller reports with its result."""
    return secrets.randbits(63) if seed is None else int(seed)
