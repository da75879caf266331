"""Shared fixtures: settings and databases on SQLite and on a throwaway PostgreSQL.

``db`` is parametrised over both backends, so every storage test runs twice.
Each test gets a fresh database: SQLite from a migrated template file copied
into ``tmp_path``, PostgreSQL from a migrated template database.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from refwatch.config import Settings, load_settings
from refwatch.security.keys import write_key_file
from refwatch.services.setup import init_database, open_database
from refwatch.storage.database import Database

sys.path.insert(0, str(Path(__file__).parent))

# Property tests draw the same examples on every run ("ci", the default), so the test command is
# deterministic: a failure is there again when rerun. REFWATCH_HYPOTHESIS=random draws new examples
# each run, to look for failures by hand (then fix them with a test of their own).
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.register_profile("random", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("REFWATCH_HYPOTHESIS", "ci"))
from pg import PostgresServer, create_database, start_postgres  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REFWATCH_SHARED", REPO.parent / "shared"))

_counter = itertools.count()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder (docs, corpus, data); tests that need it skip without it."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session (skipped, loudly, only if none can be had)."""
    try:
        server = start_postgres()
    except RuntimeError as exc:
        message = f"!!! PostgreSQL tests SKIPPED: no PostgreSQL server could be started ({exc}) !!!"
        warnings.warn(message, stacklevel=1)
        sys.stderr.write("\n" + message + "\n")
        pytest.skip(message)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A master key file for the whole session (no Argon2 cost per test)."""
    path = tmp_path_factory.mktemp("keys") / "refwatch.key"
    write_key_file(path)
    return path


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory, key_file: Path) -> Path:
    """A data directory with an initialised, encrypted SQLite database, copied for each test."""
    home = tmp_path_factory.mktemp("template") / "home"
    db, _ = init_database(load_settings(home=home, key_file=key_file))
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return home


@pytest.fixture(scope="session")
def postgres_template(
    postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory, key_file: Path
) -> tuple[str, Path]:
    """Name of a migrated template database (with its first data key) and its data directory."""
    name = f"refwatch_template_{os.getpid()}"
    url = create_database(postgres, name)
    home = tmp_path_factory.mktemp("pg-template") / "home"
    db, _ = init_database(load_settings(home=home, database_url=url, key_file=key_file))
    db.dispose()
    return name, home


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test runs on."""
    return str(request.param)


@pytest.fixture
def settings(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings for a fresh, initialised database on the chosen backend."""
    home = tmp_path / "home"
    key: Path = request.getfixturevalue("key_file")
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copytree(template, home)
        return load_settings(home=home, key_file=key)
    server: PostgresServer = request.getfixturevalue("postgres")
    template_name, template_home = request.getfixturevalue("postgres_template")
    shutil.copytree(template_home, home)
    url = create_database(server, f"t_{os.getpid()}_{next(_counter)}", template=template_name)
    return load_settings(home=home, database_url=url, key_file=key)


@pytest.fixture
def sqlite_settings(tmp_path: Path, sqlite_template: Path, key_file: Path) -> Settings:
    """Settings for a fresh, initialised SQLite database (for tests that need only one backend)."""
    home = tmp_path / "home"
    shutil.copytree(sqlite_template, home)
    return load_settings(home=home, key_file=key_file)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    """The database of :func:`settings`, disposed after the test."""
    database = open_database(settings)
    yield database
    database.dispose()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Settings:
    """Point the CLI's environment at the test database."""
    monkeypatch.setenv("REFWATCH_HOME", str(settings.home))
    monkeypatch.setenv("REFWATCH_KEY_FILE", str(settings.key_file))
    monkeypatch.delenv("REFWATCH_PASSPHRASE", raising=False)
    if settings.database_url:
        monkeypatch.setenv("REFWATCH_DATABASE_URL", settings.database_url)
    else:
        monkeypatch.delenv("REFWATCH_DATABASE_URL", raising=False)
    return settings
