"""The analysis cache is keyed on the store's version: a change made by another process is never
answered from this one's cache, however fresh the entry."""

from __future__ import annotations

from api.runtime import TtlCache


def test_a_moved_store_version_empties_the_cache() -> None:
    version = ["v1"]
    cache = TtlCache(3600, version=lambda: version[0])
    computed: list[str] = []

    def compute() -> str:
        computed.append(version[0])
        return f"answer at {version[0]}"

    assert cache.get_or_compute("k", compute) == "answer at v1"
    assert cache.get_or_compute("k", compute) == "answer at v1"
    assert computed == ["v1"]  # the second read came from the cache
    version[0] = "v2"  # e.g. an erasure through another worker
    assert cache.get_or_compute("k", compute) == "answer at v2"
    assert computed == ["v1", "v2"]
