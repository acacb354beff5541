"""The services' result cache: least-recently-used eviction and one computation per key under concurrency."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.services.result_cache import ResultCache


def test_lru_cache_evicts_the_least_recently_used():
    cache: ResultCache[int] = ResultCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get_or_compute("c", lambda: 0) == 3
    assert len(cache) == 2


def test_callers_of_a_key_being_computed_wait_for_that_computation():
    cache: ResultCache[int] = ResultCache(4)
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow(key: str) -> int:
        calls.append(key)
        started.set()
        release.wait(5)
        return len(calls)

    with ThreadPoolExecutor(max_workers=5) as pool:
        first = pool.submit(cache.get_or_compute, "k", lambda: slow("k"))
        started.wait(5)
        waiting = [pool.submit(cache.get_or_compute, "k", lambda: slow("k")) for _ in range(3)]
        other = pool.submit(cache.get_or_compute, "other", lambda: 42)
        assert other.result(5) == 42  # another key is not blocked by the pending one
        release.set()
        results = [first.result(5), *(f.result(5) for f in waiting)]
    assert calls == ["k"] and results == [1, 1, 1, 1]


def test_a_failed_computation_is_not_cached_and_can_be_retried():
    cache: ResultCache[int] = ResultCache(2)

    def fail() -> int:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        cache.get_or_compute("k", fail)
    assert cache.get("k") is None and len(cache) == 0
    assert cache.get_or_compute("k", lambda: 7) == 7


def test_maxsize_must_be_positive():
    with pytest.raises(ValueError, match="maxsize"):
        ResultCache(0)
