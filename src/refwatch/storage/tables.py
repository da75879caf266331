"""SQLAlchemy 2 table definitions for the data model in PRODUCT.md.

Rows never leave the storage layer: repositories turn them into domain objects.
Column names follow the domain vocabulary; JSON columns hold small structured
values (event-type sets, name variants, evidence spans) that are read whole.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from refwatch.storage.sealing import Sealed, new_uid

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Timestamps are stored in UTC."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations are stable across dialects."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Document(Base):
    """A source: the original bytes are in :class:`DocumentBlob`, the working text here."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True, doc="Metadata id or file stem.")
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    charset: Mapped[str | None] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(300))
    publication_date: Mapped[dt.date | None] = mapped_column(
        Date, doc="Set only when the full date is known."
    )
    publication_date_iso: Mapped[str | None] = mapped_column(
        String(40), doc="ISO 8601 with reduced precision, e.g. 2017-04 or --10-19 (no year known)."
    )
    publication_date_text: Mapped[str | None] = mapped_column(String(200), doc="As written in the metadata.")
    reference_start: Mapped[dt.date | None] = mapped_column(
        Date, doc="Reference date (domain.dates): the first day the document can have been written."
    )
    reference_end: Mapped[dt.date | None] = mapped_column(Date, doc="The last such day; None: open interval.")
    reference_precision: Mapped[str | None] = mapped_column(String(10), doc="day, month, year or interval.")
    reference_source: Mapped[str | None] = mapped_column(
        String(20), doc="metadata, url, stamp, dateline, ..."
    )
    reference_confidence: Mapped[str | None] = mapped_column(String(10), doc="high, medium or low.")
    reference_text: Mapped[str | None] = mapped_column(String(200), doc="The evidence as written.")
    _sealed_reference_text: Mapped[bytes | None] = mapped_column(
        "sealed_reference_text", LargeBinary, nullable=True
    )
    #: ``reference_text`` sealed, when the working text is (migration 0021); ``reference_text`` is then None.
    sealed_reference_text = Sealed("sealed_reference_text", uid_attr="sha256", make_uid=False)
    language: Mapped[str] = mapped_column(String(10), doc="en, ko, zh or other.")
    language_source: Mapped[str] = mapped_column(String(20), doc="metadata, option or detected.")
    reliability: Mapped[str | None] = mapped_column(String(50))
    restricted_to: Mapped[str | None] = mapped_column(
        String(200),
        doc="Group whose members alone (and admins) may see it and everything drawn from it; None: open.",
    )
    ingested_by: Mapped[str] = mapped_column(String(100))
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    _sealed_text: Mapped[bytes | None] = mapped_column("sealed_text", LargeBinary, nullable=True)
    #: The working text sealed (``REFWATCH_SEAL_DOCUMENT_TEXT``), bound to the hash; ``text`` is then "".
    sealed_text = Sealed("sealed_text", uid_attr="sha256", make_uid=False)
    _sealed_meta: Mapped[bytes | None] = mapped_column("sealed_meta", LargeBinary, nullable=True)
    #: Title, file name and URL as one sealed JSON value, when the working text is sealed (migration 0022,
    #: :mod:`refwatch.storage.document_names`); ``title`` and ``url`` are then None and ``filename`` "".
    sealed_meta = Sealed("sealed_meta", uid_attr="sha256", make_uid=False)
    text_segments: Mapped[int] = mapped_column(
        Integer,
        default=0,
        server_default="0",
        doc="How many rows of document_segments hold the working text (a long one); 0: it is in this row.",
    )

    blob: Mapped[DocumentBlob] = relationship(back_populates="document", cascade="all, delete-orphan")

    @property
    def working_text(self) -> str:
        """The text to read, extract from and show: the sealed text when there is one, else ``text``.

        A long text stored in segments (:mod:`refwatch.storage.segments`) is read back whole: for
        code that can take it piece by piece, :func:`refwatch.storage.segments.iter_text` holds one
        segment at a time.
        """
        if self.text_segments:
            from refwatch.storage.segments import read_text

            return read_text(self)
        sealed: str | None = self.sealed_text
        return self.text if sealed is None else sealed

    __table_args__ = (
        Index("ix_documents_publication_date", "publication_date"),
        Index("ix_documents_outlet", "outlet"),
    )


