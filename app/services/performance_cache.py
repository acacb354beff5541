"""A small thread-safe LRU of computed results, one per service instance (never a module global).

Callers asking for a key that is being computed wait for that computation instead of repeating it, so the
tab's callbacks, which fire together, read the log once.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class ResultCache:
    """Keeps the ``maxsize`` most recently used results; keys must change when the data changes."""

    def __init__(self, maxsize: int = 64) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._pending: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for ``key``; computed once (outside the cache lock) when missing."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[return-value]
            key_lock = self._pending.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._items:  # computed by the caller we waited for
                    return self._items[key]  # type: ignore[return-value]
            try:
                value = compute()
                with self._lock:
                    self._items[key] = value
                    while len(self._items) > self.maxsize:
                        self._items.popitem(last=False)
            finally:
                with self._lock:
                    self._pending.pop(key, None)
        return value

    def __len__(self) -> int:
        return len(self._items)
