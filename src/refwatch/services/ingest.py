"""Ingesting files: read, hash, store the original and its text, extract, link.

Files are stored :data:`BATCH_FILES` at a time, each batch in one transaction
together with its incidents, their links and the audit entries: one commit
per batch, and no reader ever sees a new report's incident before linking has
put it where it belongs (a relink beside a reader used to delete incidents the
reader had just listed). When anything in a batch fails, nothing of the batch
is kept and its files are stored again one per transaction, so a bad file
fails alone and every other file is stored, as before batches. Identical
bytes already stored are reported as ``unchanged`` and not touched.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import logging
import os
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

from sqlalchemy.orm import Session

from refwatch.config import Settings
from refwatch.domain.incidents import Incident as ExtractedIncident
from refwatch.errors import IngestError, InvalidInput
from refwatch.extract.base import Extraction
from refwatch.extract.refdate import reference_date
from refwatch.ingest.discovery import expand_paths
from refwatch.ingest.language import detect_language
from refwatch.ingest.metadata import MAX_OUTLET as MAX_OUTLET  # re-exported for the upload form
from refwatch.ingest.metadata import MAX_TITLE as MAX_TITLE
from refwatch.ingest.metadata import MAX_URL as MAX_URL
from refwatch.ingest.metadata import DocumentMetadata, MetadataTable
from refwatch.ingest.metadata import upload_details as upload_details
from refwatch.ingest.readers import ReadResult, media_type_for
from refwatch.ingest.sandbox import ParseLimits, read_isolated
from refwatch.link.model import LinkModel, read_model
from refwatch.security.logs import exception_summary
from refwatch.services.link_increment import link_new
from refwatch.services.linking import LinkSummary, relink
from refwatch.storage import audit, link_models, segments
from refwatch.storage import documents as repo
from refwatch.storage.database import Database
from refwatch.storage.document_names import seal_names
from refwatch.storage.tables import Document, DocumentBlob

if TYPE_CHECKING:
    from refwatch.services.archives import KnownExtraction

logger = logging.getLogger(__name__)

Outcome = Literal["stored", "unchanged", "failed"]
LanguageChoice = Literal["auto", "en", "ko", "zh"]
MAX_NAME_BYTES = 255  # NAME_MAX of Linux and most file systems: the longest upload name kept


@dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one file."""

    path: str
    outcome: Outcome
    key: str | None = None
    document_id: int | None = None
    reason: str | None = None
    incidents: int = 0


@dataclass(slots=True)
class IngestReport:
    """The results of one ingest run, in the order the files were processed."""

    results: list[FileResult] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        """How many files ended with ``outcome``."""
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def failed(self) -> bool:
        """True when at least one file could not be ingested."""
        return self.count("failed") > 0


@dataclass(frozen=True, slots=True)
class PreparedFile:
    """A file read and checked, before anything is stored."""

    path: Path
    data: bytes
    sha256: str
    read: ReadResult


