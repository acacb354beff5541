"""Platt recalibration of prob_default and the calibrated model wrapper stored in bundles."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from modeling.estimators import PlattCalibratedClassifier
from modeling.training.calibration import apply_platt, fit_platt, log_odds


def _inflated_scores(n: int = 4000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """True late-payment probabilities around 5 %, and raw scores inflated as class weighting does."""
    rng = np.random.default_rng(seed)
    true_prob = 1 / (1 + np.exp(-(rng.normal(-3.2, 0.8, n))))
    is_late = (rng.random(n) < true_prob).astype(int)
    raw = 1 / (1 + np.exp(-(log_odds(true_prob) + 3.0)))  # what balanced class weights roughly do
    return raw, is_late


def test_platt_brings_inflated_scores_back_to_observed_rates():
    raw, is_late = _inflated_scores()
    slope, intercept = fit_platt(raw, is_late)
    calibrated = apply_platt(raw, slope, intercept)
    assert raw.mean() > 0.3
    assert calibrated.mean() == pytest.approx(is_late.mean(), abs=0.01)
    assert np.mean((calibrated - is_late) ** 2) < np.mean((raw - is_late) ** 2)


def test_platt_is_monotone_so_rankings_do_not_change():
    raw, is_late = _inflated_scores()
    calibrated = apply_platt(raw, *fit_platt(raw, is_late))
    order = np.argsort(raw, kind="stable")
    assert np.all(np.diff(calibrated[order]) >= 0)


def test_platt_needs_both_classes():
    with pytest.raises(ValueError, match="single class"):
        fit_platt(np.array([0.2, 0.4]), np.array([1, 1]))


def test_calibrated_classifier_wraps_a_model_and_passes_fit_arguments():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(600, 3))
    y = (X[:, 0] + rng.normal(size=600) > -1.5).astype(int)  # class 0 is the minority
    weights = np.where(y == 0, 5.0, 1.0)
    wrapped = PlattCalibratedClassifier(LogisticRegression(), slope=0.5, intercept=-1.0).fit(X, y,
                                                                                              sample_weight=weights)
    inner = LogisticRegression().fit(X, y, sample_weight=weights)
    proba = wrapped.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(proba[:, 0], apply_platt(inner.predict_proba(X)[:, 0], 0.5, -1.0))
    assert wrapped.classes_.tolist() == [0, 1]
    assert set(wrapped.predict(X)) <= {0, 1}
    with pytest.raises(ValueError, match="classes 0 and 1"):
        PlattCalibratedClassifier(LogisticRegression()).fit(X, y + 1)
