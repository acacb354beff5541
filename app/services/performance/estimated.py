"""Estimated performance without outcomes: confidence-based performance estimation (CBPE, as NannyML describes it),
from the calibrated ``prob_default`` held on the profiles' fine score bins.

If the probabilities are calibrated, a row scored ``p`` is late with probability ``p``. Summing over the rows of
a window gives the expected confusion matrix: flagged rows (prediction 0, ``p ≥ threshold``) add ``p`` to the
expected true positives and ``1 − p`` to the false positives; the others add ``p`` to the false negatives and
``1 − p`` to the true negatives. recall_0, precision_0 and f1_0 follow from it, and ROC-AUC is the AUC of the
expected ROC curve (late weight ``p``, on-time weight ``1 − p`` per row, ties within a bin counted half).

Binning: the profiles hold counts per fine bin (2,000 bins uniform in logit over [−10, 10]), not each row's
score, so every row of a bin is taken at the bin's logit midpoint (at most half a bin, 0.005 in logit, away);
the rows flagged in the bin holding the threshold are known exactly from the class counts. The unit test
compares this with the per-row computation.

Interval: where the realised value should fall with 95 % probability if the probabilities are calibrated —
outcomes as independent Bernoulli(p) draws, normal approximation (delta method) for recall, precision and F1,
Hanley–McNeil with the expected class sizes for ROC-AUC. The estimate covers every row of the window (labels
ignored), so where outcomes exist it is directly comparable with the realised value.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from app.services.performance import intervals
from app.services.performance.realised import roc_auc_rows
from app.services.performance.window_counts import WindowCounts

ESTIMATED_METRICS = ("roc_auc", "recall_0", "precision_0", "f1_0")
FRAME_COLUMNS = ["window", "metric", "value", "low", "high", "n", "n_unlabelled"]


def expected_confusion(counts: WindowCounts, threshold: float) -> pd.DataFrame:
    """Per window: expected ``tp``, ``fp``, ``fn``, ``tn`` and the variances ``var_tp``, ``var_fn``."""
    fine = counts.fine.astype(np.float64)
    m = counts.midpoints
    at = int(np.searchsorted(counts.bounds, threshold, side="right") - 1)  # the bin holding the threshold
    above = np.arange(fine.shape[1]) > at
    in_bin = np.clip(counts.flagged - fine[:, above].sum(axis=1), 0, fine[:, at])  # flagged rows of that bin
    rest = fine[:, at] - in_bin
    late, ontime, spread = fine * m, fine * (1 - m), fine * m * (1 - m)
    mt = m[at]
    return pd.DataFrame({
        "window": counts.starts,
        "tp": late[:, above].sum(axis=1) + in_bin * mt, "fp": ontime[:, above].sum(axis=1) + in_bin * (1 - mt),
        "fn": late[:, :at].sum(axis=1) + rest * mt, "tn": ontime[:, :at].sum(axis=1) + rest * (1 - mt),
        "var_tp": spread[:, above].sum(axis=1) + in_bin * mt * (1 - mt),
        "var_fn": spread[:, :at].sum(axis=1) + rest * mt * (1 - mt)})


def estimated_frame(counts: WindowCounts, threshold: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long table of estimated metrics (one row per window and metric) and the expected confusion per window."""
    cm = expected_confusion(counts, threshold)
    tp, fp, fn = cm["tp"].to_numpy(), cm["fp"].to_numpy(), cm["fn"].to_numpy()
    var_tp, var_fn = cm["var_tp"].to_numpy(), cm["var_fn"].to_numpy()
    flagged = tp + fp
    late_total = tp + fn
    with np.errstate(invalid="ignore", divide="ignore"):
        recall = tp / late_total
        recall_se = np.sqrt(fn**2 * var_tp + tp**2 * var_fn) / late_total**2
        precision = np.where(flagged > 0, tp / flagged, np.nan)
        precision_se = np.sqrt(var_tp) / flagged
        denominator = flagged + late_total
        f1 = 2 * tp / denominator
        f1_se = 2 * np.sqrt((flagged + fn) ** 2 * var_tp + tp**2 * var_fn) / denominator**2
    fine = counts.fine.astype(np.float64)
    weight_late, weight_ontime = fine * counts.midpoints, fine * (1 - counts.midpoints)
    auc = roc_auc_rows(weight_late, weight_ontime)
    auc_se = intervals.auc_se(auc, weight_late.sum(axis=1), weight_ontime.sum(axis=1))
    values = {"roc_auc": (auc, auc_se), "recall_0": (recall, recall_se), "precision_0": (precision, precision_se),
              "f1_0": (f1, f1_se)}
    rows = counts.rows.astype(np.int64)
    unlabelled = rows - counts.n_labelled
    parts = []
    for metric in ESTIMATED_METRICS:
        value, se = values[metric]
        low, high = intervals.normal_interval(value, se)
        parts.append(pd.DataFrame({"window": counts.starts, "metric": metric, "value": value, "low": low,
                                   "high": high, "n": rows, "n_unlabelled": unlabelled}))
    return pd.concat(parts, ignore_index=True)[FRAME_COLUMNS], cm