def ingest_paths(
    db: Database,
    paths: Sequence[Path],
    *,
    metadata: MetadataTable | None = None,
    language: LanguageChoice = "auto",
    actor: str = "cli",
    max_file_bytes: int = 50 * 1024 * 1024,
    extract: bool = True,
    link_threshold: float | None = None,
    link_window_days: int = 45,
    link_model: Path | None = None,
    progress: Callable[[FileResult], None] | None = None,
    restricted_to: str | None = None,
    parse_limits: ParseLimits | None = None,
    seal_text: bool = False,
    workers: int = 1,
    extracted: Mapping[str, tuple[KnownExtraction, ...]] | None = None,
) -> IngestReport:
    """Ingest files and directories (recursively); never stops at a bad file.

    Each file is read, checked and extracted first (in ``workers`` processes, outside any
    transaction), then stored with its incidents in a transaction of its own, in the order
    the files were found; the result is the same whatever ``workers`` is.

    Args:
        db: the database to write to.
        paths: files or directories.
        metadata: the ``--metadata`` table, if any.
        language: force a language, or ``auto`` to take it from metadata or detect it.
        actor: who is recorded as having ingested the documents.
        max_file_bytes: larger files are refused.
        extract: run incident extraction on each new document, then link the batch.
        link_threshold: match probability at or above which two reports become one incident
            (None: the threshold stored with the linking model).
        link_window_days: reports further apart in time are never linked.
        link_model: a folder holding a model made by ``refwatch link-train``; None: the packaged one.
        progress: called after each file with its result.
        restricted_to: a group that alone (with admins) may see the new documents and everything
            drawn from them (see ``storage.visibility``); None stores them open.
        parse_limits: CPU, memory and page limits for reading PDF and HTML files (defaults of config.py).
        seal_text: store the working text sealed, not as plaintext (``REFWATCH_SEAL_DOCUMENT_TEXT``).
        workers: processes that read and extract files side by side (``REFWATCH_INGEST_WORKERS``);
            1 does it all in this process. Small batches use fewer (see :func:`_pool_size`).
        extracted: extraction made on Spark (:func:`refwatch.services.archives.read_extracted`), by
            the SHA-256 of the file: used for a file whose bytes and key are those it was made for.

    Returns:
        One :class:`FileResult` per file found.
    """
    report = IngestReport()
    files = expand_paths(paths)
    jobs = (
        _Job(
            path=path,
            meta=metadata.for_file(path) if metadata else None,
            language=language,
            max_file_bytes=max_file_bytes,
            parse_limits=parse_limits,
            extract=extract,
            known=extracted.get(_file_sha256(path), ()) if extracted else (),
        )
        for path in files
    )
    link = _Linking(link_threshold, link_window_days, link_model) if extract else None
    batch: list[_Ready | FileResult] = []
    size = 0
    prepared = _prepared_in_order(jobs, workers=_pool_size(workers, len(files)))
    for ready in itertools.chain(prepared, [None]):
        if ready is not None:
            batch.append(ready)
            size += len(ready.prepared.data) if isinstance(ready, _Ready) else 0
        if batch and (ready is None or len(batch) >= BATCH_FILES or size >= BATCH_BYTES):
            for result in _store_batch(
                db, batch, actor=actor, restricted_to=restricted_to, seal_text=seal_text, link=link
            ):
                report.results.append(result)
                if progress is not None:
                    progress(result)
            batch, size = [], 0
    return report


#: Files per write transaction: one commit and one (incremental) link for all of them. Large
#: enough that the commit and the link's index read are shared, small enough that a failed
#: batch costs little to store again one file at a time.
BATCH_FILES = 50
#: ...or fewer when they hold this many bytes: a batch is in memory until it is stored.
BATCH_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class _Linking:
    """How an ingest links what it stores (the ``--link-*`` options)."""

    threshold: float | None
    window_days: int
    model_dir: Path | None


def _store_batch(
    db: Database,
    batch: Sequence[_Ready | FileResult],
    *,
    actor: str,
    restricted_to: str | None,
    seal_text: bool,
    link: _Linking | None,
) -> list[FileResult]:
    """Store a batch of prepared files and link them, all in one transaction; all or nothing.

    When the transaction fails, nothing of it is stored and each file is stored again in a
    transaction of its own (with its link), so the file at fault fails alone, named with its
    reason, and the others are stored.
    """
    if not any(isinstance(item, _Ready) for item in batch):
        return [item for item in batch if isinstance(item, FileResult)]
    try:
        with db.transaction() as session:
            results = _store_all(
                session, batch, actor=actor, restricted_to=restricted_to, seal_text=seal_text
            )
            if link is not None and any(r.outcome == "stored" for r in results):
                link_in(session, actor=actor, link=link)
        return results
    except Exception as exc:
        if len(batch) == 1:
            item = batch[0]
            return [item if isinstance(item, FileResult) else _failure(item.job.path, exc)]
        logger.info("a batch of %d files failed; storing them one at a time", len(batch))
        return [
            result
            for item in batch
            for result in _store_batch(
                db, [item], actor=actor, restricted_to=restricted_to, seal_text=seal_text, link=link
            )
        ]


def linking_of(settings: Settings) -> _Linking:
    """How reports stored under ``settings`` are linked: their ``link_*`` settings."""
    return _Linking(settings.link_threshold, settings.link_window_days, settings.link_model)


