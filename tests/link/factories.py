"""Fictional extracted incidents for linking tests (no real events, no real people)."""

from __future__ import annotations

from collections.abc import Mapping

from refwatch.domain.incidents import DateInterval, Evidence, Incident, Location, Victims


def make(
    document: str,
    *,
    start: str | None = None,
    end: str | None = None,
    count: int | None = None,
    qualifier: str = "exact",
    count_max: int | None = None,
    place: tuple[str, str | None, str | None] | None = ("CN", None, None),
    types: tuple[str, ...] = ("arrest", "detention"),
    status: str = "at_risk",
    salience: str = "main",
) -> Incident:
    """An incident as an extractor would report it."""
    if count is None:
        victims = Victims()
    elif qualifier == "at_least":
        victims = Victims(count=count, count_min=count, count_max=None, qualifier="at_least")
    elif qualifier == "range":
        victims = Victims(count=count, count_min=count, count_max=count_max, qualifier="range")
    else:
        victims = Victims(count=count, count_min=count, count_max=count, qualifier=qualifier)  # type: ignore[arg-type]
    precision = "unknown" if start is None else ("day" if start == (end or start) else "range")
    return Incident(
        document=document,
        event_types=list(types),  # type: ignore[arg-type]
        status=status,  # type: ignore[arg-type]
        date=DateInterval(start=start, end=end or start, precision=precision),  # type: ignore[arg-type]
        victims=victims,
        locations=[] if place is None else [Location(country=place[0], admin1=place[1], place=place[2])],
        evidence=[Evidence(0, 9, "FICTIONAL")],
        salience=salience,  # type: ignore[arg-type]
    )


def use_table_extractor(monkeypatch: object, table: Mapping[str, Incident | list[Incident]]) -> None:
    """Replace the extractor by ``table``: a document keyed ``k`` (or ``k-anything``) reports ``table[k]``.

    Service tests use it so that storage, linking and review run on fixed, fictional incidents.
    """
    from refwatch.services import incidents as incidents_service

    def run(doc: object) -> tuple[str, list[Incident]]:
        key = str(getattr(doc, "key", ""))
        found = table[key] if key in table else table[key.split("-")[0]]
        items = found if isinstance(found, list) else [found]
        return "fictional", [Incident.from_dict(i.to_dict() | {"document": key}) for i in items]

    monkeypatch.setattr(incidents_service, "run_extractor", run)  # type: ignore[attr-defined]
