"""Profile delta fragments for outcomes attached after scoring: what changes when a row's ``actual`` is set or
replaced.

A row's outcome counts in four places of its (model version, source, day) fragment: its ``class_labelled`` cell,
its ``confusion`` cell (``pred * 2 + actual``), its fine score bin in ``fine_late`` or ``fine_ontime``, and the
sums ``prob_labelled``, ``prob_labelled_late`` (late rows only) and ``prob_sq_labelled``. A delta fragment holds
+1 (and +p, +p²) for each new outcome and −1 (−p, −p²) for each replaced one, ``rows`` 0 (no row is added), and is
appended and folded like any other fragment, so the profiles stay equal to a rebuild from the rows.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.services.profiles.fragment import Fragment
from app.services.profiles.keys import band_positions, source_day_groups
from app.services.profiles.layout import ProfileLayout


@dataclass(frozen=True)
class OutcomeChanges:
    """Rows of one model version whose outcome changes: their profile key and score, old (NaN: none) and new
    ``actual``."""

    sources: np.ndarray
    days: np.ndarray
    prob: np.ndarray
    pred: np.ndarray
    band: np.ndarray
    old: np.ndarray
    new: np.ndarray

    def __len__(self) -> int:
        return len(self.prob)


def outcome_fragments(layout: ProfileLayout, changes: OutcomeChanges) -> list[Fragment]:
    """One delta fragment per (source, day) of ``changes`` (none when nothing changes)."""
    n = len(changes)
    if n == 0:
        return []
    old = np.asarray(changes.old, dtype=np.float64)
    new = np.asarray(changes.new, dtype=np.float64)
    replaced = ~np.isnan(old)
    groups = source_day_groups(changes.sources, changes.days, n)
    group = groups.group
    # each change is one added contribution (sign +1) and, when an outcome is replaced, one removed (sign −1)
    taken = np.r_[np.arange(n), np.flatnonzero(replaced)]
    sign = np.r_[np.ones(n), -np.ones(int(replaced.sum()))]
    actual = np.r_[new, old[replaced]].astype(np.int64)
    cells = _cells(layout, changes, taken, actual)
    n_groups, width = len(groups), layout.n_cells
    flat = (group[taken][:, None] * width + cells).ravel()
    keys_found, inverse = np.unique(flat, return_inverse=True)  # sparse: only the touched cells
    totals = np.bincount(inverse, weights=np.repeat(sign, cells.shape[1])).round().astype(np.int64)
    keep = totals != 0
    keys_found, totals = keys_found[keep], totals[keep]
    owner = keys_found // width
    bounds = np.searchsorted(owner, np.arange(n_groups + 1))
    sums = _sums(layout, changes, taken, actual, sign, group, n_groups)
    fragments = []
    sources, days = groups.sources, groups.days.astype(object).tolist()
    cells_of = (keys_found % width).astype(np.uint32)
    for g, (source, day) in enumerate(zip(sources, days, strict=True)):
        part = slice(bounds[g], bounds[g + 1])
        fragments.append(Fragment(layout.model_version, source, day, 0, None, cells_of[part], totals[part], sums[g]))
    return fragments


def _cells(layout: ProfileLayout, changes: OutcomeChanges, taken: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """(contributions × 3) cells: class_labelled, confusion and fine_late / fine_ontime."""
    blocks = layout.blocks
    band_index = band_positions(layout, np.asarray(changes.band, dtype=object)[taken])
    pred = np.asarray(changes.pred, dtype=np.int64)[taken]
    fine = layout.fine_bin(np.asarray(changes.prob, dtype=np.float64)[taken])
    by_outcome = np.where(actual == 0, blocks["fine_late"].start, blocks["fine_ontime"].start)
    return np.column_stack([blocks["class_labelled"].start + band_index * 2 + pred,
                            blocks["confusion"].start + pred * 2 + actual, by_outcome + fine])


def _sums(layout: ProfileLayout, changes: OutcomeChanges, taken: np.ndarray, actual: np.ndarray, sign: np.ndarray,
          group: np.ndarray, n_groups: int) -> np.ndarray:
    prob = np.asarray(changes.prob, dtype=np.float64)[taken]
    owner = group[taken]
    sums = np.zeros((n_groups, len(layout.sum_names)))
    for name, values in (("prob_labelled", prob), ("prob_labelled_late", np.where(actual == 0, prob, 0.0)),
                         ("prob_sq_labelled", prob * prob)):
        sums[:, layout.sum_index[name]] = np.bincount(owner, weights=sign * values, minlength=n_groups)
    return sums
