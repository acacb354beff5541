"""Class-0 metrics, fold summaries, threshold and risk-band choices."""
from __future__ import annotations

import numpy as np
import pytest

from modeling.training.evaluation import (
    choose_threshold,
    classification_metrics,
    confusion,
    risk_band_cuts,
    stability_score,
    summarize_folds,
)

Y = np.array([0, 0, 0, 1, 1, 1, 1, 1])           # Pago_atiempo: three late payers
P = np.array([0.9, 0.6, 0.2, 0.7, 0.3, 0.1, 0.1, 0.05])  # prob_default


def test_metrics_treat_class_zero_as_the_event():
    metrics = classification_metrics(Y, P, threshold=0.5)
    assert metrics["recall_0"] == pytest.approx(2 / 3)
    assert metrics["precision_0"] == pytest.approx(2 / 3)
    assert metrics["f1_0"] == pytest.approx(2 / 3)
    assert metrics["roc_auc"] == pytest.approx(12 / 15)  # of 15 (late, on-time) pairs, 12 ranked right
    assert metrics["brier"] == pytest.approx(np.mean((P - (Y == 0)) ** 2))
    assert 0 < metrics["pr_auc_0"] <= 1


def test_single_class_gives_undefined_auc_not_an_error():
    metrics = classification_metrics(np.ones(4), np.full(4, 0.2), threshold=0.5)
    assert np.isnan(metrics["roc_auc"]) and np.isnan(metrics["pr_auc_0"])


def test_confusion_matrix_rows_are_actual_columns_predicted():
    assert confusion(Y, P, 0.5)["matrix"] == [[2, 1], [1, 4]]


def test_accuracy_counts_both_classes_predicted_right():
    assert classification_metrics(Y, P, 0.5)["accuracy"] == pytest.approx(6 / 8)  # the confusion diagonal
    assert classification_metrics(np.ones(4), np.full(4, 0.2), threshold=0.5)["accuracy"] == 1.0
    assert classification_metrics(np.ones(4), np.full(4, 0.9), threshold=0.5)["accuracy"] == 0.0


def test_threshold_is_the_highest_reaching_the_recall_target():
    assert choose_threshold(Y, P, target_recall=0.6) == pytest.approx(0.6)
    assert choose_threshold(Y, P, target_recall=1.0) == pytest.approx(0.2)
    assert classification_metrics(Y, P, choose_threshold(Y, P, 0.6))["recall_0"] >= 0.6
    with pytest.raises(ValueError, match="no class-0 rows"):
        choose_threshold(np.ones(3), np.zeros(3))


def test_risk_band_cuts_end_at_the_threshold():
    low, high = risk_band_cuts(P, threshold=0.6)
    assert high == 0.6 and low == pytest.approx(np.quantile(P, 0.5))
    low, high = risk_band_cuts(P, threshold=0.01)
    assert low < high == 0.01


def test_fold_summary_and_stability_score():
    summary = summarize_folds([classification_metrics(Y, P, 0.5), classification_metrics(Y[::-1], P, 0.5)])
    assert len(summary["roc_auc"]["folds"]) == 2
    assert stability_score(summary, "roc_auc") == pytest.approx(summary["roc_auc"]["mean"] - summary["roc_auc"]["std"])
    assert stability_score(summary, "brier") == pytest.approx(-(summary["brier"]["mean"] + summary["brier"]["std"]))
