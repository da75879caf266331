"""A :class:`~.compose.Letter` as Markdown (to read or paste), DOCX (to edit before sending) or PDF.

DOCX through python-docx, because letters are edited before they go out; PDF
through WeasyPrint from an HTML rendering, with a CJK font (Debian's
``fonts-noto-cjk``) named first for Korean so that Hangul is drawn, not boxes.
"""

from __future__ import annotations

import html
import io

from refwatch.report.letters.compose import Letter

#: Font families for the PDF, Korean first when the letter is in Korean.
FONTS = {
    "ko": '"Noto Sans CJK KR", "Noto Serif CJK KR", "NanumGothic", sans-serif',
    "en": '"Noto Serif", "DejaVu Serif", serif',
}


def to_markdown(letter: Letter) -> str:
    """The letter as Markdown."""
    lines = [letter.date.isoformat(), "", *[f"{line}  " for line in letter.addressee], ""]
    lines += [f"**{letter.subject}**", "", letter.salutation, ""]
    for section in letter.sections:
        lines += [f"## {section.heading}", ""]
        lines += [p + "\n" for p in section.paragraphs]
        lines += [f"{i}. {item}" for i, item in enumerate(section.items, start=1)]
        if section.items:
            lines.append("")
    lines += [letter.closing, "", letter.signature, ""]
    return "\n".join(lines)


def to_docx(letter: Letter) -> bytes:
    """The letter as a Word document (headings, numbered lists), ready to edit."""
    from docx import Document

    document = Document()
    document.core_properties.title = letter.subject
    document.core_properties.language = letter.lang
    document.add_paragraph(letter.date.isoformat())
    document.add_paragraph("\n".join(letter.addressee))
    document.add_paragraph().add_run(letter.subject).bold = True
    document.add_paragraph(letter.salutation)
    for section in letter.sections:
        document.add_heading(section.heading, level=2)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        for item in section.items:
            document.add_paragraph(item, style="List Number")
    document.add_paragraph(letter.closing)
    document.add_paragraph(letter.signature)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_html(letter: Letter) -> str:
    """The letter as a self-contained HTML page (what the PDF is printed from)."""
    e = html.escape
    parts = [
        f'<!doctype html><html lang="{e(letter.lang)}"><head><meta charset="utf-8">',
        f"<title>{e(letter.subject)}</title>",
        f"<style>body{{font-family:{FONTS[letter.lang]};font-size:11pt;line-height:1.45;margin:0}}",
        "@page{size:A4;margin:2.2cm}h2{font-size:12pt;margin:1.2em 0 .4em}.to{margin:1.5em 0}",
        "</style></head><body>",
        f"<p>{e(letter.date.isoformat())}</p>",
        '<p class="to">' + "<br>".join(e(line) for line in letter.addressee) + "</p>",
        f"<p><strong>{e(letter.subject)}</strong></p><p>{e(letter.salutation)}</p>",
    ]
    for section in letter.sections:
        parts.append(f"<h2>{e(section.heading)}</h2>")
        parts += [f"<p>{e(p)}</p>" for p in section.paragraphs]
        if section.items:
            parts.append("<ol>" + "".join(f"<li>{e(i)}</li>" for i in section.items) + "</ol>")
    parts.append(f"<p>{e(letter.closing)}</p><p>{e(letter.signature)}</p></body></html>")
    return "".join(parts)


def to_pdf(letter: Letter) -> bytes:
    """The letter as PDF (A4), fonts embedded."""
    from weasyprint import HTML

    data: bytes = HTML(string=to_html(letter)).write_pdf()
    return data
