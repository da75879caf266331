"""Backups: a consistent, encrypted, integrity-checked snapshot, and restoring it.

A backup is every row of every table, read in one transaction (so it is
consistent), written as JSON Lines per table into a zip archive, and sealed as
a whole with AES-256-GCM under a key derived from the master key. Sealed
values (sensitive fields, original documents) stay sealed inside it. The
header (not secret, but authenticated as associated data) holds the key
information needed to re-derive the master key, so a restore needs the same
key file or passphrase and nothing else. Any change to the file makes the
restore fail before anything is written.

File layout: ``REFWATCH-BACKUP 1\\n`` + header JSON + ``\\n`` + sealed zip.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from refwatch import __version__
from refwatch.config import Settings
from refwatch.errors import ConfigError, InvalidInput
from refwatch.security import crypto
from refwatch.security.keys import KEYINFO_FILE, KeyRing, read_keyinfo
from refwatch.storage import audit, dialects, dumps, schema
from refwatch.storage.database import Database
from refwatch.storage.tables import Base

MAGIC = b"REFWATCH-BACKUP 1\n"


@dataclass(frozen=True, slots=True)
class BackupSummary:
    """What a backup or restore holds."""

    path: str
    rows: dict[str, int]
    schema_revision: str | None


def _backup_key(ring: KeyRing) -> bytes:
    return crypto.derive(ring.master, "refwatch backup archive")


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dt.datetime | dt.date):
        return {"$dt": value.isoformat()}
    return value


def _decode(value: Any, column_type: Any) -> Any:
    if isinstance(value, dict) and "$b64" in value:
        return base64.b64decode(value["$b64"])
    if isinstance(value, dict) and "$dt" in value:
        raw = value["$dt"]
        return dt.datetime.fromisoformat(raw) if "T" in raw else dt.date.fromisoformat(raw)
    return value


def _rows(conn: Connection, table: Any) -> Iterator[dict[str, Any]]:
    for row in dumps.rows(conn, table):
        yield {k: _encode(v) for k, v in row.items()}


def create_backup(db: Database, settings: Settings, out: Path, *, actor: str) -> BackupSummary:
    """Write a sealed snapshot of the whole database to ``out``."""
    ring = db.keyring
    if ring is None:
        raise ConfigError("the database was opened without its key")
    keyinfo = read_keyinfo(settings.home)
    if keyinfo is None:
        raise ConfigError(f"{settings.home / KEYINFO_FILE} is missing; cannot make a restorable backup")
    with db.transaction() as session:
        audit.record(
            session,
            actor=actor,
            action="backup.create",
            entity="database",
            entity_id=None,
            detail={"file": out.name},
        )
    buffer = io.BytesIO()
    counts: dict[str, int] = {}
    digests: dict[str, str] = {}
    # One transaction for every table: PostgreSQL at REPEATABLE READ, SQLite's read
    # transaction in WAL mode, both see a single snapshot while writers go on.
    options = {"isolation_level": "REPEATABLE READ"} if db.engine.dialect.name == "postgresql" else {}
    with db.engine.connect().execution_options(**options) as conn:
        with conn.begin(), zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for table in Base.metadata.sorted_tables:
                lines = [json.dumps(row, ensure_ascii=False, sort_keys=True) for row in _rows(conn, table)]
                body = ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8")
                archive.writestr(f"tables/{table.name}.jsonl", body)
                counts[table.name] = len(lines)
                digests[table.name] = hashlib.sha256(body).hexdigest()
    header = {
        "format": 1,
        "refwatch": __version__,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "schema_revision": schema.current_revision(db),
        "keyinfo": keyinfo,
        "rows": counts,
        "sha256": digests,
    }
    header_bytes = json.dumps(header, sort_keys=True).encode("utf-8")
    sealed = crypto.seal(_backup_key(ring), buffer.getvalue(), MAGIC + header_bytes)
    tmp = out.with_name(out.name + ".part")
    try:
        with open(tmp, "wb") as handle:
            handle.write(MAGIC + header_bytes + b"\n" + sealed)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(out)
    except OSError as exc:
        raise InvalidInput(f"cannot write the backup {out}: {exc.strerror}") from None
    return BackupSummary(path=str(out), rows=counts, schema_revision=header["schema_revision"])  # type: ignore[arg-type]


def read_header(path: Path) -> tuple[dict[str, Any], bytes, bytes]:
    """The header, its raw bytes and the sealed archive of a backup file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read the backup {path}: {exc.strerror}") from None
    if not raw.startswith(MAGIC):
        raise InvalidInput(f"{path} is not a refwatch backup")
    rest = raw[len(MAGIC) :]
    header_bytes, _, sealed = rest.partition(b"\n")
    try:
        header: dict[str, Any] = json.loads(header_bytes)
    except ValueError:
        raise InvalidInput(f"{path}: the backup header is damaged") from None
    return header, header_bytes, sealed


