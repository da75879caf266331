"""The version-stamped caches behind lists, totals and API tokens (``services.caching``)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from refwatch.services import browse
from refwatch.services.caching import VersionedCache


def test_values_are_only_given_for_the_version_they_were_read_at() -> None:
    cache = VersionedCache(max_entries=10)
    cache.put(5, "a", b"one")
    assert cache.get(5, "a") == b"one"
    assert cache.get(6, "a") is None  # the data changed since: never the old value
    assert cache.get(4, "a") is None
    assert cache.get_many(5, ["a", "b"]) == {"a": b"one"}
    assert cache.get_many(6, ["a"]) == {}


def test_a_newer_version_empties_the_cache_and_an_older_one_is_dropped() -> None:
    cache = VersionedCache(max_entries=10)
    cache.put_many(5, {"a": 1, "b": 2})
    cache.put(7, "c", 3)
    assert cache.get_many(7, ["a", "b", "c"]) == {"c": 3}
    cache.put(6, "a", 99)  # read before the latest write: must not be kept as current
    assert cache.get(7, "a") is None and cache.get(6, "a") is None


def test_a_full_cache_starts_again_rather_than_growing() -> None:
    cache = VersionedCache(max_entries=3)
    cache.put_many(1, {"a": 1, "b": 2, "c": 3})
    cache.put(1, "d", 4)
    assert cache.get_many(1, ["a", "b", "c", "d"]) == {"d": 4}


def test_callers_asking_for_the_same_key_at_once_compute_it_once() -> None:
    """A second caller waits for the computation in progress and takes its value (#20: clients asking for
    the same new search at once each ran it again, side by side, in the first seconds after a start)."""

    class FictionalDatabase:  # what ``browse.remember`` needs of a database: a key for its caches
        pass

    db: Any = FictionalDatabase()
    inside, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def compute() -> list[int]:
        calls.append(threading.current_thread().name)
        inside.set()
        release.wait(5)
        return [42]

    results: list[list[int]] = []

    def ask() -> None:
        results.append(browse.remember(db, 1, ("search", "word"), compute))

    first = threading.Thread(target=ask, name="a")
    first.start()
    assert inside.wait(5)
    second = threading.Thread(target=ask, name="b")
    second.start()
    second.join(0.5)  # room for a second computation to begin, had it not waited
    release.set()
    first.join(5)
    second.join(5)
    assert calls == ["a"]
    assert results == [[42], [42]] and results[0] is not results[1]  # each caller its own copy
    assert browse.remember(db, 1, ("search", "word"), compute) == [42] and calls == ["a"]


def test_a_failed_computation_leaves_the_key_to_the_next_caller() -> None:
    cache = VersionedCache(10)

    def fails() -> int:
        raise RuntimeError("fictional failure")

    with pytest.raises(RuntimeError):
        cache.get_or_compute(1, "k", fails)
    assert cache.get_or_compute(1, "k", lambda: 7) == (7, False)
    assert cache.get(1, "k") == 7
