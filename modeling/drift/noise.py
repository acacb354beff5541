"""How much PSI sampling noise alone produces, and the status rule built on it.

With the bins fixed, PSI between two samples of one distribution is approximately
``(1/n_ref + 1/n_cur) · χ²(B − 1)`` (Yurdakul 2018), where ``B`` is the number of bins that are
non-empty on at least one side. The *noise level* of a PSI value is the ``NOISE_QUANTILE`` (95 %)
quantile of that law for its own sample sizes and bins: under no drift PSI exceeds it ~5 % of the time.

Status rule (per variable, per window)
--------------------------------------
* ``insufficient data`` — the current sample is too small to tell: fewer than ``min_rows`` rows
  (default ``MIN_ROWS`` = 30, below which the χ² approximation is poor), or a noise level that reaches
  the first band (sampling noise alone would then often read as *Moderado*: with 10 bins and a large
  reference that is any window under ~170 rows). Never an alert; PSI and band are still reported.
* ``stable`` — PSI in the first band (*Bajo*). ``above_noise`` in the report tells whether even this
  small value is beyond sampling noise (a real but small shift on a large sample).
* ``drift`` — PSI in a band ≥ *Moderado* **and** above its noise level: the only status that alerts.
  Since a sample is judged only when its noise level is below the first band, a PSI in a band
  ≥ *Moderado* is then always above its noise level; the condition is still checked explicitly.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.special import chdtri

from modeling.drift.psi import DEFAULT_BANDS, band_index, validate_bands

NOISE_QUANTILE = 0.95
MIN_ROWS = 30
STATUS_INSUFFICIENT = "insufficient data"
STATUS_STABLE = "stable"
STATUS_DRIFT = "drift"


def noise_level(n_ref: np.ndarray | int, n_cur: np.ndarray | int, n_bins: np.ndarray | int,
                quantile: float = NOISE_QUANTILE) -> np.ndarray | float:
    """``quantile`` of ``(1/n_ref + 1/n_cur) · χ²(n_bins − 1)``; 0 for a single bin, NaN for an empty sample."""
    if not 0 < quantile < 1:
        raise ValueError(f"quantile: expected a probability in (0, 1), found {quantile!r}")
    n_ref, n_cur, n_bins = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (n_ref, n_cur, n_bins)))
    dof = n_bins - 1
    critical = np.where(dof >= 1, chdtri(np.maximum(dof, 1), 1 - quantile), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        level = (1 / n_ref + 1 / n_cur) * critical
    level = np.where((n_ref > 0) & (n_cur > 0), level, np.nan)
    return float(level) if level.ndim == 0 else level


def classify(psi: np.ndarray | float, noise: np.ndarray | float, n_cur: np.ndarray | int,
             bands: Sequence[float] = DEFAULT_BANDS, min_rows: int = MIN_ROWS) -> tuple[np.ndarray, np.ndarray]:
    """Status (see the module docstring) and alert flag for each PSI value, element-wise."""
    low, _ = validate_bands(bands)
    psi, noise, n_cur = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (psi, noise, n_cur)))
    insufficient = ~(n_cur >= min_rows) | np.isnan(psi) | ~(noise < low)
    band = band_index(psi, bands)
    alert = ~insufficient & (band >= 1) & (psi > noise)
    status = np.where(insufficient, STATUS_INSUFFICIENT, np.where(alert, STATUS_DRIFT, STATUS_STABLE))
    return status.astype(object), alert