class DocumentBlob(Base):
    """The evidentiary copy: the original bytes, never altered, stored sealed.

    The SHA-256 of the original doubles as the row uid in the associated data, so a
    blob moved to another document fails to decrypt.
    """

    __tablename__ = "document_blobs"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    _data: Mapped[bytes] = mapped_column("data", LargeBinary)
    data = Sealed("data", binary=True, uid_attr="sha256", make_uid=False)

    document: Mapped[Document] = relationship(back_populates="blob")


class DocumentSegment(Base):
    """One piece of a long document's working text, in order (see :mod:`refwatch.storage.segments`).

    A text is held whole in one row only up to a segment's size: a 50 MB report bound as one
    value, indexed for search and sealed as one blob made several copies of itself at once.
    ``start`` is the offset of the piece's first character in the whole text, so evidence spans
    keep their offsets into the whole text. Sealed pieces are bound to the document's hash and the
    piece's number (:attr:`seal_uid`): a piece moved to another place or document fails to open.
    """

    __tablename__ = "document_segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), doc="The document's hash, bound into the sealed piece.")
    text: Mapped[str] = mapped_column(Text, doc='The piece in plaintext; "" when it is sealed.')
    _sealed_text: Mapped[bytes | None] = mapped_column("sealed_text", LargeBinary, nullable=True)
    sealed_text = Sealed("sealed_text", uid_attr="seal_uid", make_uid=False)

    @property
    def seal_uid(self) -> str:
        """What the sealed piece is bound to: the document's hash and the piece's number."""
        return f"{self.sha256}:{self.seq}"

    __table_args__ = (UniqueConstraint("document_id", "seq"),)


class Incident(Base):
    """One event happening to one group, with reconciled values over its sources."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_state: Mapped[str] = mapped_column(String(20), default="candidate")
    event_types: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="unknown")
    date_start: Mapped[dt.date | None] = mapped_column(Date)
    date_end: Mapped[dt.date | None] = mapped_column(Date)
    date_precision: Mapped[str] = mapped_column(String(10), default="unknown")
    count: Mapped[int | None] = mapped_column(Integer)
    count_min: Mapped[int | None] = mapped_column(Integer)
    count_max: Mapped[int | None] = mapped_column(Integer)
    count_qualifier: Mapped[str] = mapped_column(String(10), default="unknown")
    women: Mapped[int | None] = mapped_column(Integer)
    men: Mapped[int | None] = mapped_column(Integer)
    children: Mapped[int | None] = mapped_column(Integer)
    salience: Mapped[str] = mapped_column(String(12), default="main")
    disagreements: Mapped[list[Any]] = mapped_column(default=list, doc="Fields whose sources disagree.")
    overrides: Mapped[dict[str, Any]] = mapped_column(
        default=dict, doc="Fields set by a reviewer; they win over the values reconciled from sources."
    )
    legal_instruments: Mapped[str | None] = mapped_column(
        String(100),
        doc=(
            "Instruments with an obligation in force for the act (law.classify), as |CAT|RC1951|: set "
            "with the values, for counting; the full list with reasons is computed when read."
        ),
    )
    sources_locked: Mapped[bool] = mapped_column(
        Boolean,
        default=False,
        doc="A reviewer merged or split it: automatic linking keeps its sources together.",
    )
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    part_of_id: Mapped[int | None] = mapped_column(
        Integer,
        doc="Id of the incident this one is a part of (its people are counted there); set by every relink.",
    )
    restricted_to: Mapped[str | None] = mapped_column(
        String(200).with_variant(Text(), "postgresql"),
        doc=(
            "Groups (sorted, comma-separated) of its restricted sources; a reader must be in all of them. "
            "Derived from the sources (storage.visibility), never set by hand."
        ),
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    sources: Mapped[list[IncidentSource]] = relationship(
        back_populates="incident", cascade="all, delete-orphan"
    )
    locations: Mapped[list[IncidentLocation]] = relationship(cascade="all, delete-orphan")
    perpetrators: Mapped[list[IncidentPerpetrator]] = relationship(cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint(
            "review_state IN ('candidate', 'confirmed', 'rejected', 'merged')", name="review_state_known"
        ),
        Index("ix_incidents_dates", "date_start", "date_end"),
        # Indexes in list order, by review state too, are made by migration 0004.
    )


class IncidentSource(Base):
    """One document's report of an incident: the extracted incident as it was, and the link."""

    __tablename__ = "incident_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer, doc="Position of the incident within its document.")
    extracted: Mapped[dict[str, Any]] = mapped_column(doc="The extracted incident, schema shape.")
    extractor: Mapped[str] = mapped_column(String(50))
    link_score: Mapped[float | None] = mapped_column(Float)
    link_reason: Mapped[str | None] = mapped_column(Text, doc="Why linking joined it; None when sealed.")
    #: The reason sealed, for a report of a sealed document (migration 0022, storage.link_reasons).
    _sealed_link_reason: Mapped[bytes | None] = mapped_column(
        "sealed_link_reason", LargeBinary, nullable=True
    )

    incident: Mapped[Incident] = relationship(back_populates="sources")
    document: Mapped[Document] = relationship()
    claims: Mapped[list[Claim]] = relationship(back_populates="source", cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("document_id", "ordinal", name="document_ordinal"),)


