"""Metrics for the risk class (``Pago_atiempo`` = 0), fold summaries, and the training-period choices of
the decision threshold and the risk-band cut points.

Scores are always ``prob_default`` = P(Pago_atiempo = 0); a record is flagged (predicted 0) when
``prob_default >= threshold``.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, confusion_matrix, roc_auc_score

from modeling.data.columns import POSITIVE_RISK_CLASS

METRIC_NAMES: tuple[str, ...] = ("roc_auc", "pr_auc_0", "recall_0", "precision_0", "f1_0", "accuracy", "brier")
RISK_BAND_LABELS: tuple[str, str, str] = ("Bajo", "Medio", "Alto")
DEFAULT_TARGET_RECALL = 0.60
LOW_BAND_QUANTILE = 0.5


def is_risk(y_true: Sequence[int] | np.ndarray) -> np.ndarray:
    """1 where ``Pago_atiempo`` is the risk class (0), else 0."""
    return (np.asarray(y_true) == POSITIVE_RISK_CLASS).astype(int)


def classification_metrics(y_true: np.ndarray, prob_default: np.ndarray, threshold: float) -> dict[str, float]:
    """ROC-AUC, PR-AUC of class 0, recall/precision/F1 of class 0 and accuracy at ``threshold``, and the Brier
    score.

    Accuracy (the share of records whose ``Pago_atiempo`` is predicted right, both classes) is what the original
    reported; at a ~5 % late rate it mostly measures the majority class, so it is shown beside the class-0
    metrics, never used to choose anything. ROC-AUC and PR-AUC are NaN when only one class is present.
    """
    risk = is_risk(y_true)
    prob = np.asarray(prob_default, dtype="float64")
    flagged = prob >= threshold
    true_pos = int(np.sum(flagged & (risk == 1)))
    recall = true_pos / risk.sum() if risk.sum() else float("nan")
    precision = true_pos / flagged.sum() if flagged.sum() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    both_classes = 0 < risk.sum() < len(risk)
    return {
        "roc_auc": float(roc_auc_score(risk, prob)) if both_classes else float("nan"),
        "pr_auc_0": float(average_precision_score(risk, prob)) if both_classes else float("nan"),
        "recall_0": float(recall),
        "precision_0": float(precision),
        "f1_0": float(f1),
        "accuracy": float(np.mean(flagged == (risk == 1))) if len(risk) else float("nan"),
        "brier": float(brier_score_loss(risk, prob)),
    }


def confusion(y_true: np.ndarray, prob_default: np.ndarray, threshold: float) -> dict[str, object]:
    """Confusion matrix of ``Pago_atiempo`` (rows: actual 0, 1; columns: predicted 0, 1)."""
    predicted = np.where(np.asarray(prob_default) >= threshold, 0, 1)
    matrix = confusion_matrix(np.asarray(y_true).astype(int), predicted, labels=[0, 1])
    return {"labels": [0, 1], "rows": "actual Pago_atiempo", "columns": "predicted Pago_atiempo",
            "matrix": matrix.tolist()}


def summarize_folds(fold_metrics: Sequence[dict[str, float]]) -> dict[str, dict[str, object]]:
    """Per metric: the per-fold values, their mean and (population) standard deviation."""
    summary: dict[str, dict[str, object]] = {}
    for name in METRIC_NAMES:
        values = np.array([m[name] for m in fold_metrics], dtype="float64")
        summary[name] = {"folds": values.tolist(), "mean": float(np.nanmean(values)),
                         "std": float(np.nanstd(values))}
    return summary


def stability_score(summary: dict[str, dict[str, object]], metric: str) -> float:
    """Mean − std of ``metric`` across folds (higher is better; for ``brier`` the sign is flipped)."""
    mean, std = float(summary[metric]["mean"]), float(summary[metric]["std"])
    return -(mean + std) if metric == "brier" else mean - std


def choose_threshold(y_true: np.ndarray, prob_default: np.ndarray,
                     target_recall: float = DEFAULT_TARGET_RECALL) -> float:
    """The highest threshold whose recall of class 0 reaches ``target_recall`` on these predictions.

    Meant for out-of-fold predictions of the training period. The highest such
    threshold flags as few good payers as possible for the required recall.
    """
    if not 0 < target_recall <= 1:
        raise ValueError(f"target_recall must be in (0, 1], got {target_recall}")
    risk = is_risk(y_true).astype(bool)
    if not risk.any():
        raise ValueError("cannot choose a threshold: no class-0 rows in the predictions")
    risk_scores = np.sort(np.asarray(prob_default, dtype="float64")[risk])[::-1]
    needed = int(np.ceil(target_recall * len(risk_scores)))
    return float(risk_scores[needed - 1])


def risk_band_cuts(prob_default: np.ndarray, threshold: float,
                   low_quantile: float = LOW_BAND_QUANTILE) -> list[float]:
    """Cut points [low, high] for Bajo / Medio / Alto.

    ``high`` is the decision threshold (Alto ⇔ predicted late payment); ``low`` is the
    ``low_quantile`` of the out-of-fold scores, so about that share of training-period
    loans are Bajo — capped below ``high`` so the Medio band is never empty by construction.
    """
    low = float(np.quantile(np.asarray(prob_default, dtype="float64"), low_quantile))
    return [min(low, threshold * 0.999), float(threshold)]
