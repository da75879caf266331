"""Korean throughout (#19): every text the pages show through gettext has a Korean translation.

Covers the literal ``_("…")`` of every template, the labels the pages pass to
them (edit fields, history actions, error pages), and every vocabulary value a
page translates (statuses, event types, precisions, qualifiers, salience, place
roles): a missing entry shows English in the middle of a Korean page.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from refwatch.domain import vocabulary
from refwatch.web import editing, labels, linkage, listing, pages
from refwatch.web.i18n import LOCALE_DIR

TEMPLATES = Path(pages.__file__).parent / "templates"


def korean() -> dict[str, str]:
    with (LOCALE_DIR / "ko" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle) if m.id}


def shown_texts() -> set[str]:
    texts: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        texts |= set(re.findall(r'_\("([^"]+)"\)', template.read_text(encoding="utf-8")))
    texts |= set(editing.FIELD_LABELS.values()) | set(editing.EDIT_LEGENDS.values())
    texts |= set(editing.ACTION_LABELS.values())
    texts |= {text for pair in pages.ERROR_TEXTS.values() for text in pair}
    texts |= set(labels.CLAIM_LABELS.values()) | set(labels.LANGUAGE_NAMES.values())
    texts |= set(listing.FILTER_LABELS.values())
    for values in (
        vocabulary.STATUSES,
        vocabulary.EVENT_TYPES,
        vocabulary.PRECISIONS,
        vocabulary.QUALIFIERS,
        vocabulary.SALIENCES,
        vocabulary.LOCATION_ROLES,
        vocabulary.REVIEW_STATES,
        vocabulary.AGENCIES,
        vocabulary.INTERVENTION_KINDS,
        vocabulary.INTERVENTION_STATUSES,
        linkage.STATUSES,
    ):
        texts |= set(values)
    return texts


def test_every_shown_text_has_a_korean_translation() -> None:
    catalogue = korean()
    missing = sorted(t for t in shown_texts() if not catalogue.get(t))
    assert missing == []


def test_translations_keep_their_placeholders() -> None:
    for source, translated in korean().items():
        if translated:
            assert sorted(re.findall(r"%\(\w+\)s", source)) == sorted(re.findall(r"%\(\w+\)s", translated)), (
                source
            )