class Tally(Base):
    """A running total, estimate or head-count one document states (never an incident).

    Its restriction is its document's: every read joins the document and applies
    :func:`refwatch.storage.visibility.tally_clause`, so restricting or opening the
    document moves the tally with it, and no copy of the restriction can go stale.
    """

    __tablename__ = "tallies"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer, doc="Position of the tally within its document.")
    kind: Mapped[str] = mapped_column(String(12), doc="returned, arrested, held, escaped or other.")
    count: Mapped[int | None] = mapped_column(Integer)
    count_min: Mapped[int | None] = mapped_column(Integer)
    count_max: Mapped[int | None] = mapped_column(Integer)
    qualifier: Mapped[str] = mapped_column(String(10), default="unknown")
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    rate: Mapped[str | None] = mapped_column(String(10), doc="per_year, or None for a total.")
    extracted: Mapped[dict[str, Any]] = mapped_column(doc="The tally as extracted, INCIDENTS.md shape.")
    extractor: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    document: Mapped[Document] = relationship()

    __table_args__ = (UniqueConstraint("document_id", "ordinal", name="tally_ordinal"),)


class Claim(Base):
    """One source's statement of one field of one incident, with its evidence spans."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("incident_sources.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    value: Mapped[dict[str, Any]] = mapped_column(doc='{"value": ...} so that null and lists fit one column.')
    evidence: Mapped[list[Any]] = mapped_column(default=list)

    source: Mapped[IncidentSource] = relationship(back_populates="claims")


class Place(Base):
    """A gazetteer entry (city, county, province, country, river, crossing)."""

    __tablename__ = "places"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    admin1: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    names: Mapped[list[Any]] = mapped_column(default=list, doc="All variants: romanisations, Hangul, Han.")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)


class Facility(Base):
    """A detention centre, holding centre, customs house or bridge."""

    __tablename__ = "facilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    country: Mapped[str | None] = mapped_column(String(2))


class Actor(Base):
    """A perpetrator agency (e.g. a Chinese public security bureau, the DPRK MSS)."""

    __tablename__ = "actors"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    state: Mapped[str | None] = mapped_column(String(2))
    agency: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))


class IncidentLocation(Base):
    """A place involved in an incident, with its role."""

    __tablename__ = "incident_locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"))
    country: Mapped[str | None] = mapped_column(String(2))
    admin1: Mapped[str | None] = mapped_column(String(100))
    place: Mapped[str | None] = mapped_column(String(200))
    facility: Mapped[str | None] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(12), default="other")


class IncidentPerpetrator(Base):
    """A perpetrator (state and agency kind) of an incident."""

    __tablename__ = "incident_perpetrators"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id"))
    state: Mapped[str | None] = mapped_column(String(2))
    agency: Mapped[str] = mapped_column(String(20), default="unknown")


class Person(Base):
    """A victim, witness or source, known by a pseudonymous id; identifying fields are sensitive."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(40), unique=True, doc='E.g. "Person A-017".')
    uid: Mapped[str] = mapped_column(
        String(32), unique=True, default=new_uid, doc="Random id bound into each ciphertext."
    )
    _name_hangul: Mapped[bytes | None] = mapped_column("name_hangul", LargeBinary)
    _name_romanised: Mapped[bytes | None] = mapped_column("name_romanised", LargeBinary)
    _sex: Mapped[bytes | None] = mapped_column("sex", LargeBinary)
    _birth_year: Mapped[bytes | None] = mapped_column("birth_year", LargeBinary)
    _origin: Mapped[bytes | None] = mapped_column("origin", LargeBinary)
    _family_links: Mapped[bytes | None] = mapped_column("family_links", LargeBinary)
    _contact: Mapped[bytes | None] = mapped_column("contact", LargeBinary)
    _notes: Mapped[bytes | None] = mapped_column("notes", LargeBinary)
    name_hangul = Sealed("name_hangul")
    name_romanised = Sealed("name_romanised")
    sex = Sealed("sex")
    birth_year = Sealed("birth_year")
    origin = Sealed("origin")
    family_links = Sealed("family_links")
    contact = Sealed("contact")
    notes = Sealed("notes")
    family_in_north_korea: Mapped[bool] = mapped_column(Boolean, default=True, doc="Assume the worst.")
    consent_to_publish: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Act(Base):
    """One violation inside an incident against a victim or the group."""

    __tablename__ = "acts"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    act_type: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id"))
    involvement: Mapped[str | None] = mapped_column(String(40))
    legal_classification: Mapped[list[Any]] = mapped_column(default=list)
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=new_uid)
    _notes: Mapped[bytes | None] = mapped_column("notes", LargeBinary)
    notes = Sealed("notes")


