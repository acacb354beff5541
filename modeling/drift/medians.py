"""The median of a numeric variable located from its counts in the frozen bins (no rows needed).

A sample's median (numpy's: the mean of the two middle values when the count is even) lies in the bin(s) that
hold its middle order statistics, so counts alone give a **guaranteed interval**: from the lower edge of the bin
of the lower middle value to the upper edge of the bin of the upper one. The estimate interpolates linearly inside
that bin (the usual grouped-data median). The frozen bins are reference deciles, so the interval is at most one
reference decile wide around the median.

Edges: inner bins are bounded by their cuts; the outer bins by the reference minimum and maximum. A sample with
values outside the reference range (the ``out-of-range`` count) has no known bound on that side: when its median
falls in an outer bin, that side of the interval is open (``None``) and the estimate uses the reference extreme.
Missing values are left out, as numpy's ``nanmedian`` does.

Integer variables (``integral``): a bin ``[a, b)`` then holds only the integers ``ceil(a) … ceil(b) − 1``, often
with a large share on one of them, so the interpolated value is rounded to the nearest of those integers.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from modeling.drift.profile import VariableProfile


@dataclass(frozen=True)
class BinnedMedian:
    """Median estimate, its guaranteed bounds (``None``: open) and the non-missing values it describes."""

    estimate: float
    low: float | None
    high: float | None
    n: int


def bin_edges(variable: VariableProfile, open_outer: bool) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper edge of each value bin (missing bin excluded); outer edges are the reference extremes,
    or ±inf when ``open_outer`` (a sample with values outside the reference range)."""
    if variable.kind != "numeric":
        raise ValueError(f"{variable.name}: expected a numeric variable, found {variable.kind}")
    low_end = -np.inf if open_outer or variable.minimum is None else variable.minimum
    high_end = np.inf if open_outer or variable.maximum is None else variable.maximum
    cuts = np.asarray(variable.cuts, dtype=np.float64)
    lows = np.r_[min(low_end, cuts[0]) if cuts.size else low_end, cuts]
    highs = np.r_[cuts, max(high_end, cuts[-1]) if cuts.size else high_end]
    return lows, highs


def binned_median(variable: VariableProfile, counts: np.ndarray, out_of_range: int | None = 0, *,
                  integral: bool = False) -> BinnedMedian | None:
    """The median of a sample given its counts in ``variable``'s bins (value bins then missing, as the profile
    stores them) and its out-of-range count; None when it has no non-missing value. ``integral``: the variable
    takes whole values only (the estimate is then a whole value of the median's bin)."""
    values = np.asarray(counts, dtype=np.int64)[:-1]
    n = int(values.sum())
    if n == 0:
        return None
    lows, highs = bin_edges(variable, open_outer=bool(out_of_range))
    finite_lows, finite_highs = bin_edges(variable, open_outer=False)
    cumulative = np.cumsum(values)
    lower_bin = int(np.searchsorted(cumulative, (n - 1) // 2, side="right"))  # bin of order statistic (n-1)//2
    upper_bin = int(np.searchsorted(cumulative, n // 2, side="right"))
    middle = n / 2
    at = int(np.searchsorted(cumulative, middle, side="left"))
    before = cumulative[at] - values[at]
    start, end = finite_lows[at], finite_highs[at]
    estimate = start + (middle - before) / values[at] * (end - start)
    if integral and np.ceil(end) - 1 >= np.ceil(start):
        estimate = float(np.clip(np.round(estimate), np.ceil(start), np.ceil(end) - 1))
    low, high = float(lows[lower_bin]), float(highs[upper_bin])
    return BinnedMedian(float(estimate), None if np.isinf(low) else low, None if np.isinf(high) else high, n)
