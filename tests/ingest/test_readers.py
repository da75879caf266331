"""Reading files into text, and refusing bad ones with a reason (fictional content only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdfs import blank_pdf, encrypted_pdf, text_pdf
from refwatch.errors import IngestError
from refwatch.ingest.readers import decode_text, read_document


def test_plain_text_is_kept_exactly(tmp_path: Path) -> None:
    text = "  Fictional report.\r\nLine two with trailing space \n\n"
    result = read_document(tmp_path / "a.txt", text.encode("utf-8"))
    assert result.text == text
    assert result.media_type == "text/plain"


def test_korean_in_euc_kr_is_detected() -> None:
    text = "가상의 예시 보고서: 탈북민 일행이 국경 근처에서 체포되었다고 전해졌다. " * 5
    decoded, charset = decode_text(Path("k.txt"), text.encode("euc-kr"))
    assert decoded == text
    assert charset.replace("-", "_").lower() in {"euc_kr", "cp949"}


def test_html_main_text_is_extracted(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Fictional title</title></head><body><nav>Home | About | Share</nav>"
        "<article><h1>Fictional title</h1><p>Person A-017 and four others were stopped at a checkpoint "
        "according to a fictional sample report written for tests.</p><p>They were held for two weeks "
        "before being released, the fictional source said.</p></article>"
        "<footer>Copyright</footer></body></html>"
    )
    result = read_document(tmp_path / "a.html", html.encode())
    assert "Person A-017" in result.text
    assert "Home | About" not in result.text
    assert result.title == "Fictional title"


def test_pdf_text_layer(tmp_path: Path) -> None:
    result = read_document(tmp_path / "a.pdf", text_pdf("Fictional PDF about Person B-002"))
    assert "Person B-002" in result.text
    assert result.media_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"   \n\t\n", "white space"),
        ("junk.txt", bytes(range(256)) * 8, "binary"),
        ("locked.pdf", None, "password"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage", "broken"),
        ("scan.pdf", None, "no text layer"),
        ("pdf-renamed.txt", b"%PDF-1.4 whatever", "rename"),
        ("image.png", b"\x89PNG\r\n", "unsupported file type"),
    ],
)
def test_bad_files_are_refused_with_reason(
    tmp_path: Path, name: str, data: bytes | None, reason: str
) -> None:
    if name == "locked.pdf":
        data = encrypted_pdf()
    elif name == "scan.pdf":
        data = blank_pdf()
    assert data is not None
    with pytest.raises(IngestError) as info:
        read_document(tmp_path / name, data)
    assert reason in info.value.reason
    assert name in str(info.value)
