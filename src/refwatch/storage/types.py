"""Column types shared by the tables.

:class:`SensitiveText` is the single gate through which sensitive values reach
the database. Until field encryption lands (the security issue), it stores the
UTF-8 bytes with a version prefix ``b"p1:"`` meaning *plain, format 1*; the
encryption layer will write ``b"e1:"`` envelopes and read both, so existing
databases migrate in place by re-writing each value.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

PLAIN_PREFIX = b"p1:"


class SensitiveText(TypeDecorator[str]):
    """Text that is stored as bytes behind a format prefix (see module docstring)."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        return PLAIN_PREFIX + value.encode("utf-8")

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        raw = bytes(value)
        if raw.startswith(PLAIN_PREFIX):
            return raw[len(PLAIN_PREFIX) :].decode("utf-8")
        raise ValueError("sensitive value in an unknown storage format; is the encryption key loaded?")
