"""Appeal letters: compose from incidents (facts, law, asks), render as Markdown, DOCX or PDF."""

from refwatch.report.letters.compose import LANGUAGES, Letter, Section, addressees, compose_letter
from refwatch.report.letters.render import to_docx, to_html, to_markdown, to_pdf

__all__ = [
    "LANGUAGES",
    "Letter",
    "Section",
    "addressees",
    "compose_letter",
    "to_docx",
    "to_html",
    "to_markdown",
    "to_pdf",
]
