"""Platt recalibration of ``prob_default``.

Class weighting (needed so the models notice the 5 % of late payers) inflates the raw scores: a typical
loan scores around 0.4 although about 5 % default, which makes ``prob_default`` read like a probability
it is not and gives a Brier score worse than always answering the base rate. A logistic map of the raw
score's log-odds, fitted on the training period's out-of-fold predictions, brings the scores back to
observed default rates. It is monotone, so rankings (ROC-AUC, PR-AUC) and the recall reached at the
corresponding threshold are unchanged.
"""
from __future__ import annotations

import numpy as np

EPSILON = 1e-6


def log_odds(prob: np.ndarray) -> np.ndarray:
    """log(p / (1 − p)) with p clipped away from 0 and 1."""
    p = np.clip(np.asarray(prob, dtype="float64"), EPSILON, 1 - EPSILON)
    return np.log(p / (1 - p))


def apply_platt(prob: np.ndarray, slope: float, intercept: float) -> np.ndarray:
    """Recalibrated probability: sigmoid(slope · log_odds(prob) + intercept)."""
    return 1.0 / (1.0 + np.exp(-(slope * log_odds(prob) + intercept)))


def fit_platt(prob_default: np.ndarray, is_late: np.ndarray) -> tuple[float, float]:
    """Slope and intercept mapping raw out-of-fold scores to observed late-payment rates (unpenalised fit)."""
    from sklearn.linear_model import LogisticRegression

    if len(np.unique(is_late)) < 2:
        raise ValueError("cannot calibrate: the out-of-fold predictions cover a single class")
    model = LogisticRegression(C=1e6, max_iter=1000).fit(log_odds(prob_default).reshape(-1, 1), is_late)
    return float(model.coef_[0, 0]), float(model.intercept_[0])