def link_in(session: Session, *, actor: str, link: _Linking) -> LinkSummary:
    """Link new reports in the caller's transaction: only what they reach when that is known to
    give the full relink's result (:mod:`refwatch.services.link_increment`), else everything."""
    model = read_model(link.model_dir)
    threshold = link.threshold
    if threshold is None:
        threshold = model.threshold if model.threshold is not None else 0.5
    summary = link_new(session, threshold=threshold, window_days=link.window_days, model=model)
    if summary is None:
        summary = relink(session, threshold=threshold, window_days=link.window_days, model=model)
    _record_link(session, actor=actor, model=model, summary=summary)
    return summary


def relink_all(
    db: Database, *, actor: str, threshold: float | None, window_days: int, model_dir: Path | None = None
) -> LinkSummary:
    """Link every stored report into incidents, in one transaction.

    The audit entry names the model (its folder and SHA-256) and the thresholds the run used;
    the model itself is kept once per digest (table ``link_models``).
    """
    model = read_model(model_dir)
    with db.transaction() as session:
        summary = relink(session, threshold=threshold, window_days=window_days, model=model)
        _record_link(session, actor=actor, model=model, summary=summary)
    return summary


def _record_link(session: Session, *, actor: str, model: LinkModel, summary: LinkSummary) -> None:
    """Keep the model once per digest and append the run's audit entry (it names model and
    thresholds: :mod:`refwatch.services.link_increment` reads them back)."""
    link_models.remember_model(
        session,
        digest=model.digest,
        name=model.name,
        settings=model.settings,
        companion=model.companion,
    )
    audit.record(
        session,
        actor=actor,
        action="incidents.relink",
        entity="incident",
        entity_id=None,
        detail=summary.audit_detail(),
    )


def _file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks; "" when it cannot be read (ingest says why)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


def count_files(paths: Sequence[Path]) -> int:
    """How many files :func:`ingest_paths` will look at (for progress bars)."""
    return len(expand_paths(paths))


@dataclass(frozen=True, slots=True)
class _Job:
    """One file to read and extract: what a worker process needs, all of it picklable."""

    path: Path
    meta: DocumentMetadata | None
    language: LanguageChoice
    max_file_bytes: int
    parse_limits: ParseLimits | None
    extract: bool
    data: bytes | None = None
    #: Extraction already made elsewhere for files with these bytes (``--extracted``), by key.
    known: tuple[KnownExtraction, ...] = ()


@dataclass(frozen=True, slots=True)
class _Ready:
    """A file read, with its document's derived columns and (when asked) what extraction found.

    ``extraction`` was made for a document keyed ``wanted``: the key it gets when no stored
    document holds that key already; otherwise extraction runs again under the key chosen.
    """

    job: _Job
    prepared: PreparedFile
    columns: dict[str, Any]
    wanted: str
    extraction: tuple[str, Extraction | list[ExtractedIncident]] | None


def _failure(path: Path, exc: Exception) -> FileResult:
    if isinstance(exc, IngestError | InvalidInput):
        reason = exc.reason if isinstance(exc, IngestError) else str(exc)
        logger.info("ingest of a file failed: %s", type(exc).__name__)  # not its name: it may name a person
        return FileResult(path=str(path), outcome="failed", reason=reason)
    logger.error("internal error while ingesting a file: %s", exception_summary(exc))
    return FileResult(path=str(path), outcome="failed", reason=f"internal error ({type(exc).__name__})")


def _read_and_extract(job: _Job) -> _Ready | FileResult:
    """Everything about one file that needs no database: run in a worker process or in this one.

    Any error becomes a failed result, so a bad file never stops the batch.
    """
    try:
        prepared = prepare_file(
            job.path, max_file_bytes=job.max_file_bytes, data=job.data, parse_limits=job.parse_limits
        )
        columns = _derived_columns(prepared, job.meta, job.language)
        wanted = job.meta.id if job.meta and job.meta.id else job.path.stem
        extraction: tuple[str, Extraction | list[ExtractedIncident]] | None = None
        if job.extract:
            known = next(
                (
                    k
                    for k in job.known
                    if k.sha256 == prepared.sha256
                    and k.document == wanted
                    and _spans_hold(k, prepared.read.text)
                ),
                None,
            )
            if known:  # made elsewhere by the same rules from the same bytes
                extraction = (known.extractor, known.result)
            else:
                from refwatch.services import incidents

                extraction = incidents.run_extractor(_document(prepared, columns, key=wanted, whole=True))
        return _Ready(job=job, prepared=prepared, columns=columns, wanted=wanted, extraction=extraction)
    except Exception as exc:
        return _failure(job.path, exc)


