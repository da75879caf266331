"""Bytes to text, by media type, with a clear reason when a file cannot be read.

The text returned is the *working copy* that extraction offsets point into; the
original bytes are kept separately and never altered. Plain-text files are
decoded and otherwise left exactly as they are (no stripping, no newline
rewriting), so offsets computed on a file read as UTF-8 stay valid.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from refwatch.errors import IngestError

logger = logging.getLogger(__name__)

MEDIA_TYPES: dict[str, str] = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
}


@dataclass(frozen=True, slots=True)
class ReadResult:
    """What a reader found in a file."""

    text: str
    media_type: str
    charset: str | None
    title: str | None = None


def media_type_for(path: Path) -> str:
    """The media type implied by the file name, or an :class:`IngestError`."""
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        supported = ", ".join(sorted(MEDIA_TYPES))
        raise IngestError(path, f"unsupported file type {path.suffix or '(none)'!r}; supported: {supported}")
    return media_type


def read_document(path: Path, data: bytes, *, max_pdf_pages: int | None = None) -> ReadResult:
    """Extract the working text of ``data`` (the bytes of ``path``).

    A PDF with more than ``max_pdf_pages`` pages is refused before any page is
    read. Files from outside go through :func:`refwatch.ingest.sandbox.read_isolated`,
    which calls this in a process with CPU and memory limits.
    """
    if not data:
        raise IngestError(path, "the file is empty")
    media_type = media_type_for(path)
    if media_type == "application/pdf":
        return _read_pdf(path, data, max_pages=max_pdf_pages)
    text, charset = decode_text(path, data)
    if media_type == "text/html":
        return _read_html(path, text, charset)
    if not text.strip():
        raise IngestError(path, "the file contains only white space")
    return ReadResult(text=text, media_type=media_type, charset=charset)


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """Decode bytes of unknown charset; refuse binary data rather than guess."""
    if data.startswith(b"%PDF-"):
        raise IngestError(path, "this is a PDF file with a text extension; rename it to .pdf")
    try:
        return data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError(path, "binary data, not text (NUL bytes found); is this the right file?")
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise IngestError(path, "the character encoding could not be determined; save the file as UTF-8")
    text = str(best)
    if _looks_binary(text):
        raise IngestError(path, "binary data, not text (mostly control characters); is this the right file?")
    return text, best.encoding


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    bad = sum(1 for ch in sample if unicodedata.category(ch) in {"Cc", "Co", "Cn"} and ch not in "\n\r\t\f")
    return bad / len(sample) > 0.05


def _read_html(path: Path, html: str, charset: str) -> ReadResult:
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True)
    if not text or not text.strip():
        text = trafilatura.html2txt(html)
    if not text or not text.strip():
        raise IngestError(path, "no readable text found in this HTML page")
    title = None
    meta = trafilatura.extract_metadata(html)
    if meta is not None and meta.title:
        title = str(meta.title)
    return ReadResult(text=text, media_type="text/html", charset=charset, title=title)


def _read_pdf(path: Path, data: bytes, *, max_pages: int | None) -> ReadResult:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(path, "the PDF is password-protected; remove the password and ingest it again")
        if max_pages is not None and len(reader.pages) > max_pages:
            raise IngestError(
                path,
                f"the PDF has {len(reader.pages):,} pages, over the limit of {max_pages:,}; "
                "raise REFWATCH_PDF_MAX_PAGES to ingest it",
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except (IngestError, MemoryError):
        raise  # a MemoryError is the reader's memory limit (see ingest/sandbox.py), not a broken file
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        logger.info("PDF read failure: %s", type(exc).__name__)  # not the file's name: it may name a person
        raise IngestError(path, "broken or unreadable PDF; check the file opens in a PDF viewer") from exc
    except Exception as exc:  # pypdf raises assorted errors on corrupt input
        if "password" in str(exc).lower() or "decrypt" in str(exc).lower():
            raise IngestError(
                path, "the PDF is password-protected; remove the password and ingest it again"
            ) from exc
        raise IngestError(path, "broken or unreadable PDF; check the file opens in a PDF viewer") from exc
    text = "\n\n".join(page.strip("\n") for page in pages)
    if not text.strip():
        raise IngestError(path, "the PDF has no text layer (a scan?); run OCR on it first")
    title = None
    try:
        if reader.metadata is not None and reader.metadata.title:
            title = str(reader.metadata.title)
    except Exception:  # noqa: S110 - a broken info dictionary is not worth failing the document for
        pass
    return ReadResult(text=text, media_type="application/pdf", charset=None, title=title)
