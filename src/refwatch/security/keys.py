"""The master key and the keys derived from it.

Where the master key comes from, in order: a key file (``REFWATCH_KEY_FILE``,
32 random bytes written by ``refwatch keys new-keyfile``), or a passphrase
(``REFWATCH_PASSPHRASE`` or typed at a prompt) stretched with Argon2id. The
Argon2 salt and parameters, and a *check value* that tells a wrong key from a
right one without touching the database, are kept in ``keyinfo.json`` in the
data directory; it holds nothing secret.

From the master key, HKDF derives: the SQLCipher page key (the whole SQLite
file), the key-encryption key that wraps the data keys (envelope encryption
of sensitive fields and original documents), and the check value.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refwatch.errors import ConfigError
from refwatch.security import crypto

KEYINFO_FILE = "keyinfo.json"


@dataclass
class KeyRing:
    """The master key's derived keys, plus the unwrapped data keys once loaded."""

    master: bytes = field(repr=False)
    data_keys: dict[int, bytes] = field(default_factory=dict, repr=False)
    active_key_id: int | None = None

    @property
    def sqlcipher_key(self) -> str:
        """The raw SQLCipher key as the PRAGMA expects it (``x'<64 hex digits>'``)."""
        return "x'" + crypto.derive(self.master, "refwatch sqlcipher page key").hex() + "'"

    @property
    def key_encryption_key(self) -> bytes:
        """Wraps and unwraps the data keys."""
        return crypto.derive(self.master, "refwatch key-encryption key")

    @property
    def session_secret(self) -> str:
        """Signs the web sessions' cookies: the same in every server worker, and across restarts."""
        return crypto.derive(self.master, "refwatch session signing key").hex()

    def check_value(self) -> str:
        """A value that proves knowledge of the master key without revealing it."""
        mac = hmac.new(crypto.derive(self.master, "refwatch key check"), b"refwatch", "sha256")
        return mac.hexdigest()[:32]

    def wrap(self, key_id: int, data_key: bytes) -> bytes:
        """Encrypt a data key under the key-encryption key."""
        return crypto.seal(self.key_encryption_key, data_key, f"data-key:{key_id}".encode())

    def unwrap(self, key_id: int, wrapped: bytes) -> bytes:
        """Decrypt a data key."""
        return crypto.unseal(self.key_encryption_key, wrapped, f"data-key:{key_id}".encode())


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def read_keyinfo(home: Path) -> dict[str, Any] | None:
    """The key information of a data directory, or None before the first ``init``."""
    path = home / KEYINFO_FILE
    if not path.exists():
        return None
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path} is unreadable ({exc}); restore it from a backup") from None
    return data


def read_key_file(path: Path) -> bytes:
    """Read a key file (base64 of 32 bytes, or 32 raw bytes)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the key file {path}: {exc.strerror}") from None
    if len(raw) == crypto.KEY_BYTES:
        return raw
    try:
        key = base64.b64decode(raw.strip(), validate=True)
    except ValueError:
        key = b""
    if len(key) != crypto.KEY_BYTES:
        raise ConfigError(f"{path} is not a refwatch key file (expected 32 bytes, base64-encoded)")
    return key


def write_key_file(path: Path) -> None:
    """Create a new random key file readable only by its owner; never overwrite one."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(f"{path} already exists; refusing to overwrite a key file") from None
    with os.fdopen(fd, "w") as handle:
        handle.write(_b64(crypto.new_key()) + "\n")


def load_keyring(
    home: Path, *, key_file: Path | None, passphrase: str | None, create: bool = False
) -> KeyRing:
    """Derive the master key and check it against ``keyinfo.json``.

    Args:
        home: the data directory holding ``keyinfo.json``.
        key_file: a key file, if configured (wins over a passphrase).
        passphrase: the passphrase, if no key file.
        create: write ``keyinfo.json`` when it does not exist yet (``refwatch init``).

    Raises:
        ConfigError: no key given, or the key does not match this data directory.
    """
    info = read_keyinfo(home)
    if key_file is not None:
        master = read_key_file(key_file)
        kdf: dict[str, Any] = {"source": "key-file"}
    elif passphrase:
        if info and info.get("kdf", {}).get("source") == "argon2id":
            kdf = info["kdf"]
            salt = base64.b64decode(kdf["salt"])
        else:
            salt = os.urandom(16)
            kdf = {
                "source": "argon2id",
                "salt": _b64(salt),
                "time_cost": crypto.ARGON2_TIME_COST,
                "memory_kib": crypto.ARGON2_MEMORY_KIB,
                "parallelism": crypto.ARGON2_PARALLELISM,
            }
        master = crypto.passphrase_key(
            passphrase,
            salt,
            time_cost=int(kdf["time_cost"]),
            memory_kib=int(kdf["memory_kib"]),
            parallelism=int(kdf["parallelism"]),
        )
    else:
        raise ConfigError(
            "no encryption key: set REFWATCH_KEY_FILE to a key file (`refwatch keys new-keyfile PATH`) "
            "or REFWATCH_PASSPHRASE, or run the command in a terminal to be asked for the passphrase"
        )
    ring = KeyRing(master=master)
    if info is None:
        if not create:
            raise ConfigError(f"{home / KEYINFO_FILE} is missing; run `refwatch init` first")
        home.mkdir(parents=True, exist_ok=True)
        payload = {"version": 1, "kdf": kdf, "check": ring.check_value()}
        (home / KEYINFO_FILE).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    elif not hmac.compare_digest(str(info.get("check", "")), ring.check_value()):
        raise ConfigError("wrong passphrase or key file for this data directory; nothing was changed")
    return ring
