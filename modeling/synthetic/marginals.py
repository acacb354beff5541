"""Marginal distributions of the synthetic loan fields and the samplers that draw from them.

Every table is an *aggregate* (rounded quantiles or value shares) derived once
from the real dataset's statistics; no row of the real file is stored here.
Samplers take uniforms so that a Gaussian copula (``latent.py``) can correlate
the fields while each keeps its own marginal.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class QuantileTable:
    """A continuous distribution given by knots of its quantile function.

    Parameters
    ----------
    probs, values
        Increasing cumulative probabilities (0 … 1) and the matching values.
    log
        Interpolate in log space (for positive, right-skewed amounts).
    """

    probs: tuple[float, ...]
    values: tuple[float, ...]
    log: bool = True

    def sample(self, u: np.ndarray) -> np.ndarray:
        """Map uniforms in [0, 1] to values by piecewise-linear interpolation of the quantile function."""
        if self.log:
            return np.exp(np.interp(u, self.probs, np.log(self.values)))
        return np.interp(u, self.probs, self.values)


@dataclass(frozen=True)
class ShareTable:
    """A discrete distribution: ordered values and their shares (normalised on use)."""

    values: tuple[float, ...]
    shares: tuple[float, ...]

    def sample(self, u: np.ndarray) -> np.ndarray:
        """Inverse-CDF draw: larger uniforms give larger values, so copula correlation carries over."""
        cdf = np.cumsum(self.shares) / np.sum(self.shares)
        index = np.minimum(np.searchsorted(cdf, u, side="right"), len(self.values) - 1)
        return np.asarray(self.values)[index]


def exact_rows(rng: np.random.Generator, candidates: np.ndarray, share: float, n_rows: int) -> np.ndarray:
    """Pick ``round(share * n_rows)`` distinct positions from ``candidates`` (fewer if there are not enough)."""
    count = min(round(share * n_rows), len(candidates))
    return rng.choice(candidates, size=count, replace=False)


def _counts(shares: dict[int, float]) -> ShareTable:
    values = tuple(sorted(shares))
    return ShareTable(values, tuple(shares[v] for v in values))


# Continuous amounts (COP). Outer knots are rounded, not observed extremes.
CAPITAL = QuantileTable(
    (0.0, 0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99, 0.999, 1.0),
    (3.6e5, 4.7e5, 6.4e5, 8.2e5, 1.22e6, 1.92e6, 3.08e6, 4.45e6, 5.94e6, 8.9e6, 1.5e7, 4.0e7),
)
SALARY = QuantileTable(
    (0.0, 0.005, 0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 1.0),
    (5.0e5, 9.0e5, 1.0e6, 1.2e6, 1.5e6, 2.0e6, 3.0e6, 4.9e6, 7.5e6, 1.0e7, 2.0e7, 4.0e7, 2.8e8, 1.0e9,
     3.3e9, 2.0e10),
)
OTHER_LOANS = QuantileTable(  # the positive part; zeros and the small-loan share drift (drift.py)
    (0.0, 0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 1.0),
    (1.0e4, 7.8e4, 2.0e5, 3.0e5, 5.0e5, 1.0e6, 2.0e6, 3.0e6, 5.0e6, 9.0e6, 1.8e7, 8.0e7, 5.8e8, 1.2e9,
     6.5e9),
)
BUREAU_INCOME = QuantileTable(  # promedio_ingresos_datacredito, positive part
    (0.0, 0.01, 0.015, 0.02, 0.03, 0.05, 0.07, 0.10, 0.15, 0.25, 0.35, 0.40, 0.50, 0.60, 0.70, 0.80, 0.90,
     0.95, 0.99, 0.999, 1.0),
    (2.0e4, 3.0e4, 3.3e4, 9.0e4, 3.3e5, 6.2e5, 7.6e5, 8.5e5, 9.1e5, 9.26e5, 9.7e5, 1.0e6, 1.2e6, 1.5e6,
     1.91e6, 2.73e6, 4.2e6, 6.0e6, 1.08e7, 2.1e7, 3.8e7),
)
BUREAU_SCORE = QuantileTable(  # puntaje_datacredito of clients with a bureau history
    (0.0, 0.002, 0.005, 0.01, 0.02, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99, 0.999, 1.0),
    (250.0, 560.0, 668.0, 684.0, 699.0, 715.0, 729.0, 758.0, 792.0, 826.0, 856.0, 873.0, 900.0, 935.0, 999.0),
    log=False,
)
AGE = QuantileTable(  # plausible ages; the 121–123 oddity is injected later
    (0.0, 0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99, 1.0),
    (18.6, 21.7, 25.0, 28.0, 33.0, 42.0, 52.3, 60.0, 64.0, 68.0, 69.5),
    log=False,
)
BALANCE = QuantileTable(  # saldo_total, positive part
    (0.0, 0.01, 0.05, 0.10, 0.15, 0.20, 0.30, 0.40, 0.50, 0.60, 0.75, 0.90, 0.95, 0.99, 1.0),
    (1.0, 46.0, 320.0, 1.0e3, 1.94e3, 3.18e3, 6.63e3, 1.2e4, 1.96e4, 3.04e4, 5.73e4, 1.27e5, 1.94e5, 3.78e5, 5.0e6),
)
BALANCE_ZERO_SHARE = 0.074
OVERDUE = QuantileTable((0.0, 0.25, 0.5, 0.75, 1.0), (17.0, 90.0, 236.0, 1.3e3, 1.25e4))

# Discrete fields.
TERMS = _counts({2: 0.0162, 3: 0.0099, 4: 0.0061, 5: 0.0216, 6: 0.309, 7: 0.002, 8: 0.0489, 9: 0.0604,
                 10: 0.1412, 11: 0.0301, 12: 0.247, 18: 0.0256, 20: 0.0013, 24: 0.0431, 30: 0.0017,
                 36: 0.0358, 48: 0.0001, 90: 0.0001})
ACTIVE_CREDITS = _counts({0: 0.0376, 1: 0.0591, 2: 0.0973, 3: 0.112, 4: 0.1297, 5: 0.1173, 6: 0.104,
                          7: 0.0806, 8: 0.0716, 9: 0.0521, 10: 0.0377, 11: 0.0269, 12: 0.0195, 13: 0.0154,
                          14: 0.0094, 15: 0.0072, 16: 0.0043, 17: 0.0042, 18: 0.0028, 19: 0.002, 20: 0.0015,
                          21: 0.0019, 22: 0.0011, 24: 0.0013, 26: 0.0016, 30: 0.0012, 35: 0.0005, 60: 0.0002})
INQUIRIES = _counts({0: 0.065, 1: 0.0688, 2: 0.1834, 3: 0.1754, 4: 0.1349, 5: 0.1068, 6: 0.0786, 7: 0.0586,
                     8: 0.04, 9: 0.0291, 10: 0.0188, 11: 0.0129, 12: 0.0075, 13: 0.0056, 14: 0.004, 15: 0.0035,
                     16: 0.0023, 17: 0.0014, 18: 0.0008, 19: 0.0007, 20: 0.0006, 21: 0.0006, 25: 0.0007})
FINANCIAL_SECTOR = _counts({0: 0.1788, 1: 0.1923, 2: 0.189, 3: 0.1383, 4: 0.1036, 5: 0.0706, 6: 0.0465,
                            7: 0.0313, 8: 0.0159, 9: 0.0106, 10: 0.0067, 11: 0.004, 12: 0.0034, 13: 0.0022,
                            14: 0.0015, 15: 0.0014, 16: 0.0011, 17: 0.0006, 20: 0.0012, 25: 0.0008,
                            30: 0.0003})
COOPERATIVE_SECTOR = _counts({0: 0.8239, 1: 0.117, 2: 0.0389, 3: 0.0127, 4: 0.0041, 5: 0.0015, 6: 0.0011,
                              8: 0.0007})
REAL_SECTOR = _counts({0: 0.4112, 1: 0.2775, 2: 0.1498, 3: 0.0734, 4: 0.0366, 5: 0.019, 6: 0.0116, 7: 0.0076,
                       8: 0.0038, 9: 0.0027, 10: 0.002, 11: 0.0011, 12: 0.0008, 13: 0.0009, 15: 0.0007,
                       18: 0.0011})

# Shares of categorical fields (the rest of each field's story lives in drift.py and oddities.py).
SELF_EMPLOYED_SHARE = 0.3725
TREND_SHARES = {"Creciente": 0.676, "Decreciente": 0.165, "Estable": 0.152}  # among rows with a known trend
PRODUCT_10_SHARE = 0.011
RARE_PRODUCT_SHARES = {6: 0.002, 7: 0.0002, 68: 0.0001}