def _spans_hold(known: KnownExtraction, text: str) -> bool:
    """Every evidence quote of extraction made elsewhere is the text at its offsets here."""
    evidence = [e for i in known.result.incidents for e in i.evidence]
    evidence += [e for t in known.result.tallies for e in t.evidence]
    return all(text[e.start : e.end] == e.quote for e in evidence)


def extract_for_ingest(
    path: Path,
    data: bytes,
    *,
    meta: DocumentMetadata | None,
    max_file_bytes: int,
    parse_limits: ParseLimits | None,
) -> str | tuple[str, str, str, tuple[str, Extraction]]:
    """What ingest reads and extracts from one file's bytes, for extraction elsewhere (Spark).

    Returns the reason the file failed, or its SHA-256, key, language and extraction.
    """
    ready = _read_and_extract(
        _Job(
            path=path,
            meta=meta,
            language="auto",
            max_file_bytes=max_file_bytes,
            parse_limits=parse_limits,
            extract=True,
            data=data,
        )
    )
    if isinstance(ready, FileResult):
        return ready.reason or "failed"
    if ready.extraction is None:  # extraction was asked for: never None here
        return "not extracted"
    extractor, found = ready.extraction
    result = Extraction(incidents=found) if isinstance(found, list) else found
    return ready.prepared.sha256, ready.wanted, str(ready.columns["language"]), (extractor, result)


#: A worker process costs its start-up (the forkserver, imports, the gazetteer: 3-6 s measured on the
#: shared 2-core machine) while a short report takes about 20 ms to read and extract, so a worker
#: pays for itself only over many files: below this many files each, fewer workers.
FILES_PER_WORKER = 50


