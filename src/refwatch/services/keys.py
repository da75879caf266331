"""Key rotation and re-verification of the evidentiary copies.

:func:`rotate_data_key` makes a new data key and re-seals every sealed value
with it, in small transactions, then retires the old keys. Evidence quotes inside
JSON values (:mod:`refwatch.storage.quotes`) are re-sealed too, and those of a
sealed document still stored in plaintext (stored before quotes were sealed) are
sealed, as are the title, file name and URL of a sealed document and the answers
and outcomes of interventions stored before migration 0022: rotating once is how
an existing database seals them. An interrupted rotation loses nothing: every
value names the key that sealed it, old keys stay until no value needs them, and
running the command again resumes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from refwatch.storage import (
    audit,
    document_names,
    documents,
    interventions,
    link_reasons,
    quotes,
    resealing,
)
from refwatch.storage.database import Database, add_data_key

BATCH = 200


@dataclass(frozen=True, slots=True)
class RotationReport:
    """What a rotation did."""

    key_id: int
    resealed: int
    retired: list[int]


def count_stale(db: Database, key_id: int) -> int:
    """How many rows still hold a value sealed with an older key."""
    with db.session() as session:
        return sum(
            sum(1 for _ in resealing.stale_rows(session, m, a, key_id)) for m, a in resealing.sealed_models()
        )


def rotate_data_key(
    db: Database, *, actor: str, progress: Callable[[int, int], None] | None = None
) -> RotationReport:
    """Seal everything with a new data key (or finish an interrupted rotation)."""
    ring = db.keyring
    if ring is None:
        raise RuntimeError("database opened without a key ring")
    with db.transaction() as session:
        keys = resealing.data_keys(session)
        unfinished = len([k for k in keys if k.retired_at is None]) > 1
        if unfinished:
            new_id = max(k.id for k in keys if k.retired_at is None)
        else:
            new_id = add_data_key(session, ring).id
    ring.active_key_id = new_id
    done = 0
    while True:  # reference-date evidence of sealed documents stored in plaintext before (migration 0021)
        with db.transaction() as session:
            sealed_now = documents.seal_plain_reference_texts(session, limit=BATCH)
        done += sealed_now
        if not sealed_now:
            break
    while True:  # title, file name and URL of sealed documents stored in plaintext before (migration 0022)
        with db.transaction() as session:
            sealed_now = document_names.seal_plain_names(session, limit=BATCH)
        done += sealed_now
        if not sealed_now:
            break
    while True:  # interventions' answers and outcomes stored in plaintext before migration 0022
        with db.transaction() as session:
            sealed_now = interventions.seal_plain_texts(session, limit=BATCH)
        done += sealed_now
        if not sealed_now:
            break
    total = count_stale(db, new_id) + done
    for model, attrs in resealing.sealed_models():
        while True:
            with db.transaction() as session:
                batch = []
                for row in resealing.stale_rows(session, model, attrs, new_id):
                    batch.append(row)
                    if len(batch) >= BATCH:
                        break
                for row in batch:
                    for attr in attrs:
                        value = getattr(row, attr.name)  # opens with whichever key sealed it
                        setattr(row, attr.name, value)  # seals with the new active key
            done += len(batch)
            if progress is not None:
                progress(done, total)
            if not batch:
                break
    for target in quotes.TARGETS:  # quotes inside JSON values (storage.quotes): a page of rows at a time
        after: int | None = 0
        while after is not None:
            with db.transaction() as session:
                changed, after = quotes.reseal_page(
                    session.connection(), target, after=after, key_id=new_id, limit=BATCH
                )
            done += changed
            if progress is not None and changed:
                progress(done, max(total, done))
    after = 0
    while after is not None:  # why linking joined each report (storage.link_reasons)
        with db.transaction() as session:
            changed, after = link_reasons.reseal_page(
                session.connection(), after=after, key_id=new_id, limit=BATCH
            )
        done += changed
    with db.transaction() as session:
        retired = []
        for key in resealing.unretired_keys_except(session, new_id):
            key.retired_at = dt.datetime.now(dt.UTC)
            retired.append(key.id)
        audit.record(
            session,
            actor=actor,
            action="keys.rotate",
            entity="data_key",
            entity_id=new_id,
            detail={"resealed": done, "retired": retired},
        )
    return RotationReport(key_id=new_id, resealed=done, retired=retired)


@dataclass(frozen=True, slots=True)
class VerifyProblem:
    """A document whose stored original does not match its recorded hash."""

    key: str
    reason: str


def verify_documents(
    db: Database, *, progress: Callable[[int], None] | None = None
) -> tuple[int, list[VerifyProblem]]:
    """Decrypt every original and recompute its SHA-256; returns the count and the problems."""
    problems: list[VerifyProblem] = []
    checked = 0
    with db.session() as session:
        for key, sha256, blob in documents.originals(session):
            checked += 1
            try:
                data = blob.data
            except Exception as exc:  # a tampered ciphertext fails authentication
                problems.append(VerifyProblem(key, f"cannot decrypt the original ({type(exc).__name__})"))
            else:
                if hashlib.sha256(data).hexdigest() != sha256 or blob.sha256 != sha256:
                    problems.append(VerifyProblem(key, "SHA-256 of the stored original does not match"))
            if progress is not None:
                progress(checked)
    return checked, problems
