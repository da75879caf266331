"""Person linkage: records of partner lists linked into persons, clusters exported, pairs reviewed.

``link_persons`` decrypts every record into memory, reads names as Korean names
and places through the gazetteer, trains and runs the Splink model in an
in-memory DuckDB (``link.persons``), and stores the run (Splink's model JSON,
thresholds, counts), each record's person and the uncertain pairs for clerical
review. Reviewers' decisions (``decide``) override the model in every later run.
Every run, export, read and decision is audited; audit details and logs hold ids
and counts, never a name.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from refwatch.config import Settings
from refwatch.domain.records import birth_year
from refwatch.errors import Conflict, InvalidInput, NotFound
from refwatch.storage import audit
from refwatch.storage import records as store
from refwatch.storage.database import Database
from refwatch.storage.visibility import Groups

if TYPE_CHECKING:  # the linkage model loads Splink: only when a run needs it
    from refwatch.link.persons import LinkRecord

logger = logging.getLogger(__name__)

CLUSTER_COLUMNS: Final = ("list", "record_id", "person_id", "match_probability")
Verdict = Literal["confirmed", "split"]


@dataclass(slots=True)
class LinkReport:
    """What a run did: counts and ids only."""

    run_id: int
    records: int
    pairs: int
    links: int
    within_list: int
    across_lists: int
    persons: int
    review_open: int
    trained: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "run": self.run_id,
            "records": self.records,
            "pairs_scored": self.pairs,
            "links": self.links,
            "within_list_links": self.within_list,
            "across_list_links": self.across_lists,
            "persons": self.persons,
            "review_open": self.review_open,
            "trained": self.trained,
        }


def link_persons(db: Database, settings: Settings, *, actor: str, origin: str | None) -> LinkReport:
    """Link every record into persons and store the run (see the module docstring).

    Raises:
        InvalidInput: fewer than two records, or the review threshold above the match threshold.
    """
    from refwatch.link.persons import Decision, cluster_records, feature_row, score_pairs

    match, review = settings.linkage_match_threshold, settings.linkage_review_threshold
    if review > match:
        raise InvalidInput(
            "REFWATCH_LINKAGE_REVIEW_THRESHOLD must not be above REFWATCH_LINKAGE_MATCH_THRESHOLD"
        )
    with db.session() as session:
        stored = store.load_records(session)
        decided = [
            Decision(a, b, "confirmed" if s == "confirmed" else "split")
            for a, b, s in store.decisions(session)
        ]
    if len(stored) < 2:
        raise InvalidInput(
            "linkage needs at least two records; `refwatch persons import FILE --list NAME` adds them"
        )
    # This run's gazetteer lookups, in memory only.
    places: dict[tuple[str | None, str | None], tuple[str | None, str | None]] = {}
    rows = [feature_row(_link_record(r, places)) for r in stored]
    model = score_pairs(
        rows,
        review_threshold=review,
        frequency_min_records=settings.linkage_frequency_min_records,
        backend=settings.linkage_backend,
    )
    del rows  # the derived name keys go as soon as the pairs are scored
    outcome = cluster_records(
        [r.id for r in stored], model.pairs, match_threshold=match, review_threshold=review, decisions=decided
    )
    list_of = {r.id: r.list_name for r in stored}
    within = sum(1 for p in outcome.links if list_of.get(p.left) == list_of.get(p.right))
    persons = len(set(outcome.person_of.values()))
    with db.transaction() as session:
        run = store.add_run(
            session,
            actor=actor,
            backend=settings.linkage_backend,
            match_threshold=match,
            review_threshold=review,
            records=len(stored),
            pairs=len(model.pairs),
            links=len(outcome.links),
            persons=persons,
            model=model.settings,
        )
        store.add_clusters(session, run.id, outcome.person_of, outcome.probability)
        open_reviews = store.queue_reviews(
            session, run.id, [(p.left, p.right, p.probability) for p in outcome.review]
        )
        report = LinkReport(
            run.id,
            len(stored),
            len(model.pairs),
            len(outcome.links),
            within,
            len(outcome.links) - within,
            persons,
            open_reviews,
            model.trained,
        )
        audit.record(
            session,
            actor=actor,
            action="linkage.run",
            entity="linkage_run",
            entity_id=run.id,
            detail=report.to_dict(),
            origin=origin,
        )
    logger.info("linkage run %d: %d records, %d persons", run.id, len(stored), persons)
    return report


def _link_record(
    record: store.StoredRecord, places: dict[tuple[str | None, str | None], tuple[str | None, str | None]]
) -> LinkRecord:
    from refwatch.link.persons import LinkRecord

    def cached(text: str | None, country: str | None = None) -> tuple[str | None, str | None]:
        if (text, country) not in places:
            places[(text, country)] = gazetteer_place(text, country=country)
        return places[(text, country)]

    spellings = tuple(
        s for f in ("name_hangul", "name_romanised", "name_other") for s in record.names.get(f, [])
    )
    place = record.arrest_place or record.return_place
    origin_id, origin_province = cached(record.origin, "KP")
    place_id, place_province = cached(place)
    return LinkRecord(
        id=record.id,
        list_name=record.list_name,
        spellings=spellings,
        sex=record.sex,
        birth_year=birth_year(record.birth),
        origin=record.origin,
        origin_place=origin_id,
        origin_province=origin_province,
        event_date=record.arrest_date or record.return_date,
        event_place=place,
        event_place_id=place_id,
        event_province=place_province,
    )


def province(text: str | None, *, country: str | None = None) -> str | None:
    """The first province the gazetteer finds in a place as written (any script), if any."""
    return gazetteer_place(text, country=country)[1]


def gazetteer_place(text: str | None, *, country: str | None = None) -> tuple[str | None, str | None]:
    """The gazetteer's id and province of the first place with a province found in ``text``.

    The id is the same whatever the script or spelling ("회령", "Hoeryong" and "會寧" are
    one place), so linkage compares places by it; ``(None, None)`` when nothing is found.
    """
    if not text:
        return None, None
    from refwatch.extract.gazetteer import load_gazetteer

    for found in load_gazetteer().find(text):
        entry = found.entry
        if entry.admin1 and (country is None or entry.country == country):
            return entry.id, entry.admin1
    return None, None


def export_clusters(db: Database, path: Path, *, actor: str, origin: str | None) -> int:
    """Write the latest run's ``list,record_id,person_id,match_probability`` (no names); rows written.

    Raises:
        NotFound: no linkage run yet.
    """
    body, rows = clusters_csv(db, actor=actor, origin=origin)
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(body)
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot write it ({exc.strerror})") from None
    return rows


def clusters_csv(
    db: Database, *, actor: str, origin: str | None, visible_groups: Groups = None
) -> tuple[str, int]:
    """The latest run's persons as CSV text (no names) and its rows; audited as ``linkage.export``.

    The CLI's file and the browser's download. Records tied to an incident restricted to groups
    outside ``visible_groups`` are left out, as in :func:`review_queue` (None: everything).

    Raises:
        NotFound: no linkage run yet.
    """
    with db.transaction() as session:
        run = store.latest_run(session)
        if run is None:
            raise NotFound("no linkage run yet; `refwatch persons link` makes one")
        rows = store.run_clusters(session, run.id)
        hidden = store.hidden_records(session, visible_groups, [r[2] for r in rows])
        rows = [r for r in rows if r[2] not in hidden]
        audit.record(
            session,
            actor=actor,
            action="linkage.export",
            entity="linkage_run",
            entity_id=run.id,
            detail={"rows": len(rows)},
            origin=origin,
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CLUSTER_COLUMNS)
    for list_name, record_id, _, person, probability in rows:
        writer.writerow([list_name, record_id, person, "" if probability is None else f"{probability:.4f}"])
    return buffer.getvalue(), len(rows)


def review_queue(
    db: Database, *, status: str | None = "open", visible_groups: Groups = None
) -> list[store.ReviewPair]:
    """The queued pairs (ids, lists, record ids and probabilities; no names), without those with a
    record tied to an incident restricted to groups outside ``visible_groups``."""
    if status not in (None, "open", "confirmed", "split"):
        raise InvalidInput("--status must be open, confirmed, split or all")
    with db.session() as session:
        pairs = store.review_pairs(session, status)
        hidden = store.hidden_records(session, visible_groups, [i for p in pairs for i in (p.left, p.right)])
        return [p for p in pairs if not {p.left, p.right} & hidden]


def show_pair(
    db: Database, review_id: int, *, actor: str, origin: str | None, visible_groups: Groups = None
) -> dict[str, Any]:
    """Both records of a queued pair, identifying fields included; audited as ``record.read`` first.

    Raises:
        NotFound: no such pair, or one with a record tied to an incident restricted to groups
            outside ``visible_groups`` (the same answer, so that its existence does not show).
    """
    with db.transaction() as session:
        review = store.get_review(session, review_id)
        if review is None or store.hidden_records(session, visible_groups, [review.left_id, review.right_id]):
            raise NotFound(f"no review pair {review_id}; `refwatch persons review list` shows them")
        found = store.load_records(session, [review.left_id, review.right_id])
        audit.record(
            session,
            actor=actor,
            action="record.read",
            entity="linkage_review",
            entity_id=review.id,
            detail={"records": [review.left_id, review.right_id]},
            origin=origin,
        )
        return {
            "id": review.id,
            "match_probability": review.match_probability,
            "status": review.status,
            "records": [r.public() for r in found],
        }


def decide(
    db: Database,
    review_id: int,
    verdict: Verdict,
    *,
    actor: str,
    origin: str | None,
    visible_groups: Groups = None,
) -> None:
    """Confirm (one person) or split (two) a queued pair; later runs follow the decision.

    Raises:
        NotFound: no such pair, or one the caller may not open (see :func:`show_pair`).
        Conflict: the pair was decided already (the other way, or the same).
    """
    if verdict not in ("confirmed", "split"):
        raise InvalidInput("a decision is confirmed or split")
    with db.transaction() as session:
        review = store.get_review(session, review_id)
        if review is None or store.hidden_records(session, visible_groups, [review.left_id, review.right_id]):
            raise NotFound(f"no review pair {review_id}; `refwatch persons review list` shows them")
        if review.status != "open":
            raise Conflict(f"pair {review_id} was decided already ({review.status} by {review.decided_by})")
        store.decide(review, status=verdict, actor=actor)
        audit.record(
            session,
            actor=actor,
            action=f"linkage.{'confirm' if verdict == 'confirmed' else 'split'}",
            entity="linkage_review",
            entity_id=review.id,
            detail={"records": [review.left_id, review.right_id]},
            origin=origin,
        )
