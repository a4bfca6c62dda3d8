"""The per-process analysis cache: entries expire, concurrent misses compute once, writes win."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from api.runtime import TtlCache
from graph.errors import NotFoundError


def test_concurrent_misses_compute_once_and_share_the_value() -> None:
    cache = TtlCache(ttl_s=60)
    calls = []
    release = threading.Event()

    def slow() -> str:
        calls.append(1)
        release.wait(5)
        return "analysis"

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(cache.get_or_compute, "acme", slow) for _ in range(8)]
        time.sleep(0.2)
        release.set()
        assert [f.result(5) for f in futures] == ["analysis"] * 8
    assert len(calls) == 1
    assert cache.get_or_compute("acme", lambda: "other") == "analysis"


def test_errors_are_shared_and_not_cached() -> None:
    cache = TtlCache(ttl_s=60)

    def missing() -> str:
        raise NotFoundError("account", "nope")

    with pytest.raises(NotFoundError):
        cache.get_or_compute("nope", missing)
    assert cache.get_or_compute("nope", lambda: "now it exists") == "now it exists"


def test_entries_expire_and_a_write_during_a_computation_is_not_overwritten() -> None:
    cache = TtlCache(ttl_s=0.05)
    assert cache.get_or_compute("k", lambda: 1) == 1
    assert cache.get_or_compute("k", lambda: 2) == 1
    time.sleep(0.1)
    assert cache.get_or_compute("k", lambda: 3) == 3

    cache = TtlCache(ttl_s=60)

    def computed_before_a_write() -> int:
        cache.clear()  # an ingest lands while this analysis runs
        return 4

    assert cache.get_or_compute("k", computed_before_a_write) == 4
    assert cache.get_or_compute("k", lambda: 5) == 5  # the stale answer was not kept
    assert TtlCache(ttl_s=0).get_or_compute("k", lambda: 6) == 6
