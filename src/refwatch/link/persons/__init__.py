"""Person linkage: which records on partners' lists are one person (Splink on DuckDB).

``features`` turns a decrypted record into the columns the model compares (names
through ``link.names``); ``model`` builds the Splink settings, trains them (u by
random sampling, m by EM, the prior from a deterministic rule) and scores the
pairs in an in-memory DuckDB; ``clusters`` applies the thresholds and the
reviewers' decisions and groups records into persons. Pure of storage: the
services layer decrypts, calls this, and stores the result; nothing here logs a
value, and nothing reaches the disk (DuckDB's spilling is switched off).
"""

from refwatch.link.persons.clusters import Decision, Outcome, cluster_records
from refwatch.link.persons.features import LinkRecord, feature_row
from refwatch.link.persons.model import LinkageModel, Pair, score_pairs

__all__ = [
    "Decision",
    "LinkRecord",
    "LinkageModel",
    "Outcome",
    "Pair",
    "cluster_records",
    "feature_row",
    "score_pairs",
]
