"""Hostile PDF and HTML files fail clearly, under limits, instead of holding a core or the memory.

The files are generated: a 120 KB PDF naming one page 20,000 times (the attack
run's file, minutes of CPU before), and a small PDF whose content stream
inflates to 60 MB. Each is refused with an IngestError naming the file and the
limit; the limits are small here so that the tests are quick.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pdfs import inflating_pdf, many_pages_pdf, text_pdf
from refwatch.config import Settings
from refwatch.errors import IngestError
from refwatch.ingest.readers import read_document
from refwatch.ingest.sandbox import ParseLimits, _decode, _result, read_isolated
from refwatch.services.ingest import ingest_paths, prepare_file
from refwatch.storage.database import Database

HTML = (
    b"<html><head><title>Fictional report</title></head><body><article><p>"
    + b"FICTIONAL. In 2031 police in Shenyang detained twelve North Koreans. " * 20
    + b"</p></article></body></html>"
)


def test_pdf_with_more_pages_than_the_limit_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "hostile.pdf"
    path.write_bytes(many_pages_pdf(20_000))
    assert len(path.read_bytes()) < 130_000

    with pytest.raises(IngestError) as caught:
        prepare_file(path, max_file_bytes=10**6, parse_limits=ParseLimits(pdf_max_pages=500))

    assert caught.value.path == str(path)
    assert "20,000 pages, over the limit of 500" in caught.value.reason
    assert "REFWATCH_PDF_MAX_PAGES" in caught.value.reason


def test_pdf_that_needs_more_cpu_than_the_limit_is_stopped(tmp_path: Path) -> None:
    path = tmp_path / "hostile.pdf"
    path.write_bytes(many_pages_pdf(20_000))  # about 10 s of CPU to read in full on a fast core
    limits = ParseLimits(cpu_seconds=1, pdf_max_pages=100_000)

    with pytest.raises(IngestError) as caught:
        prepare_file(path, max_file_bytes=10**6, parse_limits=limits)

    assert caught.value.path == str(path)
    assert "more than 1 s of CPU" in caught.value.reason
    assert "REFWATCH_PARSE_CPU_SECONDS" in caught.value.reason


def test_pdf_that_needs_more_memory_than_the_limit_is_stopped(tmp_path: Path) -> None:
    path = tmp_path / "inflating.pdf"
    path.write_bytes(inflating_pdf(60))
    assert len(path.read_bytes()) < 100_000

    with pytest.raises(IngestError) as caught:
        prepare_file(path, max_file_bytes=10**6, parse_limits=ParseLimits(memory_mb=160))

    assert caught.value.path == str(path)
    assert "more than 160 MiB of memory" in caught.value.reason


def test_ingest_reports_the_hostile_file_and_stores_the_rest(db: Database, tmp_path: Path) -> None:
    (tmp_path / "a-hostile.pdf").write_bytes(many_pages_pdf(20_000))
    (tmp_path / "b-good.pdf").write_bytes(
        text_pdf("FICTIONAL. Police in Shenyang detained 3 people in 2031.")
    )

    report = ingest_paths(db, [tmp_path], extract=False, parse_limits=ParseLimits(pdf_max_pages=100))

    assert [(Path(r.path).name, r.outcome) for r in report.results] == [
        ("a-hostile.pdf", "failed"),
        ("b-good.pdf", "stored"),
    ]
    assert "over the limit of 100" in (report.results[0].reason or "")


def test_upload_uses_the_page_limit_of_the_settings(db: Database, settings: Settings) -> None:
    import io

    from refwatch.services.ingest import ingest_uploads

    small = settings.model_copy(update={"pdf_max_pages": 100})
    report = ingest_uploads(
        db, [("many.pdf", io.BytesIO(many_pages_pdf(5_000)))], actor="test", settings=small
    )

    (result,) = report.results
    assert result.outcome == "failed" and "5,000 pages, over the limit of 100" in (result.reason or "")


@pytest.mark.parametrize(
    ("name", "data"),
    [("r.pdf", text_pdf("FICTIONAL report about Person B-002 in 2031")), ("r.html", HTML)],
)
def test_isolated_reading_gives_what_reading_in_process_gives(name: str, data: bytes) -> None:
    path = Path(name)
    assert read_isolated(path, data) == read_document(path, data)


def test_an_answer_from_the_child_is_data_never_code() -> None:
    """The child reads hostile bytes; its answer is parsed as JSON and checked, never unpickled."""
    assert _decode(b"\x80\x04\x95 not json") is None
    assert _decode(b"[1, 2]") is None
    with pytest.raises(IngestError, match="malformed answer"):
        _result(Path("x.pdf"), {"outcome": "ok", "text": 1}, 0, ParseLimits())