class Intervention(Base):
    """What was done about an incident: an appeal or letter, to whom, when, and the answer."""

    __tablename__ = "interventions"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    addressee: Mapped[str] = mapped_column(String(300))
    sent_on: Mapped[dt.date | None] = mapped_column(Date)
    _plain_answer: Mapped[str | None] = mapped_column(
        "answer", Text, doc="Before migration 0022 only: the answer in plaintext (keys rotate seals it)."
    )
    _sealed_answer: Mapped[bytes | None] = mapped_column("sealed_answer", LargeBinary, nullable=True)
    #: The response received, as summarised by staff: text about a case, sealed like ``notes``.
    sealed_answer = Sealed("sealed_answer")
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=new_uid)
    _notes: Mapped[bytes | None] = mapped_column("notes", LargeBinary)
    notes = Sealed("notes")
    status: Mapped[str] = mapped_column(String(20), default="draft", server_default="draft")
    author: Mapped[str | None] = mapped_column(String(300), doc="The organisation that acted.")
    channel: Mapped[str | None] = mapped_column(String(100), doc="E-mail, post, OHCHR portal, in person...")
    reference: Mapped[str | None] = mapped_column(String(200), doc="The addressee's or our reference number.")
    follow_up_on: Mapped[dt.date | None] = mapped_column(Date)
    _plain_outcome: Mapped[str | None] = mapped_column(
        "outcome", Text, doc="Before migration 0022 only: the outcome in plaintext (keys rotate seals it)."
    )
    _sealed_outcome: Mapped[bytes | None] = mapped_column("sealed_outcome", LargeBinary, nullable=True)
    #: What came of it, in staff's words: sealed like the answer.
    sealed_outcome = Sealed("sealed_outcome")
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_interventions_follow_up", "status", "follow_up_on"),)

    @property
    def answer(self) -> str | None:
        """The answer, opened; one stored before migration 0022 is read from its plaintext column."""
        if self._sealed_answer is None:
            return self._plain_answer
        opened: str = self.sealed_answer
        return opened

    @answer.setter
    def answer(self, value: str | None) -> None:
        self.sealed_answer = value
        self._plain_answer = None

    @property
    def outcome(self) -> str | None:
        """The outcome, opened (as :attr:`answer`)."""
        if self._sealed_outcome is None:
            return self._plain_outcome
        opened: str = self.sealed_outcome
        return opened

    @outcome.setter
    def outcome(self, value: str | None) -> None:
        self.sealed_outcome = value
        self._plain_outcome = None

    @property
    def holds_plaintext(self) -> bool:
        """Whether an answer or an outcome is still in plaintext (stored before migration 0022)."""
        return self._plain_answer is not None or self._plain_outcome is not None


