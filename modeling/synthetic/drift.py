"""Month-by-month schedules that make the synthetic data drift like the real loans did.

One value per month, 2024-11 … 2026-04 (rounded aggregates of the real monthly
figures): the 6-month term share rises from ≈ 0.22 to ≈ 0.55 in mid-2025 and falls
back, 36-month terms grow from ≈ 0.02 to ≈ 0.2, the product-9 share climbs to ≈ 0.7
in the last (tiny) month, the median capital goes from ≈ 1.5–1.8 M to ≈ 3.25 M, and
the late-payment rate drifts down from ≈ 7 % to ≈ 2 % before recovering a little.
Two client fields drift too: the bureau income piles up at a floor of ≈ 0.92 M until the
spring of 2025 (≈ 2/3 of the 0.9–1.2 M band) and then moves just above it, and from
2025-08 on many more clients carry small other loans (< 0.3 M: ≈ 9 % → ≈ 25–30 %).
"""
from __future__ import annotations

import numpy as np

from modeling.synthetic.marginals import TERMS

TERM_6_SHARE = (0.23, 0.22, 0.26, 0.25, 0.29, 0.29, 0.32, 0.34, 0.45, 0.56, 0.51, 0.42, 0.28, 0.25, 0.24,
                0.24, 0.18, 0.15)
TERM_12_SHARE = (0.32, 0.36, 0.48, 0.28, 0.27, 0.18, 0.10, 0.08, 0.08, 0.11, 0.10, 0.10, 0.17, 0.13, 0.15,
                 0.13, 0.12, 0.12)
TERM_36_SHARE = (0.04, 0.03, 0.02, 0.03, 0.03, 0.02, 0.03, 0.03, 0.04, 0.04, 0.04, 0.07, 0.09, 0.19, 0.20,
                 0.15, 0.15, 0.17)
PRODUCT_9_SHARE = (0.21, 0.19, 0.13, 0.29, 0.27, 0.34, 0.42, 0.44, 0.31, 0.16, 0.23, 0.26, 0.35, 0.21, 0.24,
                   0.30, 0.45, 0.73)
CAPITAL_LEVEL = (1.50e6, 1.86e6, 2.00e6, 1.90e6, 1.92e6, 1.82e6, 1.72e6, 1.85e6, 1.97e6, 2.03e6, 2.02e6,
                 2.12e6, 2.20e6, 3.15e6, 3.05e6, 3.20e6, 3.35e6, 3.50e6)  # ≈ the month's median principal
LATE_RATE = (0.070, 0.060, 0.047, 0.058, 0.051, 0.060, 0.044, 0.038, 0.032, 0.034, 0.022, 0.020, 0.035,
             0.025, 0.040, 0.045, 0.045, 0.050)
INCOME_FLOOR_FRACTION = (0.54, 0.68, 0.68, 0.67, 0.61, 0.38, 0.16, 0.09, 0.11, 0.08, 0.08, 0.09, 0.05, 0.07,
                         0.0, 0.0, 0.0, 0.0)  # share of the 0.905–1.19 M income band sitting at the floor
OTHER_LOANS_ZERO = (0.04, 0.02, 0.02, 0.04, 0.03, 0.05, 0.03, 0.03, 0.05, 0.08, 0.09, 0.09, 0.08, 0.15, 0.09,
                    0.13, 0.08, 0.0)  # share of clients without other loans
OTHER_LOANS_SMALL = (0.16, 0.09, 0.08, 0.09, 0.09, 0.11, 0.10, 0.10, 0.15, 0.24, 0.28, 0.29, 0.21, 0.30, 0.25,
                     0.33, 0.32, 0.09)  # share with other loans below 0.3 M (zeros included)
OVERALL_CAPITAL_MEDIAN = 1.92e6
_DRIVEN_TERMS = (6, 12, 36)


def term_probabilities() -> tuple[np.ndarray, np.ndarray]:
    """Per-month term distribution.

    Returns
    -------
    terms, probs
        The sorted term values and a (months × terms) matrix of probabilities: the
        6/12/36-month shares follow the schedules, the other terms keep their
        overall relative shares.
    """
    terms = np.asarray(TERMS.values)
    base = np.asarray(TERMS.shares, dtype=float)
    driven = np.isin(terms, _DRIVEN_TERMS)
    others = np.where(driven, 0.0, base) / base[~driven].sum()
    scheduled = {6: TERM_6_SHARE, 12: TERM_12_SHARE, 36: TERM_36_SHARE}
    months = len(TERM_6_SHARE)
    probs = np.empty((months, len(terms)))
    for m in range(months):
        fixed = {t: scheduled[t][m] for t in _DRIVEN_TERMS}
        probs[m] = others * (1.0 - sum(fixed.values()))
        for term, share in fixed.items():
            probs[m, terms == term] = share
    return terms, probs


def capital_factor(month: np.ndarray) -> np.ndarray:
    """Multiplier of the overall capital distribution for each loan's month."""
    return np.asarray(CAPITAL_LEVEL)[month] / OVERALL_CAPITAL_MEDIAN


def risk_offset(month: np.ndarray) -> np.ndarray:
    """Log-odds shift of the late-payment risk for each loan's month (0 = the overall rate)."""
    rate = np.asarray(LATE_RATE)
    overall = 0.0475
    offsets = np.log(rate / (1 - rate)) - np.log(overall / (1 - overall))
    return offsets[month]


def income_floor_fraction(month: np.ndarray) -> np.ndarray:
    """Share of each loan's month of the 0.905–1.19 M bureau-income band that sits at the ≈ 0.92 M floor."""
    return np.asarray(INCOME_FLOOR_FRACTION)[month]


def other_loans_low_shares(month: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shares of clients with no other loans and with other loans below 0.3 M, for each loan's month."""
    return np.asarray(OTHER_LOANS_ZERO)[month], np.asarray(OTHER_LOANS_SMALL)[month]
