"""The profile counts the realised and estimated performance need, per window (or one group for a total)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from app.services.performance.versions import fine_bounds
from app.services.profiles import Grouping, ProfileSet


@dataclass(frozen=True)
class WindowCounts:
    """Per group (rows): every row per fine score bin (``fine``), labelled rows per bin with actual 0 (``late``) and
    1 (``ontime``), labelled confusion cells ``pred * 2 + actual``, rows flagged late (prediction 0) among all rows,
    rows, and the exact labelled sums Σp, Σp over late rows, Σp². ``bounds`` are the fine bins' edges from 0 to 1,
    ``midpoints`` each bin's representative probability (the midpoint in logit; the outer open bins use their
    inner edge)."""

    starts: list[pd.Timestamp]
    fine: np.ndarray
    late: np.ndarray
    ontime: np.ndarray
    confusion: np.ndarray
    flagged: np.ndarray
    rows: np.ndarray
    prob_labelled: np.ndarray
    prob_late: np.ndarray
    prob_sq: np.ndarray
    bounds: np.ndarray
    midpoints: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def n_labelled(self) -> np.ndarray:
        return self.confusion.sum(axis=1)

    @property
    def n_late(self) -> np.ndarray:
        return self.confusion[:, 0] + self.confusion[:, 2]


def bin_midpoints(bounds: np.ndarray) -> np.ndarray:
    """Representative probability of each fine bin: the logit midpoint of its edges; the two open outer bins take
    their inner edge."""
    inner = bounds[1:-1]
    logit = np.log(inner / (1 - inner))
    middle = 1 / (1 + np.exp(-(logit[:-1] + logit[1:]) / 2))
    return np.r_[inner[0], middle, inner[-1]]


def window_counts(profiles: ProfileSet, grouping: Grouping, starts: list[pd.Timestamp]) -> WindowCounts:
    """The counts of every group of ``grouping`` (one query-free pass over the version's fragments per block)."""
    layout = profiles.layout
    counts = profiles.counts(grouping, "class", "fine_ontime")  # one pass over the fragments' cells

    def block(name: str) -> np.ndarray:
        return profiles.block(counts, "class", name)
    sums, index = profiles.sums(grouping), layout.sum_index
    bounds = fine_bounds(layout)
    return WindowCounts(
        starts=starts, fine=block("fine"), late=block("fine_late"), ontime=block("fine_ontime"),
        confusion=block("confusion"), flagged=block("class")[:, 0::2].sum(axis=1),
        rows=profiles.rows(grouping), prob_labelled=sums[:, index["prob_labelled"]],
        prob_late=sums[:, index["prob_labelled_late"]], prob_sq=sums[:, index["prob_sq_labelled"]],
        bounds=bounds, midpoints=bin_midpoints(bounds))
