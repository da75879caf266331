"""Appeal letters: compose from incidents the author may see, write the file, log a draft intervention.

Generating a letter is itself a step of the advocacy record: each incident it
covers gets a ``draft`` intervention to the addressee (kind from the
addressee's channel), so the follow-up list shows that something is waiting to
be sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from refwatch.errors import InvalidInput
from refwatch.report.letters import Letter, addressees, compose_letter, to_docx, to_markdown, to_pdf
from refwatch.services import browse
from refwatch.services.interventions import add_intervention
from refwatch.services.placenames import place_name
from refwatch.storage import audit, visibility
from refwatch.storage.database import Database

LetterFormat = Literal["md", "docx", "pdf"]
FORMATS: tuple[str, ...] = ("md", "docx", "pdf")
MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def compose_appeal(
    db: Database,
    incident_ids: Sequence[int],
    *,
    to: str,
    lang: str,
    author: str,
    visible_groups: visibility.Groups,
    today: dt.date | None = None,
) -> Letter:
    """The letter about incidents the author may see, nothing recorded: the browser's preview.

    Raises:
        InvalidInput: no incident named, or an unknown addressee or language.
        NotFound: an incident the author may not see (as if it did not exist).
    """
    ids = list(dict.fromkeys(incident_ids))
    records = [browse.incident_detail(db, i, visible_groups=visible_groups) for i in ids]
    return compose_letter(records, to=to, lang=lang, author=author, place_name=place_name, today=today)


def draft_appeal(
    db: Database,
    incident_ids: Sequence[int],
    *,
    to: str,
    lang: str,
    fmt: str,
    author: str,
    actor: str,
    visible_groups: visibility.Groups,
    origin: str | None = None,
    today: dt.date | None = None,
) -> tuple[Letter, bytes]:
    """The letter and its bytes in ``fmt``; records a draft intervention on every incident it covers.

    The letter leaves the system (a file on the author's disk), so it is audited as
    ``appeal.export`` like every export: who, to whom, which format and incidents.
    """
    if fmt not in FORMATS:
        raise InvalidInput(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    letter = compose_appeal(
        db, incident_ids, to=to, lang=lang, author=author, visible_groups=visible_groups, today=today
    )
    data = render(letter, fmt)
    target = addressees()[to]
    for incident_id in letter.incidents:
        add_intervention(
            db,
            incident_id,
            kind=letter.channel,
            addressee=target["name"]["en"],
            author=author,
            status="draft",
            actor=actor,
            visible_groups=visible_groups,
            origin=origin,
        )
    with db.transaction() as session:
        audit.record(
            session,
            actor=actor,
            action="appeal.export",
            entity="incident",
            entity_id=None,
            detail={"to": to, "format": fmt, "lang": letter.lang, "incidents": list(letter.incidents)},
            origin=origin,
        )
    return letter, data


def render(letter: Letter, fmt: str) -> bytes:
    """The letter's bytes in one of :data:`FORMATS`."""
    if fmt == "md":
        return to_markdown(letter).encode("utf-8")
    return to_docx(letter) if fmt == "docx" else to_pdf(letter)
