"""The version-stamped caches behind lists, totals and API tokens (``services.caching``)."""

from __future__ import annotations

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
