"""95 % confidence intervals of performance metrics computed from counts, element-wise over windows.

Choices (cheap enough to compute for every window on every render, documented in the README):

* proportions (recall_0, precision_0, observed late rates): Wilson score interval;
* ROC-AUC: Hanley & McNeil (1982) standard error from the AUC and the class counts, normal interval; Gini is
  ``2·AUC − 1`` with the interval mapped the same way;
* KS: normal interval of the difference of the two classes' cumulative shares at the score where KS is reached
  (ignores the choice of that score, so slightly narrow for small samples);
* PR-AUC (average precision): Boyd et al. (2013) logit interval, ``logit(AP) ± z / sqrt(n_late · AP · (1 − AP))``;
* Brier: normal interval from the variance of the per-row squared errors, taken on fine-bin midpoints;
* F1: percentile bootstrap of the confusion matrix (multinomial, fixed seed: the same counts give the same
  interval).
"""
from __future__ import annotations

import numpy as np

Z = 1.959963984540054
BOOTSTRAP_DRAWS = 500


def normal_interval(value: np.ndarray, se: np.ndarray, low: float = 0.0, high: float = 1.0
                    ) -> tuple[np.ndarray, np.ndarray]:
    """``value ± Z·se`` clipped to ``[low, high]`` (NaN where either is NaN)."""
    value, se = np.asarray(value, dtype=np.float64), np.asarray(se, dtype=np.float64)
    return np.clip(value - Z * se, low, high), np.clip(value + Z * se, low, high)


def auc_se(auc: np.ndarray, n_late: np.ndarray, n_ontime: np.ndarray) -> np.ndarray:
    """Hanley–McNeil standard error of ROC-AUC (NaN where a class is empty)."""
    a = np.asarray(auc, dtype=np.float64)
    n1, n0 = np.asarray(n_late, dtype=np.float64), np.asarray(n_ontime, dtype=np.float64)
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = (a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n0 - 1) * (q2 - a * a)) / (n1 * n0)
    return np.sqrt(np.maximum(variance, 0.0))


def logit_interval(value: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Boyd's logit interval of a proportion-like score from ``n`` positives."""
    v = np.clip(np.asarray(value, dtype=np.float64), 1e-9, 1 - 1e-9)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        half = Z / np.sqrt(np.asarray(n, dtype=np.float64) * v * (1 - v))
        logit = np.log(v / (1 - v))
        return 1 / (1 + np.exp(-(logit - half))), 1 / (1 + np.exp(-(logit + half)))


def f1_bootstrap(confusion: np.ndarray, draws: int = BOOTSTRAP_DRAWS, seed: int = 0
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of F1 of class 0 per row of ``confusion`` (cells ``pred * 2 + actual``)."""
    c = np.asarray(confusion, dtype=np.int64)
    n = c.sum(axis=1)
    low, high = np.full(len(c), np.nan), np.full(len(c), np.nan)
    usable = n > 0
    if not usable.any():
        return low, high
    rng = np.random.default_rng(seed)
    shares = c[usable] / n[usable, None]
    sample = rng.multinomial(n[usable], shares, size=(draws, int(usable.sum())))  # (draws, windows, 4)
    tp, fp, fn = sample[..., 0], sample[..., 1], sample[..., 2]
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
    low[usable], high[usable] = np.quantile(f1, [0.025, 0.975], axis=0)
    return low, high


def ks_se(late_share: np.ndarray, ontime_share: np.ndarray, n_late: np.ndarray, n_ontime: np.ndarray
          ) -> np.ndarray:
    """Standard error of the difference of two cumulative shares (independent binomials)."""
    f1, f0 = np.asarray(late_share, dtype=np.float64), np.asarray(ontime_share, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt(f1 * (1 - f1) / n_late + f0 * (1 - f0) / n_ontime)
