"""Adaptive micro-batching of concurrent requests inside one worker process (leader / followers).

Request threads hand their item to :meth:`MicroBatcher.submit`. When no batch is being processed, the caller
becomes the *leader*: it takes what is queued (its own item first), processes it with one call of ``process``
and hands each follower its own result. Items arriving meanwhile queue up and the first of them leads the next
batch, so the batch size follows the traffic: one item when requests come one at a time (no wait at all), up
to ``max_size`` under load.

Waiting (adaptive, at most ``max_wait_s``): the leader waits for more items while other requests have *announced*
themselves (:meth:`MicroBatcher.arriving` — they entered the route and are still reading their body), or while its
batch is smaller than the recent batches (a moving average of their sizes): under steady concurrency the clients
just answered are about to send their next request, and one model call for all of them beats two half-size ones.
Requests that come one at a time keep that average at 1, so a lone request never waits.

``process`` gets the items and returns one result per item, in order (a result may be an exception, which
is raised in that item's thread). If ``process`` itself raises, every item of the batch gets that exception.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class _Slot(Generic[T]):
    __slots__ = ("done", "item", "lead", "result")

    def __init__(self, item: T) -> None:
        self.item = item
        self.result: object = None
        self.done = threading.Event()
        self.lead = False


class MicroBatcher(Generic[T, R]):
    """Group concurrent items of one process into batches of at most ``max_size``."""

    def __init__(self, process: Callable[[Sequence[T]], Sequence[R | BaseException]], *, max_size: int = 64,
                 max_wait_s: float = 0.002) -> None:
        if max_size < 1 or max_wait_s < 0:
            raise ValueError("max_size must be ≥ 1 and max_wait_s ≥ 0")
        self.process, self.max_size, self.max_wait_s = process, max_size, max_wait_s
        self._cond = threading.Condition(threading.Lock())
        self._queue: list[_Slot[T]] = []
        self._busy = False
        self._arriving = 0
        self._recent = 1.0  # moving average of batch sizes: the concurrency the traffic showed lately
        self.batches = 0  # counters for tests and benchmarks
        self.items = 0

    @contextmanager
    def arriving(self) -> Iterator[None]:
        """Announce a request that will probably ``submit`` soon (wrap the body parsing in it)."""
        with self._cond:
            self._arriving += 1
        try:
            yield
        finally:
            with self._cond:
                self._arriving -= 1
                self._cond.notify_all()

    def submit(self, item: T) -> R:
        """Process ``item`` in a batch with whatever arrives together with it; its result or its exception."""
        slot: _Slot[T] = _Slot(item)
        with self._cond:
            self._queue.append(slot)
            slot.lead = not self._busy
            self._busy = True
            self._cond.notify_all()
        if not slot.lead:
            slot.done.wait()
        if slot.lead:  # either it found the batcher idle, or the previous leader handed over
            self._lead()
        if isinstance(slot.result, BaseException):
            raise slot.result
        return slot.result  # type: ignore[return-value]

    def _lead(self) -> None:
        with self._cond:
            deadline = time.monotonic() + self.max_wait_s
            expected = min(self.max_size, int(self._recent + 0.5))
            while len(self._queue) < self.max_size and (self._arriving > 0 or len(self._queue) < expected):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            batch, self._queue = self._queue[:self.max_size], self._queue[self.max_size:]
            self._recent = 0.8 * self._recent + 0.2 * len(batch)
        try:
            results: Sequence[object] = self.process([slot.item for slot in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"process returned {len(results)} results for {len(batch)} items")
        except BaseException as exc:  # handed to every waiting thread, re-raised there
            results = [exc] * len(batch)
        with self._cond:
            self.batches += 1
            self.items += len(batch)
            if self._queue:
                successor = self._queue[0]
                successor.lead = True
                successor.done.set()
            else:
                self._busy = False
        for slot, result in zip(batch, results, strict=True):
            slot.result = result
            slot.lead = False
            slot.done.set()
