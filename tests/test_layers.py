"""The layering of STYLE.md holds: import-linter's contracts (pyproject.toml) are all kept.

cli | web -> services -> report -> {extract, link, estimate, law} -> ingest -> storage
-> {security, domain} -> {config, errors}; faces never import storage; the domain
imports neither storage nor SQLAlchemy. Before #19 pages, api, persons,
interventions, sessions and several commands imported storage directly.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli = pytest.importorskip("importlinter.cli", reason="import-linter is in the dev extra")
    monkeypatch.chdir(ROOT)
    # import-linter configures logging with dictConfig, which disables every logger that exists
    # (later tests in the same process would see no log records): put them back as they were.
    loggers = [
        logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    disabled = [logger.disabled for logger in loggers]
    try:
        code = cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    finally:
        for logger, was in zip(loggers, disabled, strict=True):
            logger.disabled = was
    report = capsys.readouterr().out
    assert code == 0, report
    assert "3 kept, 0 broken" in report
