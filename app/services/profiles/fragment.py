"""One profile fragment: sparse counts and dense sums of one (model version, source, day), packed for storage."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

_HEADER = np.dtype("<u4")
_INDEX = np.dtype("<u4")
_VALUE = np.dtype("<i8")
_SUM = np.dtype("<f8")


@dataclass(frozen=True)
class Fragment:
    """Counts of one (model version, source, day): ``cells`` (layout indices) with their ``values``, and sums."""

    model_version: str
    source: str
    day: date
    rows: int
    last_scored_at: datetime | None
    cells: np.ndarray
    values: np.ndarray
    sums: np.ndarray

    def row(self) -> dict:
        """The ``profile_fragments`` row (without id)."""
        return {"model_version": self.model_version, "source": self.source, "day": self.day, "rows": int(self.rows),
                "last_scored_at": self.last_scored_at, "counts": pack_counts(self.cells, self.values),
                "sums": np.ascontiguousarray(self.sums, dtype=_SUM).tobytes()}


def pack_counts(cells: np.ndarray, values: np.ndarray) -> bytes:
    """``[n][n cell indices][n int64 values]``, little-endian."""
    n = np.array([cells.size], dtype=_HEADER)
    return n.tobytes() + cells.astype(_INDEX).tobytes() + values.astype(_VALUE).tobytes()


def unpack_counts(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`pack_counts`."""
    n = int(np.frombuffer(blob, dtype=_HEADER, count=1)[0])
    cells = np.frombuffer(blob, dtype=_INDEX, count=n, offset=4)
    values = np.frombuffer(blob, dtype=_VALUE, count=n, offset=4 + 4 * n)
    return cells, values


def unpack_sums(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=_SUM)


def merge(fragments: list[Fragment]) -> Fragment:
    """One fragment holding the counts and sums of several fragments of the same key."""
    first = fragments[0]
    cells = np.concatenate([f.cells for f in fragments]).astype(np.int64)
    values = np.concatenate([f.values for f in fragments]).astype(np.int64)
    unique, inverse = np.unique(cells, return_inverse=True)
    totals = np.bincount(inverse, weights=values, minlength=unique.size).round().astype(np.int64)
    keep = totals != 0
    sums = np.sum([f.sums for f in fragments], axis=0)
    stamps = [f.last_scored_at for f in fragments if f.last_scored_at is not None]
    return Fragment(first.model_version, first.source, first.day, sum(f.rows for f in fragments),
                    max(stamps) if stamps else None, unique[keep], totals[keep], sums)
