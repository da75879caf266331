"""The API's answers as typed models: what the OpenAPI document promises other programs.

Separate from the input models (``ReasonIn``, ``EditIn``...) and from storage's
rows, which never leave through the API. The read routes that carry the load
answer with JSON they write themselves (see ``api.json_response``): these
models are then declared for the document only, and
``tests/web/test_api_models.py`` checks that real answers match them field for
field, so a client generated from the document (``openapi-python-client``)
reads every answer into typed objects instead of bags of ``additional_properties``.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Out(BaseModel):
    """An answer's part: exactly these fields (the test of real answers refuses any other)."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(Out):
    """What went wrong, safe to show (never victim data)."""

    code: str = Field(description="Machine-readable: not_found, permission_denied, invalid_input...")
    message: str


class ErrorOut(Out):
    """The envelope of every API failure."""

    error: ErrorDetail


class Page(Out, Generic[T]):
    """One page of a list; ``total_exact`` is false when a search found more than ``total`` (its cap)."""

    items: list[T]
    total: int
    limit: int
    offset: int
    total_exact: bool = True


class DateOut(Out):
    """Earliest and latest ISO day the incident may have happened."""

    start: str | None
    end: str | None
    precision: str


class DateDetailOut(DateOut):
    """The dates of one incident in full (``text``, the extraction schema's, is null in stored records)."""

    text: str | None


class VictimsOut(Out):
    """How many people, with the qualifier the sources used, and any demographics."""

    count: int | None
    count_min: int | None
    count_max: int | None
    qualifier: str
    women: int | None
    men: int | None
    children: int | None


class VictimsDetailOut(VictimsOut):
    """The count of one incident in full (``text``, the extraction schema's, is null in stored records)."""

    text: str | None


class LocationOut(Out):
    """A place the incident happened, and its role (arrest, detention, crossing, handover...)."""

    country: str | None
    admin1: str | None
    place: str | None
    facility: str | None
    role: str | None


class PerpetratorOut(Out):
    """Who acted: a state and its agency."""

    state: str | None
    agency: str | None


class ObligationOut(Out):
    """An obligation the incident engages under an instrument in force for the state."""

    instrument: str
    article: str
    state: str
    in_force: bool | None
    reason: str


class SourceOut(Out):
    """A document an incident was found in, as lists show it."""

    document: str = Field(description="The document's key.")
    source_id: int
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None


class EvidenceOut(BaseModel):
    """An exact span of the document's text: ``text[start:end] == quote`` (extractors may add fields)."""

    model_config = ConfigDict(extra="allow")

    start: int
    end: int
    quote: str


class SourceDetailOut(SourceOut):
    """A source with its evidence and how it was linked to the incident."""

    evidence: list[EvidenceOut]
    link_score: float | None
    link_reason: str | None
    extractor: str


class ClaimOut(Out):
    """What one document said about one field (shown side by side with the others)."""

    document: str
    #: The source (one document's account of this incident): two sources may share a document.
    source_id: int
    field: str
    value: Any


class IncidentFields(Out):
    """The reconciled fields every form of an incident shows."""

    id: int
    review_state: str
    restricted_to: str | None
    event_types: list[str]
    status: str
    date: DateOut
    victims: VictimsOut
    locations: list[LocationOut]
    perpetrators: list[PerpetratorOut]
    salience: str
    disagreements: list[str]
    legal: list[ObligationOut]


class IncidentSummary(IncidentFields):
    """An incident in lists: its fields and its sources' headers (no quotes, no claims)."""

    sources: list[SourceOut]


class IncidentOut(IncidentFields):
    """One incident in full: fields, sources with evidence, each source's claims, hand-set values."""

    date: DateDetailOut
    victims: VictimsDetailOut
    evidence: list[EvidenceOut]
    overrides: dict[str, Any]
    merged_into: int | None
    part_of: int | None
    sources: list[SourceDetailOut]
    claims: list[ClaimOut]


class UndoOut(Out):
    """What was reversed, and the incident afterwards."""

    undone: str
    incident: IncidentOut


class HistoryEntryOut(BaseModel):
    """One recorded change: who, when, what; the action's own details (before, after, reason...) follow."""

    model_config = ConfigDict(extra="allow")

    id: int
    at: str
    actor: str
    action: str


class ReferenceDateOut(Out):
    """When a document was written, and where that came from."""

    start: str
    end: str | None
    precision: str
    source: str
    confidence: str
    text: str | None
    label: str


class DocumentSummaryOut(Out):
    """A document in lists: everything but its text and bytes."""

    id: int
    key: str
    sha256: str
    filename: str
    media_type: str
    size_bytes: int
    title: str | None
    outlet: str | None
    url: str | None
    publication_date: str | None
    language: str
    ingested_by: str
    ingested_at: str
    reference_date: ReferenceDateOut | None


class DocumentOut(DocumentSummaryOut):
    """One document with its working text, provenance and the incidents the caller may see."""

    text: str
    charset: str | None
    language_source: str
    publication_date_text: str | None
    incident_ids: list[int]


class FailedUploadOut(Out):
    """A file that was not stored, and why."""

    file: str
    reason: str


class UploadOut(Out):
    """What an upload did, file by file (by document key)."""

    stored: list[str]
    unchanged: list[str]
    failed: list[FailedUploadOut]


class PublicCountOut(Out):
    """A published count: small numbers as words ("fewer than 5")."""

    count: int | None
    text: str


class PublicDateOut(Out):
    """A published date, coarsened (to the month by default)."""

    start: str | None
    end: str | None


class PublicIncident(Out):
    """A confirmed incident in its redacted public form: no quotes, no names, no restricted records."""

    id: int
    event_types: list[str]
    status: str
    date: PublicDateOut
    victims: PublicCountOut
    places: list[str]
    perpetrators: list[PerpetratorOut]
    sources: int = Field(description="How many documents report it.")


class TalliesOut(Out):
    """A page of tallies (running totals, estimates and head-counts that reports state)."""

    items: list[dict[str, Any]]
    limit: int
    offset: int


class MonthOut(Out):
    """Incidents and people in one month (``unknown``: no date)."""

    month: str
    incidents: int
    people: int


class FiguresOut(Out):
    """Incidents and people in one review state, and people by status."""

    incidents: int
    people: int
    people_by_status: dict[str, int]


class StatsOut(Out):
    """Dashboard figures over the incidents the caller may see.

    ``incidents`` and ``people`` add confirmed incidents and unreviewed
    candidates (kept for older clients): quote ``confirmed`` instead.
    """

    review_states: dict[str, int]
    review_queue: int
    incidents: int
    people: int
    per_month: list[MonthOut]
    per_instrument: dict[str, int]
    confirmed: FiguresOut
    candidates: FiguresOut


class InterventionOut(Out):
    """One advocacy action on an incident: who asked whom, for what, and when to ask again."""

    id: int
    incident_id: int
    kind: str
    status: str
    addressee: str
    author: str | None
    channel: str | None
    reference: str | None
    sent_on: str | None
    follow_up_on: str | None
    response: str | None
    outcome: str | None
    created_by: str | None
    created_at: str | None


#: The failures every API route may answer, in the error envelope (for ``responses=``).
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid API token."},
    403: {"model": ErrorOut, "description": "The token or account may not do this."},
    404: {"model": ErrorOut, "description": "Nothing here, or nothing the caller may see."},
    422: {"model": ErrorOut, "description": "The request could not be used; nothing was changed."},
}
#: A write may also meet a record that changed meanwhile.
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"model": ErrorOut, "description": "The record changed, or its state does not allow this."},
}