class DataKey(Base):
    """A data key, wrapped by the key-encryption key (envelope encryption)."""

    __tablename__ = "data_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class SourceList(Base):
    """A list or source system for estimation (an NGO list, news, testimonies...)."""

    __tablename__ = "source_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(Text)


class SourceListMember(Base):
    """A person or incident recorded by a source list."""

    __tablename__ = "source_list_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("source_lists.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))

    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (incident_id IS NULL)", name="exactly_one_member"),
        UniqueConstraint("list_id", "person_id", "incident_id", name="member_once"),
    )


class User(Base):
    """An account; the password is kept only as an argon2 hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    groups: Mapped[list[Any]] = mapped_column(default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    uid: Mapped[str | None] = mapped_column(
        String(32), unique=True, doc="Random id bound into the sealed TOTP secret (made when first needed)."
    )
    _totp_secret: Mapped[bytes | None] = mapped_column("totp_secret", LargeBinary)
    totp_secret = Sealed("totp_secret")
    totp_last_step: Mapped[int | None] = mapped_column(
        Integer,
        doc="The newest TOTP time-step accepted: a code is good once, so a seen code cannot be replayed.",
    )

    __table_args__ = (CheckConstraint("role IN ('admin', 'editor', 'viewer')", name="role_known"),)


class BrowserSession(Base):
    """A logged-in browser: the cookie holds a random id, this row its SHA-256 and whether it still counts.

    Kept in the database (not in the cookie) so that logging out, a password
    change or an admin's revocation ends it in every server process at once.
    """

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    uid: Mapped[str | None] = mapped_column(
        String(32), unique=True, doc="Random id bound into the sealed pending TOTP secret."
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    _pending_totp: Mapped[bytes | None] = mapped_column("pending_totp", LargeBinary)
    pending_totp = Sealed("pending_totp")


class LoginFailures(Base):
    """Failed logins counted per (account name, address) and per address, for the back-off.

    The key is a SHA-256 of the pair or the address, so this table names no
    account (a typo in the username field may be a password) and no address.
    """

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """An API token, stored hashed, with a scope; revocable."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    scope: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class LinkModelRecord(Base):
    """A linking model as a relink used it, kept by its digest so that any run can be replayed.

    The relink's audit entry names the digest; the settings (Splink's JSON with m and u) and
    the companion (term frequencies, threshold) are stored once per model.
    """

    __tablename__ = "link_models"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True, doc="SHA-256 of the two files.")
    name: Mapped[str] = mapped_column(String(500), doc="Where it was read from.")
    settings: Mapped[dict[str, Any]] = mapped_column(doc="Splink's settings JSON with m and u.")
    companion: Mapped[dict[str, Any]] = mapped_column(doc="Term frequencies and threshold.")
    first_used: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEvent(Base):
    """An append-only record of a write (and later, of a read of a sensitive record)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict, doc="Before/after and context; never names.")
    origin: Mapped[str | None] = mapped_column(String(100), doc="Where from: cli, an IP address.")
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)


class PersonRecord(Base):
    """One row of a partner's list of people, as it came in: the unit person linkage links.

    A person on three lists is three records; ``refwatch persons link`` decides which
    records are one person. Every field that could identify somebody is sealed
    (``storage.sensitive``); ``names`` holds the spellings as sealed JSON
    (``{"hangul": [...], "romanised": [...], "other": [...]}``), so not even how many
    spellings a record has shows on disk.
    """

    __tablename__ = "person_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("source_lists.id", ondelete="CASCADE"), index=True)
    record_id: Mapped[str] = mapped_column(String(100), doc="The partner's own id, or one made up.")
    uid: Mapped[str] = mapped_column(
        String(32), unique=True, default=new_uid, doc="Random id bound into each ciphertext."
    )
    _names: Mapped[bytes | None] = mapped_column("names", LargeBinary)
    _sex: Mapped[bytes | None] = mapped_column("sex", LargeBinary)
    _birth: Mapped[bytes | None] = mapped_column("birth", LargeBinary)
    _origin: Mapped[bytes | None] = mapped_column("origin", LargeBinary)
    _arrest_date: Mapped[bytes | None] = mapped_column("arrest_date", LargeBinary)
    _arrest_place: Mapped[bytes | None] = mapped_column("arrest_place", LargeBinary)
    _return_date: Mapped[bytes | None] = mapped_column("return_date", LargeBinary)
    _return_place: Mapped[bytes | None] = mapped_column("return_place", LargeBinary)
    _notes: Mapped[bytes | None] = mapped_column("notes", LargeBinary)
    names = Sealed("names")
    sex = Sealed("sex")
    birth = Sealed("birth")
    origin = Sealed("origin")
    arrest_date = Sealed("arrest_date")
    arrest_place = Sealed("arrest_place")
    return_date = Sealed("return_date")
    return_place = Sealed("return_place")
    notes = Sealed("notes")
    incidents: Mapped[list[Any]] = mapped_column(JSON, default=list, doc="Incident ids the partner gave.")
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("list_id", "record_id", name="record_once"),)


class LinkageRun(Base):
    """One run of ``refwatch persons link``: its Splink model (JSON), thresholds and counts."""

    __tablename__ = "linkage_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    backend: Mapped[str] = mapped_column(String(20))
    match_threshold: Mapped[float] = mapped_column(Float)
    review_threshold: Mapped[float] = mapped_column(Float)
    records: Mapped[int] = mapped_column(Integer)
    pairs: Mapped[int] = mapped_column(Integer, doc="Pairs scored (after blocking).")
    links: Mapped[int] = mapped_column(Integer, doc="Pairs taken as one person (model and decisions).")
    persons: Mapped[int] = mapped_column(Integer, doc="Clusters, single records included.")
    model: Mapped[str] = mapped_column(Text, doc="Splink's settings with trained m/u (save_model_to_json).")


class LinkageCluster(Base):
    """Which person a record belongs to in a run; ``person_key`` is the cluster's smallest record id."""

    __tablename__ = "linkage_clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("linkage_runs.id", ondelete="CASCADE"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("person_records.id", ondelete="CASCADE"))
    person_key: Mapped[int] = mapped_column(Integer)
    match_probability: Mapped[float | None] = mapped_column(
        Float, doc="The strongest link that put the record in its cluster (None: alone)."
    )

    __table_args__ = (UniqueConstraint("run_id", "record_id", name="cluster_record_once"),)


class LinkageReview(Base):
    """A pair of records the model was unsure of, and the clerical decision on it.

    ``status`` is ``open`` until someone decides: ``confirmed`` (one person) or
    ``split`` (two); a decision overrides the model in every later run.
    """

    __tablename__ = "linkage_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    left_id: Mapped[int] = mapped_column(ForeignKey("person_records.id", ondelete="CASCADE"))
    right_id: Mapped[int] = mapped_column(ForeignKey("person_records.id", ondelete="CASCADE"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("linkage_runs.id", ondelete="SET NULL"))
    match_probability: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(10), default="open")
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("left_id", "right_id", name="review_pair_once"),
        CheckConstraint("left_id < right_id", name="review_pair_ordered"),
        CheckConstraint("status IN ('open', 'confirmed', 'split')", name="review_status_known"),
        Index("ix_linkage_reviews_status", "status"),
    )
