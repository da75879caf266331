"""Small published capture tables used as fixtures (data, cited; the numbers are facts).

HIV: HIV-1 cases in Rome reported by four centres; Abeni, Brancato & Perucci
(1994), Epidemiology 5:410-414, as distributed in R's Rcapture (dataset HIV).
R3: Darroch et al. (1993) three-list data as used in Rcapture's tests
(Rivest 2011). Published figures: Baillargeon & Rivest (2007), "Rcapture:
Loglinear Models for Capture-Recapture in R", J. Stat. Software 19(5), and
Rcapture's inst/tests/testPapersResults.R.
"""

from __future__ import annotations

from refwatch.estimate.tables import CaptureTable, from_counts

HIV_COUNTS = {
    "1110": 3, "1101": 1, "1100": 33, "1010": 20, "1001": 6, "1000": 403,
    "0111": 3, "0110": 35, "0101": 10, "0100": 545, "0011": 11, "0010": 621, "0001": 205,
}  # fmt: skip
R3_COUNTS = {"111": 72, "110": 155, "101": 7, "100": 71, "011": 13, "010": 53, "001": 43}


def table(lists: tuple[str, ...], counts: dict[str, int]) -> CaptureTable:
    """A table from ``{"101": count}``; absent histories are observed zeros."""
    return from_counts(lists, {tuple(int(c) for c in key): value for key, value in counts.items()})


def hiv() -> CaptureTable:
    """The four-list HIV (Rome) table."""
    return table(("c1", "c2", "c3", "c4"), HIV_COUNTS)


def r3() -> CaptureTable:
    """Darroch et al. (1993) R3, three lists."""
    return table(("c1", "c2", "c3"), R3_COUNTS)