def restore_backup(
    settings: Settings, backup: Path, *, passphrase: str | None = None, actor: str
) -> BackupSummary:
    """Restore a backup into an empty data directory / database."""
    from refwatch.security.keys import load_keyring

    header, header_bytes, sealed = read_header(backup)
    home = settings.home
    existing = read_keyinfo(home)
    if existing is not None and existing != header["keyinfo"]:
        raise ConfigError(f"{home} already holds data with other keys; restore into an empty data directory")
    home.mkdir(parents=True, exist_ok=True)
    secret = passphrase or (settings.passphrase.get_secret_value() if settings.passphrase else None)
    if existing is None:
        # Check the key against the backup's key information before writing anything.
        probe = home / (KEYINFO_FILE + ".restore")
        probe.mkdir(exist_ok=True)
        (probe / KEYINFO_FILE).write_text(json.dumps(header["keyinfo"]), encoding="utf-8")
        try:
            ring = load_keyring(probe, key_file=settings.key_file, passphrase=secret)
        finally:
            (probe / KEYINFO_FILE).unlink()
            probe.rmdir()
    else:
        ring = load_keyring(home, key_file=settings.key_file, passphrase=secret)
    try:
        archive_bytes = crypto.unseal(_backup_key(ring), sealed, MAGIC + header_bytes)
    except crypto.DecryptionFailed:
        raise InvalidInput(
            f"{backup}: the backup is damaged or was altered (authentication failed)"
        ) from None
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        bodies = {t.name: archive.read(f"tables/{t.name}.jsonl") for t in Base.metadata.sorted_tables}
    for name, body in bodies.items():
        if hashlib.sha256(body).hexdigest() != header["sha256"].get(name):
            raise InvalidInput(f"{backup}: table {name} does not match its checksum")
    if existing is None:
        (home / KEYINFO_FILE).write_text(json.dumps(header["keyinfo"], indent=2) + "\n", encoding="utf-8")
    db = Database(
        settings.resolved_database_url,
        keyring=ring,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        sqlite_encryption=settings.sqlite_encryption,
    )
    try:
        schema.upgrade(db, header.get("schema_revision") or "head")
        with db.engine.begin() as conn:
            for table in Base.metadata.sorted_tables:
                if dumps.has_rows(conn, table):
                    raise ConfigError(
                        f"the target database is not empty (table {table.name}); restore needs an empty one"
                    )
            for table in Base.metadata.sorted_tables:
                rows = [json.loads(line) for line in bodies[table.name].decode("utf-8").splitlines() if line]
                if rows:
                    types = {c.name: c.type for c in table.columns}
                    decoded = [{k: _decode(v, types.get(k)) for k, v in row.items()} for row in rows]
                    dumps.insert_rows(conn, table, decoded)
            for table in Base.metadata.sorted_tables:
                dialects.reset_id_sequence(conn, table)
        schema.upgrade(db)
        db.load_data_keys()
        with db.transaction() as session:
            audit.record(
                session,
                actor=actor,
                action="backup.restore",
                entity="database",
                entity_id=None,
                detail={"file": backup.name, "rows": header["rows"]},
            )
    finally:
        db.dispose()
    return BackupSummary(path=str(backup), rows=header["rows"], schema_revision=header.get("schema_revision"))
