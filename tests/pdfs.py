"""Tiny PDFs made by hand for tests: one with a text layer, one without, one encrypted."""

from __future__ import annotations

import io


def text_pdf(text: str) -> bytes:
    """A one-page PDF whose text layer holds ``text`` (ASCII only, Helvetica)."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return assemble(objects)


def assemble(objects: list[bytes]) -> bytes:
    """A PDF file of ``objects`` (numbered from 1, the first being the catalog) with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def encrypted_pdf() -> bytes:
    """A PDF that needs a password to open."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(text_pdf("Fictional secret page"))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_pdf() -> bytes:
    """A PDF with a page but no text layer (as a scan would be)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def many_pages_pdf(pages: int, text: str = "Fictional page") -> bytes:
    """A small PDF whose page tree names one page ``pages`` times (about 6 bytes per page).

    The hostile file of the attack run: 20,000 references in 120 KB kept pypdf
    busy for minutes, each reference being read as a page of its own.
    """
    objects = _objects(text_pdf(text))
    kids = b" ".join([b"3 0 R"] * pages)
    objects[1] = b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(pages).encode() + b" >>"
    return assemble(objects)


def inflating_pdf(megabytes: int) -> bytes:
    """A one-page PDF of a few tens of KB whose content stream inflates to ``megabytes`` MB of blanks."""
    import zlib

    content = b"BT /F1 12 Tf 72 720 Td (Fictional) Tj ET\n" + b" " * (megabytes * 1024 * 1024)
    stream = zlib.compress(content, 9)
    objects = _objects(text_pdf("Fictional"))
    objects[3] = (
        b"<< /Length "
        + str(len(stream)).encode()
        + b" /Filter /FlateDecode >>\nstream\n"
        + stream
        + b"\nendstream"
    )
    return assemble(objects)


def _objects(pdf: bytes) -> list[bytes]:
    """The five object bodies of a :func:`text_pdf`, to build variations of it."""
    return [pdf.split(f"{n} 0 obj\n".encode(), 1)[1].split(b"\nendobj\n", 1)[0] for n in range(1, 6)]
