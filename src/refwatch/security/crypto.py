"""Cryptographic primitives, from the ``cryptography`` and ``argon2-cffi`` packages.

Nothing here is home-made: AES-256-GCM for sealing, HKDF-SHA256 to derive
independent keys from the master key, Argon2id (memory-hard) to turn a
passphrase into the master key.
"""

from __future__ import annotations

import os
from typing import Final

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES: Final = 32
NONCE_BYTES: Final = 12

#: Argon2id parameters (RFC 9106's second recommended option: 64 MiB, 3 passes).
ARGON2_TIME_COST: Final = 3
ARGON2_MEMORY_KIB: Final = 64 * 1024
ARGON2_PARALLELISM: Final = 4


class DecryptionFailed(Exception):
    """The key is wrong or the data (or its associated data) was altered."""


def new_key() -> bytes:
    """A fresh random 256-bit key."""
    return os.urandom(KEY_BYTES)


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Encrypt and authenticate; the result is nonce || ciphertext+tag."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def unseal(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    """Reverse :func:`seal`; raises :class:`DecryptionFailed` on any mismatch."""
    if len(sealed) < NONCE_BYTES + 16:
        raise DecryptionFailed("sealed value too short")
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except InvalidTag:
        raise DecryptionFailed("authentication failed") from None


def derive(master: bytes, purpose: str) -> bytes:
    """An independent 256-bit key for one purpose (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode()).derive(master)


def passphrase_key(
    passphrase: str,
    salt: bytes,
    *,
    time_cost: int = ARGON2_TIME_COST,
    memory_kib: int = ARGON2_MEMORY_KIB,
    parallelism: int = ARGON2_PARALLELISM,
) -> bytes:
    """The master key from a passphrase, with Argon2id."""
    return hash_secret_raw(
        passphrase.encode("utf-8"),
        salt,
        time_cost=time_cost,
        memory_cost=memory_kib,
        parallelism=parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )
