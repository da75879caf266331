"""Write the fictional sample PDF report, ``reports/fict-04-shenyang-en.pdf``.

The demo needs one PDF with a real text layer so that ``refwatch ingest`` shows
PDF reading end to end. A one-page PDF with a standard font is small enough to
write by hand, which keeps a PDF library out of the project's dependencies.
The output is byte-for-byte reproducible (no timestamps or random ids), so
running this again does not create a "new" document for the demo database.

Run from the repository root::

    python samples/make_pdf.py
"""

from __future__ import annotations

import textwrap
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "reports" / "fict-04-shenyang-en.pdf"

TITLE = "Twenty detainees moved from Shenyang to Dandong, sources say"

PARAGRAPHS = [
    "FICTIONAL SAMPLE \u2014 pseudonyms, not real people or events",
    TITLE,
    "About 20 North Koreans held at a detention centre in Shenyang were moved by bus to Dandong on "
    "Tuesday, two sources in Liaoning province told us. One of them, a man identified here as "
    "Person D-311, had been detained since August last year after Chinese police stopped him at a "
    "railway station.",
    "The sources said the group, mostly women, was expected to be handed over to North Korea's "
    "Ministry of State Security at Sinuiju within the week. A relative of Person D-312, a woman in "
    "her forties who was among those moved, said the family had paid a broker to arrange her release "
    "but heard nothing further.",
    "A second source said more than 30 other North Koreans remained in the Shenyang centre.",
]

PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US Letter, in points
MARGIN, FONT_SIZE, LEADING, WRAP = 72, 11, 15, 88


def _pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsi encoding (the standard fonts' encoding, which has the em dash)."""
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content_stream(paragraphs: list[str]) -> bytes:
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(textwrap.wrap(paragraph, WRAP))
        lines.append("")
    ops = [
        b"BT",
        f"/F1 {FONT_SIZE} Tf {LEADING} TL {MARGIN} {PAGE_HEIGHT - MARGIN} Td".encode(),
    ]
    for line in lines:
        ops.append(_pdf_string(line) + b" Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def build_pdf(paragraphs: list[str], title: str) -> bytes:
    """One page of Helvetica text; returns the complete file.

    Args:
        paragraphs: text to lay out, wrapped at a fixed width, one blank line between paragraphs.
        title: document title for the PDF Info dictionary (readers show it as metadata).
    """
    stream = _content_stream(paragraphs)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] ".encode()
        + b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream",
        b"<< /Title " + _pdf_string(title) + b" /Producer (refwatch samples/make_pdf.py) >>",
    ]
    body = bytearray(b"%PDF-1.4\n")
    offsets: list[int] = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref_at = len(body)
    body += f"xref\n0 {len(objects) + 1}\n".encode() + b"0000000000 65535 f \n"
    for offset in offsets:
        body += f"{offset:010d} 00000 n \n".encode()
    body += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
        f"startxref\n{xref_at}\n%%EOF\n"
    ).encode()
    return bytes(body)


def main() -> None:
    """Write the sample PDF next to the other sample reports."""
    OUTPUT.write_bytes(build_pdf(PARAGRAPHS, TITLE))
    print(f"wrote {OUTPUT}")  # noqa: T201 - a script run by hand


if __name__ == "__main__":
    main()
