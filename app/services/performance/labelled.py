"""Model performance on logged predictions whose real outcome is known (``actual`` not null).

Class 0 of ``Pago_atiempo`` (late payment) is the positive class throughout. Metrics and the confusion
matrix come from :mod:`modeling.evaluate`; this module adds the curves and the reliability table.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_curve, roc_curve

from app.services.performance.stats import wilson_interval
from modeling.evaluate import classification_metrics, confusion, is_risk

MAX_CURVE_POINTS = 300
MAX_CALIBRATION_BINS = 10
ROWS_PER_CALIBRATION_BIN = 30


@dataclass(frozen=True)
class LabelledEvaluation:
    """Everything the performance section shows for ``n`` labelled rows at ``threshold``.

    ``confusion`` rows are actual Pago_atiempo 0, 1 and columns predicted 0, 1. ``roc`` (fpr, tpr, threshold)
    and ``pr`` (recall, precision, threshold) are empty when only one class is present; ``operating_point``
    holds fpr, recall and precision at ``threshold``.
    """

    n: int
    n_late: int
    threshold: float
    metrics: dict[str, float]
    confusion: np.ndarray
    roc: pd.DataFrame
    pr: pd.DataFrame
    operating_point: dict[str, float]
    calibration: pd.DataFrame
    threshold_curve: pd.DataFrame
    mean_prob_default: float

    @property
    def late_rate(self) -> float:
        """Observed share of late payments (the PR curve's chance level)."""
        return self.n_late / self.n

    @property
    def both_classes(self) -> bool:
        return 0 < self.n_late < self.n


def evaluate_labelled(actual: np.ndarray, prob_default: np.ndarray, threshold: float) -> LabelledEvaluation | None:
    """Performance of ``prob_default`` against the real ``actual`` Pago_atiempo; None when there are no rows."""
    actual = np.asarray(actual, dtype="int64")
    prob = np.asarray(prob_default, dtype="float64")
    if actual.size == 0:
        return None
    risk = is_risk(actual)
    matrix = np.asarray(confusion(actual, prob, threshold)["matrix"], dtype="int64")
    metrics = classification_metrics(actual, prob, threshold)
    both = 0 < risk.sum() < risk.size
    negatives = matrix[1].sum()
    return LabelledEvaluation(
        n=int(actual.size), n_late=int(risk.sum()), threshold=float(threshold), metrics=metrics, confusion=matrix,
        roc=_roc(risk, prob) if both else pd.DataFrame(columns=["fpr", "tpr", "threshold"]),
        pr=_pr(risk, prob) if both else pd.DataFrame(columns=["recall", "precision", "threshold"]),
        operating_point={"fpr": float(matrix[1, 0] / negatives) if negatives else float("nan"),
                         "recall": metrics["recall_0"], "precision": metrics["precision_0"]},
        calibration=calibration_table(risk, prob), threshold_curve=threshold_curve(risk, prob),
        mean_prob_default=float(prob.mean()))


def calibration_table(risk: np.ndarray, prob: np.ndarray) -> pd.DataFrame:
    """Reliability table on equal-count bins of the score: ``n``, ``mean_predicted``, ``observed_rate`` with a
    95 % Wilson interval (``observed_low``, ``observed_high``), ``low``/``high`` score edges."""
    n_bins = int(np.clip(prob.size // ROWS_PER_CALIBRATION_BIN, 1, MAX_CALIBRATION_BINS))
    ranks = pd.Series(prob).rank(method="first")
    bins = pd.qcut(ranks, n_bins, labels=False) if n_bins > 1 else pd.Series(0, index=ranks.index)
    grouped = pd.DataFrame({"bin": bins, "prob": prob, "risk": risk}).groupby("bin")
    table = pd.DataFrame({"n": grouped.size(), "mean_predicted": grouped["prob"].mean(),
                          "observed_rate": grouped["risk"].mean(), "late": grouped["risk"].sum(),
                          "low": grouped["prob"].min(), "high": grouped["prob"].max()})
    table["observed_low"], table["observed_high"] = wilson_interval(table["late"], table["n"])
    return table.reset_index(drop=True)


def threshold_curve(risk: np.ndarray, prob: np.ndarray) -> pd.DataFrame:
    """Recall and precision of class 0 and the share of loans flagged, when flagging ``prob >= threshold``,
    at up to ``MAX_CURVE_POINTS`` thresholds (every distinct score when fewer)."""
    order = np.argsort(-prob, kind="stable")
    sorted_prob, sorted_risk = prob[order], risk[order]
    last_of_value = np.r_[np.flatnonzero(np.diff(sorted_prob)), sorted_prob.size - 1]
    flagged = last_of_value + 1
    true_pos = np.cumsum(sorted_risk)[last_of_value]
    keep = _spread(flagged.size)
    total_risk = risk.sum()
    return pd.DataFrame({
        "threshold": sorted_prob[last_of_value][keep],
        "recall_0": true_pos[keep] / total_risk if total_risk else np.full(keep.size, np.nan),
        "precision_0": true_pos[keep] / flagged[keep],
        "flagged_share": flagged[keep] / prob.size,
    })


def _roc(risk: np.ndarray, prob: np.ndarray) -> pd.DataFrame:
    fpr, tpr, thresholds = roc_curve(risk, prob)
    keep = _spread(fpr.size)
    return pd.DataFrame({"fpr": fpr[keep], "tpr": tpr[keep], "threshold": thresholds[keep]})


def _pr(risk: np.ndarray, prob: np.ndarray) -> pd.DataFrame:
    precision, recall, thresholds = precision_recall_curve(risk, prob)
    thresholds = np.r_[thresholds, np.nan]  # the last point (recall 0) has no threshold
    keep = _spread(recall.size)
    return pd.DataFrame({"recall": recall[keep], "precision": precision[keep], "threshold": thresholds[keep]})


def _spread(size: int) -> np.ndarray:
    """Indices of at most ``MAX_CURVE_POINTS`` evenly spread points, always keeping the first and last."""
    if size <= MAX_CURVE_POINTS:
        return np.arange(size)
    return np.unique(np.linspace(0, size - 1, MAX_CURVE_POINTS).round().astype(int))
