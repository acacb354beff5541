"""All profile fragments of one model version in memory, and the sums any view asks of them.

Fragments are kept as flat arrays (one entry per fragment) plus their sparse counts as three parallel arrays
(fragment, cell, value). A view selects fragments (sources, day range), optionally groups them by time window,
and sums one contiguous range of cells with a single ``np.bincount``: its cost depends on fragments × occupied
cells, never on the number of logged rows.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from app.services.profiles.layout import ProfileLayout
from app.services.selection import Selection
from modeling.drift.windows import Windows, assign_windows

WINDOW_FREQ = {"month": "M", "week": "W", "day": "D"}


@dataclass(frozen=True)
class FragmentArrays:
    """Fragments as arrays: ids, keys, rows, last scoring time, dense sums and sparse counts."""

    ids: np.ndarray
    sources: np.ndarray
    days: np.ndarray
    rows: np.ndarray
    last_scored: np.ndarray
    sums: np.ndarray
    frag: np.ndarray
    cells: np.ndarray
    values: np.ndarray

    @classmethod
    def empty(cls, n_sums: int) -> FragmentArrays:
        return cls(np.empty(0, np.int64), np.empty(0, object), np.empty(0, "datetime64[D]"), np.empty(0, np.int64),
                   np.empty(0, "datetime64[us]"), np.empty((0, n_sums)), np.empty(0, np.int32),
                   np.empty(0, np.int32), np.empty(0, np.int64))

    def __len__(self) -> int:
        return self.ids.size

    def concat(self, other: FragmentArrays) -> FragmentArrays:
        """These fragments followed by ``other``'s."""
        return FragmentArrays(
            *(np.concatenate([a, b]) for a, b in zip(
                (self.ids, self.sources, self.days, self.rows, self.last_scored, self.sums),
                (other.ids, other.sources, other.days, other.rows, other.last_scored, other.sums), strict=True)),
            np.concatenate([self.frag, other.frag + len(self)]).astype(np.int32),
            np.concatenate([self.cells, other.cells]), np.concatenate([self.values, other.values]))


@dataclass(frozen=True)
class Grouping:
    """Selected fragments and, per selected fragment, its group (0 for a total, the window for a series)."""

    mask: np.ndarray
    group: np.ndarray
    n_groups: int
    windows: Windows | None = None


@dataclass(frozen=True)
class ProfileSet:
    """Every fragment of one model version as of ``stamp`` (fragment count, largest id)."""

    layout: ProfileLayout
    arrays: FragmentArrays
    stamp: tuple[int, int]

    def mask(self, selection: Selection) -> np.ndarray:
        """Fragments of the selection's sources and inclusive day range."""
        a = self.arrays
        keep = np.ones(len(a), dtype=bool) if selection.all_sources else np.isin(a.sources, selection.sources)
        if selection.start is not None:
            keep &= a.days >= np.datetime64(selection.start, "D")
        if selection.end is not None:
            keep &= a.days <= np.datetime64(selection.end, "D")
        return keep

    def total(self, selection: Selection) -> Grouping:
        """All selected fragments in one group."""
        mask = self.mask(selection)
        return Grouping(mask, np.zeros(len(self.arrays), dtype=np.int64), 1)

    def by_window(self, selection: Selection, window: str | None = None) -> Grouping:
        """Selected fragments grouped by calendar window (``selection.window`` unless given), empty ones included."""
        mask = self.mask(selection)
        group = np.zeros(len(self.arrays), dtype=np.int64)
        windows = assign_windows(pd.Series(self.arrays.days[mask].astype("datetime64[ns]")),
                                 WINDOW_FREQ[window or selection.window])
        group[mask] = windows.ids
        return Grouping(mask, group, windows.count, windows)

    def counts(self, grouping: Grouping, *blocks: str) -> np.ndarray:
        """(groups × cells) counts of the contiguous cell range spanning ``blocks`` (in layout order)."""
        spans = [self.layout.blocks[name] for name in blocks]
        low, high = min(s.start for s in spans), max(s.stop for s in spans)
        a = self.arrays
        chosen = (a.cells >= low) & (a.cells < high)
        chosen &= grouping.mask[a.frag]
        width = high - low
        flat = grouping.group[a.frag[chosen]] * width + (a.cells[chosen] - low)
        totals = np.bincount(flat, weights=a.values[chosen], minlength=grouping.n_groups * width)
        return totals.round().astype(np.int64).reshape(grouping.n_groups, width)

    def block(self, counts: np.ndarray, first_block: str, name: str) -> np.ndarray:
        """The columns of block ``name`` within counts returned for a range starting at ``first_block``."""
        offset = self.layout.blocks[first_block].start
        span = self.layout.blocks[name]
        return counts[:, span.start - offset:span.stop - offset]

    def sums(self, grouping: Grouping) -> np.ndarray:
        """(groups × sums) float sums."""
        a = self.arrays
        out = np.zeros((grouping.n_groups, a.sums.shape[1]))
        np.add.at(out, grouping.group[grouping.mask], a.sums[grouping.mask])
        return out

    def rows(self, grouping: Grouping) -> np.ndarray:
        """Rows per group."""
        return np.bincount(grouping.group[grouping.mask], weights=self.arrays.rows[grouping.mask],
                           minlength=grouping.n_groups).astype(np.int64)

    def day_range(self, selection: Selection) -> tuple[np.datetime64, np.datetime64] | None:
        """First and last day with rows among the selected fragments (None when there are none)."""
        mask = self.mask(selection) & (self.arrays.rows > 0)
        if not mask.any():
            return None
        days = self.arrays.days[mask]
        return days.min(), days.max()

    def last_scored(self, selection: Selection) -> np.datetime64 | None:
        mask = self.mask(selection)
        stamps = self.arrays.last_scored[mask]
        stamps = stamps[~np.isnat(stamps)]
        return stamps.max() if stamps.size else None

    def source_rows(self, selection: Selection | None = None) -> dict[str, int]:
        """Rows per source (of the selection's day range when given)."""
        a = self.arrays
        mask = self.mask(Selection(start=selection.start, end=selection.end)) if selection else np.ones(len(a), bool)
        frame = pd.Series(a.rows[mask]).groupby(a.sources[mask]).sum()
        return {str(k): int(v) for k, v in frame.items()}
