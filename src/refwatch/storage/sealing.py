"""Sealing sensitive fields and original documents under envelope encryption.

Each sensitive column holds ``b"e1" + key id (4 bytes) + nonce + ciphertext``,
encrypted with AES-256-GCM under a *data key*; data keys are stored wrapped by
the key-encryption key in the ``data_keys`` table (see :mod:`refwatch.security.keys`).
The associated data is ``table|row uid|column``, so a ciphertext copied into
another row or column fails to decrypt instead of showing the wrong person's name.

Models declare sensitive attributes with :class:`Sealed`; the plaintext exists
only in memory. The key ring is installed once per process by
:class:`refwatch.storage.database.Database` (one database per process).
"""

from __future__ import annotations

import struct
import uuid
from typing import Any, Final, overload

from refwatch.errors import ConfigError
from refwatch.security import crypto
from refwatch.security.keys import KeyRing

FORMAT: Final = b"e1"
HEADER: Final = len(FORMAT) + 4

_active: KeyRing | None = None


def activate(ring: KeyRing | None) -> None:
    """Install the key ring used to seal and open values in this process."""
    global _active
    _active = ring


def active_ring() -> KeyRing:
    """The installed key ring with its data keys loaded."""
    if _active is None or _active.active_key_id is None:
        raise ConfigError("no encryption key loaded for sensitive data; open the database with its key")
    return _active


def aad(table: str, uid: str, column: str) -> bytes:
    """Associated data binding a ciphertext to its place."""
    return f"{table}|{uid}|{column}".encode()


def seal_bytes(plaintext: bytes, *, table: str, uid: str, column: str, ring: KeyRing | None = None) -> bytes:
    """Encrypt under the active data key."""
    ring = ring or active_ring()
    key_id = ring.active_key_id
    if key_id is None:
        raise ConfigError("no active data key")
    body = crypto.seal(ring.data_keys[key_id], plaintext, aad(table, uid, column))
    return FORMAT + struct.pack(">I", key_id) + body


def key_id_of(value: bytes) -> int:
    """Which data key sealed ``value``."""
    if not value.startswith(FORMAT):
        raise crypto.DecryptionFailed("not a sealed value")
    return int(struct.unpack(">I", value[len(FORMAT) : HEADER])[0])


def open_bytes(value: bytes, *, table: str, uid: str, column: str, ring: KeyRing | None = None) -> bytes:
    """Decrypt a sealed value; raises :class:`crypto.DecryptionFailed` when it does not belong here."""
    ring = ring or active_ring()
    key_id = key_id_of(value)
    try:
        key = ring.data_keys[key_id]
    except KeyError:
        raise crypto.DecryptionFailed(f"data key {key_id} is not available") from None
    return crypto.unseal(key, value[HEADER:], aad(table, uid, column))


def new_uid() -> str:
    """A random row identifier used in the associated data."""
    return uuid.uuid4().hex


class Sealed:
    """A model attribute whose stored column holds the sealed form.

    ``Sealed("name_hangul")`` on a model reads and writes the mapped attribute
    ``_name_hangul`` (the ciphertext column) and the row's ``uid``.
    """

    def __init__(
        self, column: str, *, binary: bool = False, uid_attr: str = "uid", make_uid: bool = True
    ) -> None:
        self.column = column
        self.binary = binary
        self.uid_attr = uid_attr
        self.make_uid = make_uid
        self.storage = f"_{column}"

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> Sealed: ...
    @overload
    def __get__(self, obj: object, owner: type) -> Any: ...
    def __get__(self, obj: object | None, owner: type) -> Any:
        if obj is None:
            return self
        raw = getattr(obj, self.storage)
        if raw is None:
            return None
        plain = open_bytes(bytes(raw), table=obj.__tablename__, uid=self._uid(obj), column=self.column)  # type: ignore[attr-defined]
        return plain if self.binary else plain.decode("utf-8")

    def __set__(self, obj: object, value: Any) -> None:
        if value is None:
            setattr(obj, self.storage, None)
            return
        data = value if self.binary else str(value).encode("utf-8")
        sealed = seal_bytes(data, table=obj.__tablename__, uid=self._uid(obj), column=self.column)  # type: ignore[attr-defined]
        setattr(obj, self.storage, sealed)

    def _uid(self, obj: object) -> str:
        uid = getattr(obj, self.uid_attr, None)
        if uid is None:
            if not self.make_uid:
                raise ValueError(f"set {self.uid_attr} before {self.column}: it is bound into the ciphertext")
            uid = new_uid()
            setattr(obj, self.uid_attr, uid)
        return str(uid)
