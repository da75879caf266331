"""A document's reference date: when it was written, as precisely as the evidence allows.

Relative and yearless dates in a report ("last month", "on July 14", "21일") mean
something only against the day the report was written. Half the reports that
arrive have no publication date in their metadata, so the reference date is
derived from every piece of evidence (see :mod:`refwatch.extract.refdate`) and
kept with its precision, its source and a confidence. A year, a month or an
interval is kept as such: stretching it to a day would put events on days no
text names.

The reference is an interval of possible days, ``start`` to ``end``:

* ``day``: one day (``start == end``);
* ``month`` and ``year``: the whole month or year;
* ``interval``: between two days; ``end`` is None when only a lower bound is
  known ("not before the latest date the text mentions").
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any, Final, Literal

RefPrecision = Literal["day", "month", "year", "interval"]
RefSource = Literal["metadata", "url", "stamp", "dateline", "citation", "banner", "latest-mention", "option"]
RefConfidence = Literal["high", "medium", "low"]

REF_PRECISIONS: Final[tuple[str, ...]] = RefPrecision.__args__  # type: ignore[attr-defined]
REF_SOURCES: Final[tuple[str, ...]] = RefSource.__args__  # type: ignore[attr-defined]
REF_CONFIDENCES: Final[tuple[str, ...]] = RefConfidence.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class ReferenceDate:
    """When a document was written, with where that came from.

    Raises:
        ValueError: on construction, when the fields contradict each other.

    Examples:
        >>> ref = ReferenceDate.month(2024, 2, source="url", confidence="high", text="/2024/02/")
        >>> ref.label(), ref.window()
        ('2024-02', (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)))
        >>> ReferenceDate(dt.date(2019, 5, 3), None, "interval", "latest-mention", "low").label()
        'not before 2019-05-03'
    """

    start: dt.date
    end: dt.date | None
    precision: RefPrecision
    source: RefSource
    confidence: RefConfidence
    text: str = ""

    def __post_init__(self) -> None:
        if self.precision not in REF_PRECISIONS:
            raise ValueError(f"unknown precision {self.precision!r}")
        if self.source not in REF_SOURCES:
            raise ValueError(f"unknown source {self.source!r}")
        if self.confidence not in REF_CONFIDENCES:
            raise ValueError(f"unknown confidence {self.confidence!r}")
        if self.end is None and self.precision != "interval":
            raise ValueError("only an interval may be open-ended")
        if self.end is not None and self.end < self.start:
            raise ValueError("a reference date cannot end before it starts")
        if self.precision == "day" and self.end != self.start:
            raise ValueError("a day starts and ends on the same date")

    @classmethod
    def day(
        cls, date: dt.date, *, source: RefSource, confidence: RefConfidence, text: str = ""
    ) -> ReferenceDate:
        """One known day."""
        return cls(date, date, "day", source, confidence, text)

    @classmethod
    def month(
        cls, year: int, month: int, *, source: RefSource, confidence: RefConfidence, text: str = ""
    ) -> ReferenceDate:
        """A known month, day unknown."""
        last = calendar.monthrange(year, month)[1]
        return cls(dt.date(year, month, 1), dt.date(year, month, last), "month", source, confidence, text)

    @classmethod
    def year(
        cls, year: int, *, source: RefSource, confidence: RefConfidence, text: str = ""
    ) -> ReferenceDate:
        """A known year, month unknown."""
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", source, confidence, text)

    def window(self) -> tuple[dt.date, dt.date | None]:
        """The earliest and latest possible day (the latest None when open)."""
        return self.start, self.end

    def label(self) -> str:
        """Short text at the known precision: ``2031-06-04``, ``2031-06``, ``2031``, ``not before 2031-05-03``

        An interval with both ends reads ``2019-05-03 to 2019-06-01``.
        """
        if self.precision == "day":
            return self.start.isoformat()
        if self.precision == "month":
            return self.start.isoformat()[:7]
        if self.precision == "year":
            return str(self.start.year)
        if self.end is None:
            return f"not before {self.start.isoformat()}"
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "precision": self.precision,
            "source": self.source,
            "confidence": self.confidence,
            "text": self.text,
            "label": self.label(),
        }