def _pool_size(workers: int, files: int) -> int:
    """How many worker processes a batch of ``files`` is worth (1: none, all in this process)."""
    return max(1, min(workers, files // FILES_PER_WORKER))


#: Files read ahead of the writes per worker: enough to keep every worker busy, no more in memory.
AHEAD_PER_WORKER = 4


def _prepared_in_order(jobs: Iterable[_Job], *, workers: int) -> Iterator[_Ready | FileResult]:
    """Each job read and extracted, in the jobs' order; by ``workers`` processes when over 1.

    The workers run ahead of the caller, which stores each result as it comes, so reading
    and extraction overlap the writes; at most :data:`AHEAD_PER_WORKER` files per worker
    wait, so memory stays bounded however many files there are. Workers come from the
    sandbox's forkserver (a clean process, not a fork of this one with its open database
    connections). A worker that dies (killed for memory, say) costs no file: its job, and
    every later one once the pool is broken, is done in this process, as without workers.
    """
    if workers <= 1:
        yield from map(_read_and_extract, jobs)
        return
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from refwatch.ingest.sandbox import worker_context

    pending: deque[tuple[_Job, Future[_Ready | FileResult] | None]] = deque()
    broken = False
    with ProcessPoolExecutor(max_workers=workers, mp_context=worker_context()) as pool:

        def submit(job: _Job) -> None:
            nonlocal broken
            future = None
            if not broken:
                try:
                    future = pool.submit(_read_and_extract, job)
                except BrokenProcessPool:
                    broken = True
            pending.append((job, future))

        def take() -> _Ready | FileResult:
            nonlocal broken
            job, future = pending.popleft()
            if future is not None:
                try:
                    return future.result()
                except BrokenProcessPool:
                    broken = True
                    logger.error("an ingest worker process died; reading the rest in this process")
                except Exception as exc:  # the result could not be sent back
                    logger.error("an ingest worker failed: %s", exception_summary(exc))
            return _read_and_extract(job)

        for job in jobs:
            submit(job)
            if len(pending) >= workers * AHEAD_PER_WORKER:
                yield take()
        while pending:
            yield take()


def _ingest_one(
    db: Database,
    path: Path,
    *,
    metadata: MetadataTable | None,
    language: LanguageChoice,
    actor: str,
    max_file_bytes: int,
    extract: bool,
    restricted_to: str | None = None,
    parse_limits: ParseLimits | None,
    data: bytes | None = None,
    seal_text: bool = False,
    details: DocumentMetadata | None = None,
    link: _Linking | None = None,
) -> FileResult:
    job = _Job(
        path=path,
        meta=details if details is not None else (metadata.for_file(path) if metadata else None),
        language=language,
        max_file_bytes=max_file_bytes,
        parse_limits=parse_limits,
        extract=extract,
        data=data,
    )
    (result,) = _store_batch(
        db, [_read_and_extract(job)], actor=actor, restricted_to=restricted_to, seal_text=seal_text, link=link
    )
    return result


def prepare_file(
    path: Path, *, max_file_bytes: int, data: bytes | None = None, parse_limits: ParseLimits | None = None
) -> PreparedFile:
    """Read and check one file (type, size, permissions, text); ingest and ``extract`` share it.

    ``data``, when given, is the file's content already in memory (an upload):
    ``path`` then only names it and nothing is read from disk. PDF and HTML
    files are read in a worker process under ``parse_limits`` (see
    :mod:`refwatch.ingest.sandbox`).
    """
    if data is None and not path.exists():
        # Before the type check: a mistyped path is "not found", not "unsupported file type".
        raise IngestError(path, "no such file or folder; check the path")
    media_type_for(path)  # refuse unsupported types before reading anything
    if data is not None:
        _check_size(path, len(data), max_file_bytes)
        return _prepared(path, data, parse_limits)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise IngestError(path, "no such file") from None
    except OSError as exc:
        raise IngestError(path, f"cannot read the file ({exc.strerror})") from None
    _check_size(path, size, max_file_bytes)
    if not os.access(path, os.R_OK):
        raise IngestError(path, "permission denied: the file is not readable")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot read the file ({exc.strerror})") from None
    return _prepared(path, data, parse_limits)


def _check_size(path: Path, size: int, max_file_bytes: int) -> None:
    if size > max_file_bytes:
        raise IngestError(
            path,
            f"the file is {size:,} bytes, over the limit of {max_file_bytes:,}; "
            "raise REFWATCH_MAX_FILE_BYTES to ingest it",
        )


def _prepared(path: Path, data: bytes, parse_limits: ParseLimits | None) -> PreparedFile:
    read = read_isolated(path, data, parse_limits)
    return PreparedFile(path=path, data=data, sha256=hashlib.sha256(data).hexdigest(), read=read)


def _derived_columns(
    prepared: PreparedFile, meta: DocumentMetadata | None, language: LanguageChoice
) -> dict[str, Any]:
    """A new document's columns that follow from its file and metadata alone (no database)."""
    lang, lang_source = _language(prepared.read.text, meta, language)
    date = meta.publication_date if meta else None
    url = meta.url if meta else None
    columns: dict[str, Any] = {
        "sha256": prepared.sha256,
        "filename": prepared.path.name,
        "media_type": prepared.read.media_type,
        "size_bytes": len(prepared.data),
        "charset": prepared.read.charset,
        "url": url,
        "title": (meta.title if meta and meta.title else prepared.read.title),
        "outlet": meta.outlet if meta else None,
        "publication_date": date.to_date() if date else None,
        "publication_date_iso": date.iso() if date else None,
        "publication_date_text": meta.publication_date_text if meta else None,
        "language": lang,
        "language_source": lang_source,
        "reliability": meta.reliability if meta else None,
    }
    # When it was written: the anchor of its relative dates (extract.refdate), stored and shown.
    reference = reference_date(prepared.read.text, metadata=date, url=url)
    columns.update(repo.reference_columns(reference))
    return columns


def _document(
    prepared: PreparedFile, columns: dict[str, Any], *, key: str, seal_text: bool = False, whole: bool = False
) -> Document:
    """The document row for a prepared file (not added to any session).

    A text longer than one segment is not put in the row: :func:`_store_all` writes it to
    ``document_segments`` after the row, a piece at a time (:mod:`refwatch.storage.segments`).
    ``whole``: a row never stored, that extraction reads the whole text from (it shares the
    prepared text: no copy).
    """
    text = prepared.read.text
    n = 0 if whole else segments.count(text)
    doc = Document(key=key, text="" if seal_text or n else text, text_segments=n, **columns)
    if seal_text and not n:  # bound to the hash like the original
        doc.sealed_text = text
    if seal_text:  # the words the reference date was read from are a span of the text
        repo.seal_reference_text(doc)
        seal_names(doc)  # a title, a file name or a URL can name the person too
    return doc


@dataclass(slots=True)
class _Added:
    """A file's document added to the session, not yet flushed: its audit entry and result follow."""

    path: Path
    doc: Document
    incidents: int
    same_as: Document | None = None  # identical bytes earlier in the same batch: reported unchanged
    long_text: str | None = None  # a text written to segments once the row has its id


def _store_all(
    session: Session,
    batch: Sequence[_Ready | FileResult],
    *,
    actor: str,
    restricted_to: str | None,
    seal_text: bool,
) -> list[FileResult]:
    """Store a batch's files with their incidents and audit entries in the caller's transaction.

    Every row of the batch is added first and written in one flush (a few multi-row inserts
    per table, not a flush per file), then each stored file gets its audit entry, in the
    files' order. Duplicates and key clashes within the batch are seen as across batches.
    """
    ready = [item for item in batch if isinstance(item, _Ready)]
    known = repo.find_by_sha256s(session, sorted({r.prepared.sha256 for r in ready}))
    keys = repo.keys_taken(session, sorted({r.wanted for r in ready}))
    by_sha: dict[str, Document] = {}
    added: list[_Added | FileResult] = []
    with session.no_autoflush:
        for item in batch:
            if isinstance(item, FileResult):
                added.append(item)
            else:
                added.append(
                    _add(
                        session,
                        item,
                        known=known,
                        by_sha=by_sha,
                        keys=keys,
                        actor=actor,
                        restricted_to=restricted_to,
                        seal_text=seal_text,
                    )
                )
    session.flush()
    stored = [e for e in added if isinstance(e, _Added) and e.same_as is None]
    for e in stored:  # written: the session need not hold a second copy of each text and original
        session.expire(e.doc, ["text", "_sealed_text"])
        if e.doc.blob is not None:
            session.expire(e.doc.blob, ["_data"])
        if e.long_text is not None:
            segments.write(
                session, document_id=e.doc.id, sha256=e.doc.sha256, text=e.long_text, seal=seal_text
            )
            e.long_text = None
    audit.record_many(
        session,
        [
            audit.Entry(
                actor=actor,
                action="document.ingest",
                entity="document",
                entity_id=e.doc.id,
                detail={
                    "sha256": e.doc.sha256,
                    "key": e.doc.key,
                    "incidents": e.incidents,
                    "restricted_to": restricted_to,
                },
            )
            for e in stored
        ],
    )
    results = []
    for entry in added:
        if isinstance(entry, FileResult):
            results.append(entry)
        elif entry.same_as is not None:
            results.append(_unchanged(entry.path, entry.same_as, restricted_to))
        else:
            doc = entry.doc
            logger.info("document %s stored with %d incidents", doc.id, entry.incidents)
            results.append(
                FileResult(
                    path=str(entry.path),
                    outcome="stored",
                    key=doc.key,
                    document_id=doc.id,
                    incidents=entry.incidents,
                )
            )
    return results


def _unchanged(path: Path, existing: Document, restricted_to: str | None) -> FileResult:
    return FileResult(
        path=str(path),
        outcome="unchanged",
        key=existing.key,
        document_id=existing.id,
        reason=f"identical bytes already stored as {existing.key}"
        + (
            " (its restriction is unchanged: `refwatch documents restrict` changes it)"
            if restricted_to != existing.restricted_to
            else ""
        ),
    )


def _add(
    session: Session,
    ready: _Ready,
    *,
    known: dict[str, Document],
    by_sha: dict[str, Document],
    keys: set[str],
    actor: str,
    restricted_to: str | None,
    seal_text: bool,
) -> _Added | FileResult:
    """Add one prepared file's document, original and incidents to the session (no flush).

    ``known``: documents already stored, by hash; ``by_sha``: those added earlier in the batch;
    ``keys``: the keys taken (stored or earlier in the batch). A taken key gets the hash's start.
    """
    prepared = ready.prepared
    path = prepared.path
    if prepared.sha256 in by_sha:
        return _Added(path=path, doc=by_sha[prepared.sha256], incidents=0, same_as=by_sha[prepared.sha256])
    existing = known.get(prepared.sha256)
    if existing is not None:
        return _unchanged(path, existing, restricted_to)
    key = ready.wanted if ready.wanted not in keys else f"{ready.wanted}-{prepared.sha256[:8]}"
    keys.add(key)
    doc = _document(prepared, ready.columns, key=key, seal_text=seal_text)
    doc.restricted_to = restricted_to
    doc.ingested_by = actor
    blob = DocumentBlob(sha256=prepared.sha256)
    blob.data = prepared.data  # sealed: the hash is bound into the ciphertext
    doc.blob = blob
    session.add(doc)
    by_sha[prepared.sha256] = doc
    n_incidents = 0
    if ready.extraction is not None:
        from refwatch.services import incidents

        # Made for the key wanted; under another key, extraction runs again as it always did.
        extractor, found = (
            ready.extraction
            if key == ready.wanted
            else incidents.run_extractor(_document(prepared, ready.columns, key=key, whole=True))
        )
        n_incidents = incidents.store_extraction(session, doc, extractor, found, seal=seal_text)
    long_text = prepared.read.text if doc.text_segments else None
    return _Added(path=path, doc=doc, incidents=n_incidents, long_text=long_text)


def _language(text: str, meta: DocumentMetadata | None, choice: LanguageChoice) -> tuple[str, str]:
    if choice != "auto":
        return choice, "option"
    if meta and meta.language:
        return meta.language, "metadata"
    return detect_language(text), "detected"


def ingest_uploads(
    db: Database,
    uploads: Sequence[tuple[str, BinaryIO]],
    *,
    actor: str,
    settings: Settings,
    details: DocumentMetadata | None = None,
) -> IngestReport:
    """Ingest files received over the web exactly as files on disk (same checks, one transaction each).

    The name the browser sent must be a plain file name (see :func:`_name_problem`).
    One that is not (a folder path such as ``../../x.txt``, ``.`` or ``..``, a
    control character, over 255 bytes) is refused for that file alone and
    reported as failed, with the name as sent: quietly keeping its last part
    would store the file under a name the uploader never chose and hide a
    broken or hostile client. A refused file is not read, so nothing of it
    reaches the disk. An upload with no name at all (some clients send none)
    is called ``upload-<n>``, which the type check then refuses as before.

    Each accepted upload is read into memory (at most ``settings.max_file_bytes + 1``
    bytes, so an oversized file is refused by the size check) and ingested from
    there, one file at a time: no copy of it is written to disk. (The web layer
    spools the request itself sealed: see :mod:`refwatch.web.uploads`.)
    Results keep the order of ``uploads`` and carry the names as sent. ``details`` (title,
    outlet, address, publication date, language typed in the upload form; see
    :func:`refwatch.ingest.metadata.upload_details`) apply to every file of the upload, as a
    row of a ``--metadata`` table applies to its file.
    """
    report = IngestReport()
    link = linking_of(settings)
    for i, (filename, stream) in enumerate(uploads):
        name = filename or f"upload-{i}"
        if problem := _name_problem(name):
            report.results.append(_refusal(name, problem))
            continue
        result = _ingest_one(
            db,
            Path(name),
            metadata=None,
            language="auto",
            actor=actor,
            max_file_bytes=settings.max_file_bytes,
            extract=True,
            parse_limits=ParseLimits.from_settings(settings),
            data=stream.read(settings.max_file_bytes + 1),
            seal_text=settings.seal_document_text,
            details=details,
            link=link,
        )
        report.results.append(dataclasses.replace(result, path=name))  # the name exactly as sent
    return report


def _name_problem(name: str) -> str | None:
    """Why ``name`` is not a plain file name that can be written as it is, or None when it is one."""
    if not name.strip():
        return "it is blank"
    if "/" in name or "\\" in name:
        return "it contains a folder path (/ or \\)"
    if name in (".", ".."):
        return "it names a folder, not a file"
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in name):  # Cs: cannot be encoded
        return "it contains control characters or invalid Unicode"
    if len(name.encode()) > MAX_NAME_BYTES:
        return f"it is longer than {MAX_NAME_BYTES} bytes"
    return None


def _refusal(name: str, problem: str) -> FileResult:
    """A failed result for a refused name, which it shows escaped (``repr``) so no control character leaks."""
    logger.info("upload refused: %s", problem)  # not the name: it may name a person
    return FileResult(
        path=name,
        outcome="failed",
        reason=f"the file name {name!r} is not a plain file name: {problem}; "
        "rename the file (for example report.html) and upload it again",
    )
