"""Is drift rising, falling or stable over the recent windows? A test that does not call noise a trend.

The input is the peak series of :func:`modeling.drift.peaks.max_psi_per_window`: per window its largest PSI
(among variables with enough data) and the 95 % noise level of the variable that produced it. Only windows with
enough data count; the last ``last`` of them are tested.

Rule
----
A trend needs **both**

1. a monotone pattern beyond chance: the Mann-Kendall statistic ``S = Σ_{i<j} sign(x_j − x_i)`` with its exact
   null distribution (every order of the values equally likely; the counts of permutations by number of
   inversions, the Mahonian numbers), two-sided p-value below ``alpha`` (0.05). Fewer than ``MIN_WINDOWS`` (5)
   windows can never reach it, so they give ``insufficient data``;
2. a size beyond sampling noise: the change over the tested windows, Sen's slope (median of the pairwise slopes)
   × (windows − 1), larger than the median of the windows' noise levels. A steady rise smaller than what
   sampling alone moves a PSI is reported as stable.

The original monitor fitted a least-squares line to the PSI maxima and called any slope above 0.01 per window a
trend, so a noisy flat series of small windows often read as growing; here a trend must be both systematic
and larger than the noise.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from modeling.drift.noise import STATUS_INSUFFICIENT

TREND_RISING = "rising"
TREND_FALLING = "falling"
TREND_STABLE = "stable"
TREND_INSUFFICIENT = STATUS_INSUFFICIENT
MIN_WINDOWS = 5
LAST_WINDOWS = 12
ALPHA = 0.05


@dataclass(frozen=True)
class Trend:
    """Direction of the peak PSI over the tested windows, with the numbers behind it (NaN when not computed)."""

    direction: str
    windows: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    s_statistic: int
    p_value: float
    slope: float
    change: float
    noise_level: float


@lru_cache(maxsize=64)
def _inversion_counts(n: int) -> tuple[int, ...]:
    """Permutations of ``n`` items per number of inversions (Mahonian numbers, exact integers)."""
    counts = [1]
    for k in range(2, n + 1):  # inserting the k-th item adds 0 … k-1 inversions
        longer = [0] * (len(counts) + k - 1)
        for inversions, ways in enumerate(counts):
            for extra in range(k):
                longer[inversions + extra] += ways
        counts = longer
    return tuple(counts)


def mann_kendall(values: np.ndarray) -> tuple[int, float]:
    """``S`` and its exact two-sided p-value under "every order equally likely" (ties count 0, conservative)."""
    x = np.asarray(values, dtype=np.float64)
    n = x.size
    if n < 2:
        return 0, 1.0
    i, j = np.triu_indices(n, k=1)
    s = int(np.sign(x[j] - x[i]).sum())
    counts = np.array(_inversion_counts(n), dtype=object)
    pairs = n * (n - 1) // 2
    statistic = pairs - 2 * np.arange(counts.size)  # S of a permutation with that many inversions
    extreme = int(sum(counts[np.abs(statistic) >= abs(s)]))
    return s, min(1.0, extreme / int(sum(counts)))


def sen_slope(values: np.ndarray) -> float:
    """Median of the pairwise slopes ``(x_j − x_i) / (j − i)``, per window."""
    x = np.asarray(values, dtype=np.float64)
    if x.size < 2:
        return float("nan")
    i, j = np.triu_indices(x.size, k=1)
    return float(np.median((x[j] - x[i]) / (j - i)))


def psi_trend(peaks: pd.DataFrame, *, last: int = LAST_WINDOWS, alpha: float = ALPHA,
              min_windows: int = MIN_WINDOWS) -> Trend:
    """The trend of ``psi_max`` over the last ``last`` windows with enough data (rule in the module docstring)."""
    if last < min_windows:
        raise ValueError(f"last: expected at least min_windows ({min_windows}) windows, found {last}")
    judged = peaks[(peaks["status"] != STATUS_INSUFFICIENT) & peaks["psi_max"].notna()].tail(last)
    n = len(judged)
    first_day = pd.Timestamp(judged["window_start"].iloc[0]) if n else None
    last_day = pd.Timestamp(judged["window_start"].iloc[-1]) if n else None
    if n < min_windows:
        nan = float("nan")
        return Trend(TREND_INSUFFICIENT, n, first_day, last_day, 0, nan, nan, nan, nan)
    values = judged["psi_max"].to_numpy(dtype=np.float64)
    s, p_value = mann_kendall(values)
    slope = sen_slope(values)
    change = slope * (n - 1)
    noise = float(np.median(judged["noise_level"].to_numpy(dtype=np.float64)))
    direction = TREND_STABLE
    if p_value < alpha and s > 0 and change > noise:
        direction = TREND_RISING
    elif p_value < alpha and s < 0 and -change > noise:
        direction = TREND_FALLING
    return Trend(direction, n, first_day, last_day, s, p_value, slope, change, noise)
