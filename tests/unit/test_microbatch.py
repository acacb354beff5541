"""MicroBatcher: leader/follower grouping of concurrent items, bounded batches, per-item results and errors."""
from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from app.api.microbatch import MicroBatcher


class Recorder:
    """A ``process`` function that records its batches and can be held at a gate."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()

    def __call__(self, items: Sequence[int]) -> list[object]:
        self.batches.append(list(items))
        self.entered.set()
        self.gate.wait(timeout=30)
        return [ValueError(f"bad {i}") if i < 0 else i * 10 for i in items]


def submit_all(batcher: MicroBatcher, items: list[int]) -> tuple[dict[int, object], list[threading.Thread]]:
    results: dict[int, object] = {}

    def run(item: int) -> None:
        try:
            results[item] = batcher.submit(item)
        except Exception as exc:  # kept to be checked
            results[item] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in items]
    for thread in threads:
        thread.start()
    return results, threads


def wait_queued(batcher: MicroBatcher, n: int) -> None:
    with batcher._cond:
        assert batcher._cond.wait_for(lambda: len(batcher._queue) >= n, timeout=30)


def test_a_lone_item_is_processed_alone_at_once():
    recorder = Recorder()
    batcher = MicroBatcher(recorder, max_size=8, max_wait_s=60.0)  # a wait would hang the test: none happens
    assert batcher.submit(3) == 30
    assert recorder.batches == [[3]]


def test_items_arriving_during_a_batch_form_the_next_batch_in_order():
    recorder = Recorder()
    recorder.gate.clear()
    batcher = MicroBatcher(recorder, max_size=8, max_wait_s=0.0)
    first, first_threads = submit_all(batcher, [1])
    assert recorder.entered.wait(timeout=30)  # the leader is inside process, holding the gate
    rest, threads = submit_all(batcher, [2, 3, 4, 5])
    wait_queued(batcher, 4)
    recorder.gate.set()
    for thread in [*first_threads, *threads]:
        thread.join(timeout=30)
    assert recorder.batches[0] == [1]
    assert sorted(recorder.batches[1]) == [2, 3, 4, 5]
    assert {**first, **rest} == {1: 10, 2: 20, 3: 30, 4: 40, 5: 50}
    assert (batcher.batches, batcher.items) == (2, 5)


def test_batches_never_exceed_max_size():
    recorder = Recorder()
    recorder.gate.clear()
    batcher = MicroBatcher(recorder, max_size=3, max_wait_s=0.0)
    _, first_threads = submit_all(batcher, [0])
    assert recorder.entered.wait(timeout=30)
    results, threads = submit_all(batcher, list(range(1, 8)))
    wait_queued(batcher, 7)
    recorder.gate.set()
    for thread in [*first_threads, *threads]:
        thread.join(timeout=30)
    assert all(len(batch) <= 3 for batch in recorder.batches)
    assert sorted(i for batch in recorder.batches for i in batch) == list(range(8))
    assert results == {i: i * 10 for i in range(1, 8)}


def test_an_error_stays_with_its_item():
    recorder = Recorder()
    recorder.gate.clear()
    batcher = MicroBatcher(recorder, max_size=8, max_wait_s=0.0)
    _, first_threads = submit_all(batcher, [1])
    assert recorder.entered.wait(timeout=30)
    results, threads = submit_all(batcher, [2, -3, 4])
    wait_queued(batcher, 3)
    recorder.gate.set()
    for thread in [*first_threads, *threads]:
        thread.join(timeout=30)
    assert results[2] == 20 and results[4] == 40
    assert isinstance(results[-3], ValueError) and str(results[-3]) == "bad -3"


def test_a_failing_process_fails_its_batch_only():
    calls = []

    def process(items: Sequence[int]) -> list[int]:
        calls.append(list(items))
        if len(calls) == 1:
            raise RuntimeError("database down")
        return [i for i in items]

    batcher = MicroBatcher(process, max_size=4, max_wait_s=0.0)
    with pytest.raises(RuntimeError, match="database down"):
        batcher.submit(1)
    assert batcher.submit(2) == 2  # the batcher is idle again, the next item leads


def test_the_leader_waits_for_announced_requests_only():
    recorder = Recorder()
    batcher = MicroBatcher(recorder, max_size=8, max_wait_s=30.0)
    announced = threading.Event()
    release = threading.Event()

    def late_request() -> None:
        with batcher.arriving():
            announced.set()
            release.wait(timeout=30)
        batcher.submit(2)

    late = threading.Thread(target=late_request)
    late.start()
    assert announced.wait(timeout=30)
    results, threads = submit_all(batcher, [1])  # leads, and waits because one request is announced
    wait_queued(batcher, 1)
    release.set()
    for thread in [late, *threads]:
        thread.join(timeout=30)
    assert recorder.batches == [[1, 2]]
    assert results == {1: 10}


def test_settings_are_checked():
    with pytest.raises(ValueError):
        MicroBatcher(lambda items: items, max_size=0)


def test_after_concurrent_traffic_the_leader_waits_for_the_usual_batch():
    recorder = Recorder()
    batcher = MicroBatcher(recorder, max_size=8, max_wait_s=30.0)
    batcher._recent = 4.0  # as after batches of four
    results, threads = submit_all(batcher, [1])
    assert recorder.entered.wait(timeout=0.2) is False  # the leader waits: its batch is smaller than usual
    more, others = submit_all(batcher, [2, 3, 4])
    for thread in [*threads, *others]:
        thread.join(timeout=30)
    assert sorted(recorder.batches[0]) == [1, 2, 3, 4]
    assert {**results, **more} == {1: 10, 2: 20, 3: 30, 4: 40}


def test_the_adaptive_wait_is_bounded_and_fades():
    recorder = Recorder()
    batcher = MicroBatcher(recorder, max_size=8, max_wait_s=0.01)
    batcher._recent = 4.0
    for item in range(1, 12):  # one at a time: each waits at most max_wait_s, and the average falls back to 1
        assert batcher.submit(item) == item * 10
    assert recorder.batches == [[i] for i in range(1, 12)]
    assert batcher._recent < 1.5
