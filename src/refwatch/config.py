"""Settings, read from the environment (prefix ``REFWATCH_``) when asked for.

Settings are never built at import time: entry points call :func:`load_settings`
and pass the result down, so tests can give each run its own data directory and
database.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    return Path(platformdirs.user_data_dir("refwatch", appauthor=False))


class Settings(BaseSettings):
    """Every setting refwatch reads. Documented in ``docs/configuration.md``."""

    model_config = SettingsConfigDict(env_prefix="REFWATCH_", extra="ignore")

    home: Path = Field(
        default_factory=_default_home,
        description="Data directory: the embedded database and the stored original documents.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the database; default is the SQLite file refwatch.db in home. "
        "Use postgresql+psycopg://user@host/db for PostgreSQL.",
    )
    key_file: Path | None = Field(
        default=None,
        description="Key file (made by `refwatch keys new-keyfile`) holding the master key; "
        "wins over a passphrase.",
    )
    passphrase: SecretStr | None = Field(
        default=None,
        description="Passphrase the master key is derived from (Argon2id). Without it or a key file, "
        "commands run in a terminal ask for it.",
    )
    sqlite_encryption: bool = Field(
        default=True,
        description="Encrypt the embedded SQLite database as a whole with SQLCipher.",
    )
    seal_document_text: bool = Field(
        default=False,
        description="Store the working text of newly ingested documents sealed (encrypted field by field) "
        "instead of plaintext, and the evidence quotes extracted from it with it; searches then also use "
        "an index kept in memory.",
    )
    max_file_bytes: int = Field(
        default=50 * 1024 * 1024,
        description="Files larger than this are refused by ingest (bytes).",
        gt=0,
    )
    ingest_workers: int = Field(
        default_factory=lambda: max(1, min(4, (os.cpu_count() or 1) - 1)),
        description="Processes that read and extract files side by side during ingest (1: none, all "
        "in the ingesting process); writes stay in the ingesting process, one transaction per file. "
        "The default leaves one core to that process: on two cores a worker only competes with it.",
        ge=1,
        le=64,
    )
    parse_cpu_seconds: int = Field(
        default=60,
        description="CPU time one PDF or HTML file may take to read, in a worker process of its own; "
        "a file that needs more is refused (seconds).",
        gt=0,
    )
    parse_memory_mb: int = Field(
        default=2048,
        description="Memory (address space) that worker process may use while reading one PDF or HTML file "
        "(MiB); a file that needs more is refused.",
        gt=0,
    )
    pdf_max_pages: int = Field(
        default=2000,
        description="PDFs with more pages than this are refused before any page is read.",
        gt=0,
    )
    sqlite_busy_timeout_ms: int = Field(
        default=10_000,
        description="How long a SQLite connection waits for a lock before failing (milliseconds).",
        ge=0,
    )
    database_pool_recycle_s: int = Field(
        default=1800,
        ge=0,
        description="PostgreSQL: a pooled connection older than this is closed and opened afresh when next "
        "taken from the pool (seconds; 0: never). Stands in for a ping on every checkout, which cost a "
        "round trip per request: set it below any idle timeout of a proxy or firewall in between.",
    )
    database_pool_size: int = Field(
        default=10,
        ge=1,
        le=200,
        description="PostgreSQL: connections each server process keeps open (twice as many more may be "
        "opened at peaks and are closed when returned).",
    )
    warmup_seconds: float = Field(
        default=30.0,
        ge=0.0,
        le=300.0,
        description="At most this long, `refwatch serve` opens its database connections and reads the first "
        "pages of the lists, the totals and a sample of records before it accepts requests, so the first "
        "clients do not wait for cold caches (with --workers, once, before the workers are forked; "
        "0: no warm-up).",
    )
    link_threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Match probability at or above which two reports are taken to describe the same "
        "incident. Unset: the threshold stored with the linking model.",
    )
    link_model: Path | None = Field(
        default=None,
        description="Folder holding a linking model made by `refwatch link-train`. Unset: the model "
        "shipped with refwatch.",
    )
    link_window_days: int = Field(
        default=45,
        ge=0,
        description="Reports whose date intervals lie further apart than this are never linked.",
    )
    linkage_match_threshold: float = Field(
        default=0.9,
        ge=0.0,
        le=1.0,
        description="Match probability at or above which `refwatch persons link` takes two records "
        "to be one person.",
    )
    linkage_review_threshold: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="Pairs of records between this match probability and the match threshold go to the "
        "clerical review queue (`refwatch persons review`).",
    )
    linkage_backend: Literal["duckdb", "spark"] = Field(
        default="duckdb",
        description="Where `refwatch persons link` runs Splink: duckdb (in memory) or spark (local mode; "
        "needs `make spark`).",
    )
    linkage_frequency_min_records: int = Field(
        default=1000,
        ge=0,
        description="With fewer records than this, person linkage does not adjust names by how often "
        "they occur (a small list's frequencies mostly count its own repeats).",
    )
    session_secret: SecretStr | None = Field(
        default=None,
        description="Key that signs web session cookies. Without it one is derived from the master key, "
        "the same in every server process and across restarts.",
    )
    require_2fa: bool = Field(
        default=True,
        description="Admins and editors must log in with a TOTP code as well as their password "
        "(they set it up at their first login).",
    )
    secure_cookies: bool = Field(
        default=False,
        description="Send session cookies only over HTTPS (set it when serving behind HTTPS).",
    )
    user: str = Field(
        default="cli",
        description="Who is recorded as the actor of CLI writes (ingest, review) until accounts exist.",
    )

    @property
    def resolved_database_url(self) -> str:
        """The database URL in force: the explicit one, else the SQLite file in ``home``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'refwatch.db'}"

    @property
    def is_sqlite(self) -> bool:
        """True when the database in force is SQLite."""
        return self.resolved_database_url.startswith("sqlite")


def load_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, with explicit overrides winning."""
    return Settings(**overrides)  # type: ignore[arg-type]
