"""benchmarks/extract.py: the English-only inputs of the spaCy table, and its clean skip without spaCy."""

from __future__ import annotations

import builtins
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import extract as bench  # noqa: E402


def test_english_generated_text_has_no_korean() -> None:
    docs = bench.generated(0.05, english=True)
    assert docs and not any("\uac00" <= c <= "\ud7a3" for doc in docs for c in doc)
    assert any("\uac00" <= c <= "\ud7a3" for doc in bench.generated(0.05) for c in doc)


def test_the_spacy_table_is_skipped_without_spacy(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_import = builtins.__import__

    def no_spacy(name: str, *args: object, **kwargs: object) -> object:
        if name == "spacy" or name.startswith("spacy."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_spacy)
    bench.side_by_side(0.01)
    assert "skipped: spaCy is not installed" in capsys.readouterr().out
