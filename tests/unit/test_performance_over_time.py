"""Realised and estimated (CBPE) performance per window from the profiles, checked against the logged rows:
realised metrics equal scikit-learn's on the rows (confusion-based exactly, curves within 0.002), the binned
expected confusion matrix and AUC equal the per-row computation, the estimate's interval holds the realised value
on the held-out period, and alerts fire only when the interval lies below the floor."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from performance_log import PERIODS, fill_log, logged_rows
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve

from app.services.log.store import PredictionLog
from app.services.performance import PerformanceService
from app.services.performance.calibration_check import check_calibration
from app.services.performance.over_time import PerformanceOptions, performance_over_time
from app.services.performance.versions import VersionContext
from app.services.profiles import FINE_BINS, ProfileReader, ProfileStore, fine_edges
from app.services.selection import Selection

TOLERANCE = 0.002


@pytest.fixture(scope="module")
def filled(bundle, tmp_path_factory):
    log = PredictionLog.from_url(f"sqlite:///{tmp_path_factory.mktemp('ot') / 'log.sqlite'}")
    fill_log(log, bundle)
    yield log, logged_rows(log, bundle.model_version)
    log.dispose()


def _service(bundle, log, **options) -> PerformanceService:
    return PerformanceService(bundle, ProfileReader(ProfileStore(log.engine)), alerting=PerformanceOptions(**options))


def _windows(rows: pd.DataFrame, window: str) -> pd.Series:
    return rows["day"].dt.to_period(PERIODS[window]).dt.start_time


def _exact(rows: pd.DataFrame) -> dict[str, float]:
    labelled = rows[rows["actual"].notna()]
    risk = (labelled["actual"] == 0).astype(int).to_numpy()
    prob, flagged = labelled["prob_default"].to_numpy(), (labelled["Pago_atiempo_pred"] == 0).to_numpy()
    tp = int((flagged & (risk == 1)).sum())
    fpr, tpr, _ = roc_curve(risk, prob)
    auc = roc_auc_score(risk, prob)
    return {"roc_auc": auc, "gini": 2 * auc - 1, "ks": float(np.max(tpr - fpr)),
            "pr_auc_0": average_precision_score(risk, prob), "recall_0": tp / risk.sum(),
            "precision_0": tp / flagged.sum(), "f1_0": 2 * tp / (flagged.sum() + risk.sum()),
            "brier": float(np.mean((prob - risk) ** 2))}


@pytest.mark.parametrize("window", ["month", "week"])
def test_realised_metrics_equal_the_rows(filled, bundle, window):
    log, rows = filled
    view = _service(bundle, log, min_late=5).over_time(Selection(window=window))
    realised = view.realised
    groups = [(pd.NaT, rows), *rows.groupby(_windows(rows, window))]
    checked = 0
    for start, part in groups:
        mine = realised[realised["window"].isna() if pd.isna(start) else realised["window"] == start]
        mine = mine.set_index("metric")
        labelled = part[part["actual"].notna()]
        n_late = int((labelled["actual"] == 0).sum())
        assert mine["n"].iloc[0] == len(labelled) and mine["n_late"].iloc[0] == n_late
        if n_late < 5 or len(labelled) - n_late < 5:
            assert mine["insufficient"].all() and mine["value"].isna().all()
            continue
        checked += 1
        exact = _exact(part)
        for metric in ("recall_0", "precision_0", "f1_0", "brier"):
            assert mine.loc[metric, "value"] == pytest.approx(exact[metric], rel=1e-9), metric
        for metric in ("roc_auc", "gini", "pr_auc_0"):
            assert abs(mine.loc[metric, "value"] - exact[metric]) < 2 * TOLERANCE, metric
        # KS is taken at the bin edges: never above the exact value, below it by at most one bin's class share
        assert -1e-12 <= exact["ks"] - mine.loc["ks", "value"] <= _largest_bin_share(labelled)
        assert (mine["low"] <= mine["value"]).all() and (mine["value"] <= mine["high"]).all()
    assert checked >= 3


def _largest_bin_share(labelled: pd.DataFrame) -> float:
    bins = np.searchsorted(fine_edges(), labelled["prob_default"].to_numpy(), side="right")
    late = (labelled["actual"] == 0).to_numpy()
    return max(np.bincount(bins[late]).max() / late.sum(), np.bincount(bins[~late]).max() / (~late).sum())


def test_expected_confusion_and_auc_from_bins_equal_the_per_row_computation(filled, bundle):
    log, rows = filled
    view = _service(bundle, log).over_time(Selection(window="month"))
    confusion = view.confusion.set_index("window")
    estimated = view.estimated.set_index(["window", "metric"])["value"]
    for start, part in rows.groupby(_windows(rows, "month")):
        p = part["prob_default"].to_numpy()
        flagged = part["Pago_atiempo_pred"].to_numpy() == 0
        exact = {"tp": p[flagged].sum(), "fp": (1 - p[flagged]).sum(), "fn": p[~flagged].sum(),
                 "tn": (1 - p[~flagged]).sum()}
        for cell, value in exact.items():
            assert confusion.loc[start, cell] == pytest.approx(value, rel=3e-3, abs=1e-3), (start, cell)
        weights = np.r_[p, 1 - p]
        auc = roc_auc_score(np.r_[np.ones(len(p)), np.zeros(len(p))], np.r_[p, p], sample_weight=weights)
        assert abs(estimated.loc[(start, "roc_auc")] - auc) < TOLERANCE


def test_the_estimate_holds_the_realised_value_on_the_held_out_period(filled, bundle):
    log, _ = filled
    view = _service(bundle, log).over_time(Selection(sources=("holdout",), window="month"))
    assert view.calibration.status == "ok"
    joined = view.realised.merge(view.estimated, on=["window", "metric"], suffixes=("", "_est"))
    usable = joined[~joined["insufficient"]]
    assert len(usable) >= 4 * 3  # overall and at least two months, four metrics each
    inside = (usable["value"] >= usable["low_est"]) & (usable["value"] <= usable["high_est"])
    assert inside.all(), usable.loc[~inside, ["window", "metric", "value", "value_est", "low_est", "high_est"]]


def test_alerts_only_when_the_interval_is_below_the_floor(filled, bundle):
    log, _ = filled
    profiles = ProfileReader(ProfileStore(log.engine)).latest(bundle.model_version)
    selection = Selection(sources=("holdout",))
    options = PerformanceOptions(floor_ratio=0.9)
    base = VersionContext(bundle.model_version, bundle.threshold, tuple(bundle.risk_bands["cuts"]))
    overall = performance_over_time(profiles, selection, base, options).realised
    overall = overall[overall["window"].isna()].set_index("metric")
    auc_high = overall.loc["roc_auc", "high"]
    brier_low = overall.loc["brier", "low"]
    assert (overall["status"] == "no_reference").all()
    tests = {"roc_auc": (auc_high + 0.02) / 0.9, "recall_0": (overall.loc["recall_0", "value"]
                                                               + overall.loc["recall_0", "high"]) / 2 / 0.9,
             "brier": brier_low * 0.9 / 2}
    view = performance_over_time(profiles, selection, dataclasses.replace(base, test_metrics=tests), options)
    status = view.realised[view.realised["window"].isna()].set_index("metric")["status"]
    assert status["roc_auc"] == "alert" and status["brier"] == "alert"
    assert status["recall_0"] == "worse_than_floor"  # under the floor, but the interval reaches it
    assert status["gini"] == "alert" and status["ks"] == "no_reference"
    assert set(view.alerts["metric"]) >= {"roc_auc", "brier", "gini"}


def test_calibration_check_flags_miscalibrated_scores():
    bounds = np.r_[0.0, fine_edges(), 1.0]
    rng = np.random.default_rng(3)
    scores = rng.beta(1.2, 8.0, 40_000)
    bins = np.searchsorted(bounds, scores, side="right") - 1

    def counts(truth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        late = rng.random(scores.size) < truth
        size = FINE_BINS + 2
        return np.bincount(bins[late], minlength=size), np.bincount(bins[~late], minlength=size)

    assert check_calibration(*counts(scores), bounds, 20).status == "ok"
    poor = check_calibration(*counts(np.minimum(1.0, 2.5 * scores)), bounds, 20)
    assert poor.status == "poor" and poor.ece > 0.03 and not poor.reliable
    late, ontime = counts(scores)
    few = np.where(np.cumsum(late) <= 10, late, 0)  # ten late rows: too few to judge
    assert check_calibration(few, ontime, bounds, 20).status == "unknown"
