"""The one place that says which stored fields are sensitive.

A person's names, sex, birth year, origin, family links, contact details and free-text
notes can identify them, and through them their family in North Korea. Every
column listed here is declared on its model with
:class:`refwatch.storage.sealing.Sealed`, so it is encrypted field by field before
it reaches the database, and logging, exports and the public API can refuse
these fields by name. A test checks that this list and the models agree.
"""

from __future__ import annotations

from typing import Final

SENSITIVE_FIELDS: Final[dict[str, frozenset[str]]] = {
    "persons": frozenset(
        {"name_hangul", "name_romanised", "sex", "birth_year", "origin", "family_links", "contact", "notes"}
    ),
    # Partner list rows (``refwatch persons import --list``); names as one sealed JSON value.
    "person_records": frozenset(
        {
            "names",
            "sex",
            "birth",
            "origin",
            "arrest_date",
            "arrest_place",
            "return_date",
            "return_place",
            "notes",
        }
    ),
    # Staff text about a case (migration 0022): sealed whatever REFWATCH_SEAL_DOCUMENT_TEXT says, like notes.
    "interventions": frozenset({"notes", "sealed_answer", "sealed_outcome"}),
    "acts": frozenset({"notes"}),
    # Only when REFWATCH_SEAL_DOCUMENT_TEXT is on; otherwise the text is in the plaintext ``text`` column
    # and the reference date's evidence in ``reference_text`` (migration 0021). The quotes extracted from a
    # sealed text are sealed inside their JSON values, string by string: see ``storage.quotes``.
    # Its title, file name and URL with them (``sealed_meta``, migration 0022): a title or a file name can
    # name the person a report is about.
    "documents": frozenset({"sealed_text", "sealed_reference_text", "sealed_meta"}),
    # The pieces of a long working text (migration 0018), sealed under the same setting.
    "document_segments": frozenset({"sealed_text"}),
    # Not identifying, but a credential: sealed like the rest so a stolen database cannot mint codes.
    "users": frozenset({"totp_secret"}),
    "sessions": frozenset({"pending_totp"}),
}


def is_sensitive(table: str, column: str) -> bool:
    """True when ``table.column`` holds data that may identify a person."""
    return column in SENSITIVE_FIELDS.get(table, frozenset())
