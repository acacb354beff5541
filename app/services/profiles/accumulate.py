"""Merged counts of many chunks of one model version, per (source, day), for ``rebuild-profiles``."""
from __future__ import annotations

from typing import Any

import numpy as np

from app.services.profiles.build import GroupedCounts
from app.services.profiles.fragment import Fragment
from app.services.profiles.layout import ProfileLayout


class Accumulator:
    """One version's counts and sums per (source, day) in dense arrays (a row per key, grown by doubling): adding a
    chunk's fragments is one vectorised addition; memory is keys × cells, whatever the number of rows."""

    def __init__(self, layout: ProfileLayout) -> None:
        self.keys: dict[tuple, int] = {}
        self.counts = np.zeros((0, layout.n_cells), dtype=np.int64)
        self.sums = np.zeros((0, len(layout.sum_names)))
        self.rows: list[int] = []
        self.last: list[Any] = []

    def add(self, counted: GroupedCounts) -> None:
        if not counted.sources:
            return
        owners = np.array([self._row(s, d) for s, d in zip(counted.sources, counted.days.tolist(), strict=True)],
                          dtype=np.int64)
        # A chunk's groups are distinct (source, day) keys and its cells distinct within a group, so no index
        # repeats: plain fancy-index additions (np.add.at is several times slower).
        self.counts[owners[counted.group], counted.cells] += counted.values
        self.sums[owners] += counted.sums
        for owner, rows, stamp in zip(owners.tolist(), counted.rows.tolist(), counted.last, strict=True):
            self.rows[owner] += rows
            if not np.isnat(stamp) and (self.last[owner] is None or stamp > self.last[owner]):
                self.last[owner] = stamp

    def _row(self, source: str, day: Any) -> int:
        key = (source, day)
        if key not in self.keys:
            if len(self.keys) == len(self.counts):
                self.counts = _taller(self.counts, max(2 * len(self.keys), 64))
                self.sums = _taller(self.sums, len(self.counts))
            self.keys[key] = len(self.rows)
            self.rows.append(0)
            self.last.append(None)
        return self.keys[key]

    def fragments(self, model_version: str) -> list[Fragment]:
        """One fragment per (source, day)."""
        merged = []
        for (source, day), row in self.keys.items():
            cells = np.flatnonzero(self.counts[row])
            last = None if self.last[row] is None else self.last[row].astype("datetime64[us]").astype(object)
            merged.append(Fragment(model_version, source, day, self.rows[row], last,
                                   cells.astype(np.uint32), self.counts[row, cells], self.sums[row].copy()))
        return merged


def _taller(array: np.ndarray, height: int) -> np.ndarray:
    grown = np.zeros((height, array.shape[1]), dtype=array.dtype)
    grown[: len(array)] = array
    return grown
