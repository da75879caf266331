"""Interventions: what an organisation did about an incident, and what came of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class InterventionRecord:
    """One advocacy action tied to an incident (a letter, a UN communication, a protest...).

    ``notes`` are sealed at rest and shown only to editors and admins; the
    other fields say who asked whom, for what, and when to ask again.
    """

    id: int
    incident_id: int
    kind: str
    status: str
    addressee: str
    author: str | None
    channel: str | None
    reference: str | None
    sent_on: dt.date | None
    follow_up_on: dt.date | None
    response: str | None
    outcome: str | None
    created_by: str | None
    created_at: dt.datetime | None

    def overdue(self, today: dt.date) -> bool:
        """A follow-up date has passed and the matter is neither answered nor closed."""
        return (
            self.follow_up_on is not None and self.follow_up_on < today and self.status in ("draft", "sent")
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO text)."""
        return {
            "id": self.id,
            "incident_id": self.incident_id,
            "kind": self.kind,
            "status": self.status,
            "addressee": self.addressee,
            "author": self.author,
            "channel": self.channel,
            "reference": self.reference,
            "sent_on": self.sent_on.isoformat() if self.sent_on else None,
            "follow_up_on": self.follow_up_on.isoformat() if self.follow_up_on else None,
            "response": self.response,
            "outcome": self.outcome,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }
