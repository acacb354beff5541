"""Model performance on logged predictions whose real outcome is known, computed from profile counts.

Class 0 of ``Pago_atiempo`` (late payment) is the positive class. The input is :class:`LabelledCounts`: the
confusion cells, labelled rows per fine score bin split by outcome, and three sums.

* Exact: ``n``, the confusion matrix, recall / precision / F1 of class 0 (from the confusion cells, as
  :func:`modeling.training.evaluation.classification_metrics` computes them), Brier and the mean score (from the sums).
* ROC, PR and threshold curves are evaluated at the fine bin edges: flagging ``prob_default >= edge`` takes whole
  bins, so every point is exact at its threshold.
* ROC-AUC joins those points with straight lines, i.e. a late and an on-time row in the same bin count as a tie
  (one half), as for equal scores; its error is below half the share of (late, on-time) pairs sharing a bin.
* PR-AUC is average precision as scikit-learn computes it, with the rows of one bin taken in random order: each
  bin adds its expected precision sum (closed form with the digamma function), so the cost is one pass over bins.
* Calibration groups whole fine bins into equal-count groups; a group's mean predicted probability uses each
  bin's midpoint (within half a fine bin, about 0.25 % in odds, of the rows' mean).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import digamma

from app.services.performance.stats import wilson_interval

MAX_CURVE_POINTS = 300
MAX_CALIBRATION_BINS = 10
ROWS_PER_CALIBRATION_BIN = 30


@dataclass(frozen=True)
class LabelledCounts:
    """Labelled rows of a selection: ``confusion`` cells ``pred * 2 + actual``, rows per fine bin with actual 0
    (``late``) and 1 (``ontime``), Σ prob_default, Σ prob_default of late rows and Σ prob_default²."""

    confusion: np.ndarray
    late: np.ndarray
    ontime: np.ndarray
    prob_sum: float
    prob_late_sum: float
    prob_sq_sum: float


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


def evaluate_labelled(counts: LabelledCounts, bounds: np.ndarray, threshold: float) -> LabelledEvaluation | None:
    """Performance on the labelled rows; ``bounds`` are the fine bins' edges from 0 to 1 (bins + 1 values).
    None when no row is labelled."""
    c = np.asarray(counts.confusion, dtype=np.int64)
    matrix = np.array([[c[0], c[2]], [c[1], c[3]]])  # rows: actual 0, 1; columns: predicted 0, 1
    n, n_late, flagged, true_pos = int(matrix.sum()), int(matrix[0].sum()), int(matrix[:, 0].sum()), int(c[0])
    if n == 0:
        return None
    recall = true_pos / n_late if n_late else float("nan")
    precision = true_pos / flagged if flagged else 0.0
    both = 0 < n_late < n
    late, ontime = np.asarray(counts.late, dtype=np.float64), np.asarray(counts.ontime, dtype=np.float64)
    metrics = {"roc_auc": roc_auc(late, ontime) if both else float("nan"),
               "pr_auc_0": average_precision(late, ontime) if both else float("nan"),
               "recall_0": float(recall), "precision_0": float(precision),
               "f1_0": float(2 * precision * recall / (precision + recall)) if precision + recall > 0 else 0.0,
               "brier": float((counts.prob_sq_sum - 2 * counts.prob_late_sum + n_late) / n)}
    negatives = int(matrix[1].sum())
    roc, pr, curve = _curves(late, ontime, bounds)
    return LabelledEvaluation(
        n=n, n_late=n_late, threshold=float(threshold), metrics=metrics, confusion=matrix,
        roc=roc if both else roc.iloc[:0], pr=pr if both else pr.iloc[:0],
        operating_point={"fpr": matrix[1, 0] / negatives if negatives else float("nan"), "recall": metrics["recall_0"],
                         "precision": metrics["precision_0"]},
        calibration=calibration_table(late, ontime, bounds), threshold_curve=curve,
        mean_prob_default=float(counts.prob_sum / n))


def roc_auc(late: np.ndarray, ontime: np.ndarray) -> float:
    """P(score of a late row > score of an on-time row), pairs within one bin counted half."""
    below = np.cumsum(ontime) - ontime
    return float(np.sum(late * (below + 0.5 * ontime)) / (late.sum() * ontime.sum()))


def average_precision(late: np.ndarray, ontime: np.ndarray) -> float:
    """Σ over late rows of the precision at their rank / late rows, rows within a bin in random order.

    A bin holding ``p`` late and ``q`` on-time rows after ``a`` late among ``b`` rows ranked higher adds, for its
    k-th late row, ``(a + k) / (b + k·c)`` with ``c = 1 + q / (p + 1)`` (its expected on-time rows ahead are
    ``k·q / (p + 1)``); summed over k in closed form with the digamma function ψ.
    """
    p, q = late[::-1], ontime[::-1]
    a = np.cumsum(p) - p
    b = a + np.cumsum(q) - q
    has = p > 0
    p, q, a, b = p[has], q[has], a[has], b[has]
    c = 1.0 + q / (p + 1.0)
    sums = p / c + (a - b / c) / c * (digamma(b / c + p + 1.0) - digamma(b / c + 1.0))
    return float(sums.sum() / late.sum())


def _curves(late: np.ndarray, ontime: np.ndarray, bounds: np.ndarray
            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """ROC, PR and threshold curves at the lower edge of every occupied bin, from the highest bin down."""
    occupied = (late + ontime)[::-1] > 0
    true_pos, false_pos = np.cumsum(late[::-1])[occupied], np.cumsum(ontime[::-1])[occupied]
    edge = np.asarray(bounds[:-1], dtype=np.float64)[::-1][occupied]
    positives, negatives = late.sum(), ontime.sum()
    flagged = true_pos + false_pos
    with np.errstate(invalid="ignore", divide="ignore"):
        recall, fpr, precision = true_pos / positives, false_pos / negatives, true_pos / flagged
    keep = _spread(edge.size)
    roc = pd.DataFrame({"fpr": np.r_[0.0, fpr[keep]], "tpr": np.r_[0.0, recall[keep]],
                        "threshold": np.r_[1.0, edge[keep]]})
    pr = pd.DataFrame({"recall": np.r_[0.0, recall[keep]], "precision": np.r_[1.0, precision[keep]],
                       "threshold": np.r_[np.nan, edge[keep]]})
    curve = pd.DataFrame({"threshold": edge[keep], "recall_0": recall[keep], "precision_0": precision[keep],
                          "flagged_share": flagged[keep] / (positives + negatives)})
    return roc, pr, curve


def calibration_table(late: np.ndarray, ontime: np.ndarray, bounds: np.ndarray) -> pd.DataFrame:
    """Reliability table on equal-count groups of whole fine bins: ``n``, ``late``, ``mean_predicted``,
    ``observed_rate`` with a 95 % Wilson interval (``observed_low``, ``observed_high``), ``low``/``high`` edges."""
    total = late + ontime
    n = total.sum()
    groups = int(np.clip(n // ROWS_PER_CALIBRATION_BIN, 1, MAX_CALIBRATION_BINS))
    occupied = np.flatnonzero(total)
    before = (np.cumsum(total) - total)[occupied]
    group = np.minimum(before * groups // n, groups - 1).astype(np.int64)
    frame = pd.DataFrame({"group": group, "n": total[occupied], "late": late[occupied],
                          "weighted": total[occupied] * (bounds[occupied] + bounds[occupied + 1]) / 2,
                          "low": bounds[occupied], "high": bounds[occupied + 1]}).groupby("group")
    table = frame.agg(n=("n", "sum"), late=("late", "sum"), weighted=("weighted", "sum"), low=("low", "min"),
                      high=("high", "max")).reset_index(drop=True)
    table = table.astype({"n": np.int64, "late": np.int64})
    table.insert(1, "mean_predicted", table.pop("weighted") / table["n"])
    table["observed_rate"] = table["late"] / table["n"]
    table["observed_low"], table["observed_high"] = wilson_interval(table["late"], table["n"])
    return table


def _spread(size: int) -> np.ndarray:
    """Indices of at most ``MAX_CURVE_POINTS`` evenly spread points, always keeping the first and last."""
    if size <= MAX_CURVE_POINTS:
        return np.arange(size)
    return np.unique(np.linspace(0, size - 1, MAX_CURVE_POINTS).round().astype(int))
