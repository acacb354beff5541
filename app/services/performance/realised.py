"""Realised performance per window on the rows whose outcome is known, with 95 % intervals, from profile counts.

Class 0 (late payment) is the positive class. Exactness (see also :mod:`app.services.performance.labelled`):
the confusion matrix, recall_0, precision_0 and f1_0 are exact (confusion cells); Brier is exact (labelled sums);
ROC-AUC and Gini count a late and an on-time row sharing a fine bin as a tie (error below half the share of such
pairs, < 1e-3 in practice); KS is exact at the fine bin edges (the true maximum may lie inside a bin); PR-AUC is
the expected average precision with the rows of a bin in random order. Intervals: :mod:`.intervals`.

A window with fewer than ``min_late`` late or on-time labelled rows is marked ``insufficient`` ("datos
insuficientes"): its values are left empty.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import digamma

from app.services.performance import intervals
from app.services.performance.stats import wilson_interval
from app.services.performance.window_counts import WindowCounts

REALISED_METRICS = ("roc_auc", "gini", "ks", "pr_auc_0", "recall_0", "precision_0", "f1_0", "brier")
FRAME_COLUMNS = ["window", "metric", "value", "low", "high", "n", "n_late", "insufficient"]


def roc_auc_rows(late: np.ndarray, ontime: np.ndarray) -> np.ndarray:
    """ROC-AUC per row of (groups × bins) weights, ties within a bin counted half (NaN: a class is empty)."""
    below = np.cumsum(ontime, axis=1) - ontime
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sum(late * (below + 0.5 * ontime), axis=1) / (late.sum(axis=1) * ontime.sum(axis=1))


def average_precision_rows(late: np.ndarray, ontime: np.ndarray) -> np.ndarray:
    """Average precision per row (closed form per bin, see ``labelled.average_precision``); the digamma terms
    are evaluated only on bins holding late rows."""
    p, q = late[:, ::-1].astype(np.float64), ontime[:, ::-1].astype(np.float64)
    a = np.cumsum(p, axis=1) - p
    b = a + np.cumsum(q, axis=1) - q
    row, column = np.nonzero(p)
    p, q, a, b = p[row, column], q[row, column], a[row, column], b[row, column]
    c = 1.0 + q / (p + 1.0)
    terms = p / c + (a - b / c) / c * (digamma(b / c + p + 1.0) - digamma(b / c + 1.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.bincount(row, weights=terms, minlength=len(late)) / late.sum(axis=1)


def realised_frame(counts: WindowCounts, min_late: int) -> pd.DataFrame:
    """Long table: one row per (window, metric) with ``value``, ``low``, ``high``, ``n`` (labelled rows),
    ``n_late`` and ``insufficient``."""
    late, ontime = counts.late.astype(np.float64), counts.ontime.astype(np.float64)
    n1, n0 = late.sum(axis=1), ontime.sum(axis=1)
    n = n1 + n0
    c = counts.confusion.astype(np.float64)
    tp, flagged = c[:, 0], c[:, 0] + c[:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        recall, precision = tp / n1, np.where(flagged > 0, tp / flagged, 0.0)
        f1 = np.where(2 * tp + c[:, 1] + c[:, 2] > 0, 2 * tp / (2 * tp + c[:, 1] + c[:, 2]), 0.0)
        brier = (counts.prob_sq - 2 * counts.prob_late + n1) / n
        cum1, cum0 = np.cumsum(late, axis=1) / n1[:, None], np.cumsum(ontime, axis=1) / n0[:, None]
    insufficient = (n1 < min_late) | (n0 < min_late)
    ok = ~insufficient  # curve metrics on the windows that are shown only
    auc, ap = np.full(len(n), np.nan), np.full(len(n), np.nan)
    auc[ok], ap[ok] = roc_auc_rows(late[ok], ontime[ok]), average_precision_rows(late[ok], ontime[ok])
    gap = np.abs(np.nan_to_num(cum0 - cum1, nan=0.0))
    at = gap.argmax(axis=1)
    rows = np.arange(len(n))
    ks = gap[rows, at]
    values = {"roc_auc": (auc, *intervals.normal_interval(auc, intervals.auc_se(auc, n1, n0))),
              "pr_auc_0": (ap, *intervals.logit_interval(ap, n1)),
              "recall_0": (recall, *wilson_interval(tp, n1)),
              "precision_0": (precision, *wilson_interval(tp, flagged)),
              "f1_0": (f1, *intervals.f1_bootstrap(np.where(insufficient[:, None], 0, counts.confusion))),
              "ks": (ks, *intervals.normal_interval(ks, intervals.ks_se(cum1[rows, at], cum0[rows, at], n1, n0))),
              "brier": (brier, *intervals.normal_interval(brier, _brier_se(counts, brier, n)))}
    auc_low, auc_high = values["roc_auc"][1:]
    values["gini"] = (2 * auc - 1, 2 * auc_low - 1, 2 * auc_high - 1)
    parts = []
    for metric in REALISED_METRICS:
        value, low, high = (np.where(insufficient, np.nan, v) for v in values[metric])
        parts.append(pd.DataFrame({"window": counts.starts, "metric": metric, "value": value, "low": low,
                                   "high": high, "n": n.astype(np.int64), "n_late": n1.astype(np.int64),
                                   "insufficient": insufficient}))
    return pd.concat(parts, ignore_index=True)[FRAME_COLUMNS]


def _brier_se(counts: WindowCounts, brier: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Standard error of the mean squared error, the per-row terms taken at the bin midpoints."""
    m = counts.midpoints
    second = counts.late @ ((1 - m) ** 4) + counts.ontime @ (m**4)
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = np.maximum(second / n - brier**2, 0.0)
        return np.sqrt(variance / n)


def band_frame(counts: WindowCounts, bands: tuple[str, ...], cuts: tuple[float, ...]) -> pd.DataFrame:
    """Observed vs predicted late rate per (window, risk band) on labelled rows: ``n``, ``late``, ``observed``
    (Wilson ``low``/``high``) and ``predicted`` (mean score). Fine bins join the band of their midpoint, so a bin
    straddling a cut point is counted whole in one band (its rows are within one fine bin of the cut)."""
    band_of_bin = np.searchsorted(np.asarray(cuts, dtype=np.float64), counts.midpoints, side="right")
    one_hot = np.eye(len(bands))[band_of_bin]  # (bins × bands)
    labelled = counts.late + counts.ontime
    n = labelled @ one_hot
    late = counts.late @ one_hot
    predicted_sum = (labelled * counts.midpoints) @ one_hot
    low, high = wilson_interval(late, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        observed, predicted = late / n, predicted_sum / n
    windows = np.repeat(np.asarray(counts.starts, dtype="datetime64[ns]"), len(bands))
    return pd.DataFrame({"window": windows, "band": np.tile(np.asarray(bands, dtype=object), len(counts)),
                         "n": n.ravel().astype(np.int64), "late": late.ravel().astype(np.int64),
                         "observed": observed.ravel(), "low": low.ravel(), "high": high.ravel(),
                         "predicted": predicted.ravel()})
