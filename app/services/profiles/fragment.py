"""One profile fragment: sparse counts and dense sums of one (model version, source, day), packed for storage."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

_HEADER = np.dtype([("n", "<u4"), ("cell_bytes", "u1"), ("value_bytes", "u1")])
_CELLS = {2: np.dtype("<u2"), 4: np.dtype("<u4")}
_VALUES = {1: np.dtype("i1"), 2: np.dtype("<i2"), 4: np.dtype("<i4"), 8: np.dtype("<i8")}
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
    """``[n, cell width, value width][n cell indices][n signed values]``, little-endian, each array in the
    narrowest width that holds it (most fragments: 2-byte cells and 1-byte counts)."""
    cell_bytes = 2 if cells.size == 0 or int(cells.max()) < 2**16 else 4
    value_bytes = _value_width(values)
    header = np.array([(cells.size, cell_bytes, value_bytes)], dtype=_HEADER)
    return header.tobytes() + cells.astype(_CELLS[cell_bytes]).tobytes() + values.astype(_VALUES[value_bytes]).tobytes()


def _value_width(values: np.ndarray) -> int:
    """Bytes of the narrowest signed integer holding every value."""
    low, high = (int(values.min()), int(values.max())) if values.size else (0, 0)
    return next(width for width in (1, 2, 4, 8) if -(2 ** (8 * width - 1)) <= low and high < 2 ** (8 * width - 1))


def unpack_counts(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`pack_counts`: cell indices (uint32) and values (int64)."""
    n, cell_bytes, value_bytes = np.frombuffer(blob, dtype=_HEADER, count=1)[0].tolist()
    offset = _HEADER.itemsize
    cells = np.frombuffer(blob, dtype=_CELLS[cell_bytes], count=n, offset=offset)
    values = np.frombuffer(blob, dtype=_VALUES[value_bytes], count=n, offset=offset + n * cell_bytes)
    return cells.astype(np.uint32), values.astype(np.int64)


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
