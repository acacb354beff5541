"""Loan dates of the synthetic dataset: 17 months of volume that peaks early and then collapses.

Dates run from 2024-11-26 to 2026-04-26 (both partial months) during business-like
hours, with the monthly volume shape of the real data (≈ 1,900 loans in 2025-01
down to about a dozen in 2026-04).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

FIRST_MONTH = pd.Period("2024-11", freq="M")
FIRST_DAY = 26  # the first month starts on this day
LAST_DAY = 26  # the last month ends on this day
MONTHLY_VOLUME: tuple[float, ...] = (  # share of loans per month, 2024-11 … 2026-04
    0.0173, 0.1130, 0.1781, 0.1016, 0.1036, 0.1024, 0.1006, 0.0618, 0.0598,
    0.0516, 0.0335, 0.0215, 0.0154, 0.0162, 0.0118, 0.0071, 0.0037, 0.0010,
)
N_MONTHS = len(MONTHLY_VOLUME)
HOUR_SHARES: dict[int, float] = {  # hour of day → share of loans
    7: 0.005, 8: 0.035, 9: 0.044, 10: 0.084, 11: 0.105, 12: 0.104, 13: 0.081,
    14: 0.084, 15: 0.116, 16: 0.129, 17: 0.109, 18: 0.084, 19: 0.017, 20: 0.001,
}


def allocate(n_rows: int, shares: np.ndarray) -> np.ndarray:
    """Split ``n_rows`` into integer counts proportional to ``shares`` (largest remainder)."""
    shares = np.asarray(shares, dtype=float) / np.sum(shares)
    exact = shares * n_rows
    counts = np.floor(exact).astype(int)
    remainder = n_rows - counts.sum()
    counts[np.argsort(-(exact - counts), kind="stable")[:remainder]] += 1
    return counts


def sample_loan_dates(rng: np.random.Generator, n_rows: int) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Draw loan timestamps with the real monthly volume shape.

    Parameters
    ----------
    rng
        Random state.
    n_rows
        Number of loans.

    Returns
    -------
    dates, month
        Naive timestamps with time of day (sorted by month, not shuffled) and the
        month index of each loan (0 = 2024-11 … 17 = 2026-04).
    """
    month = np.repeat(np.arange(N_MONTHS), allocate(n_rows, np.array(MONTHLY_VOLUME)))
    periods = [FIRST_MONTH + int(m) for m in range(N_MONTHS)]
    first = np.array([FIRST_DAY if m == 0 else 1 for m in range(N_MONTHS)])
    last = np.array([LAST_DAY if m == N_MONTHS - 1 else periods[m].days_in_month for m in range(N_MONTHS)])
    day = first[month] + np.floor(rng.random(n_rows) * (last[month] - first[month] + 1)).astype(int)
    hours = np.array(list(HOUR_SHARES))
    hour = hours[np.minimum(np.searchsorted(np.cumsum(list(HOUR_SHARES.values())) / sum(HOUR_SHARES.values()),
                                            rng.random(n_rows), side="right"), len(hours) - 1)]
    seconds = rng.integers(0, 3600, n_rows)
    month_start = np.array([p.to_timestamp().value for p in periods], dtype="int64")
    nanos = (month_start[month] + (day - 1) * 86_400 * 10**9 + (hour * 3600 + seconds) * 10**9)
    return pd.DatetimeIndex(nanos.astype("datetime64[ns]")), month
