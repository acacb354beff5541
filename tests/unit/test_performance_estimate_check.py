"""The CBPE estimate against the realised values where outcomes are known: on loans whose outcomes do not follow
their scores (the outcomes of other loans, as on drifted traffic) the intervals part and the tab says to trust the
observed values; on the calibrated hold-out loans they never part. Real log, real scoring, real metrics."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from performance_log import fill_log

from app.dashboard.figures import performance_over_time as figures
from app.dashboard.tabs.performance_sections import MISMATCH, MISMATCH_MARK, status_banner, summary_grid
from app.services.log.store import PredictionLog
from app.services.performance import PerformanceService
from app.services.performance.estimate_check import estimate_mismatches
from app.services.profiles import ProfileReader, ProfileStore
from app.services.scoring.service import ScoringService
from app.services.selection import Selection
from modeling.data.columns import TARGET
from modeling.synthetic import generate_loans


def _service(bundle, log) -> PerformanceService:
    return PerformanceService(bundle, ProfileReader(ProfileStore(log.engine)))


@pytest.fixture(scope="module")
def unrelated(bundle, tmp_path_factory):
    """8,000 loans whose recorded outcomes are those of other loans (shuffled): the scores no longer hold."""
    log = PredictionLog.from_url(f"sqlite:///{tmp_path_factory.mktemp('mismatch') / 'log.sqlite'}")
    frame = generate_loans(n_rows=8_000, seed=31)
    shuffled = frame[TARGET].sample(frac=1.0, random_state=5).reset_index(drop=True)
    ScoringService(bundle, log).score_frame(frame.drop(columns=[TARGET]), source="holdout", actual=shuffled)
    yield _service(bundle, log)
    log.dispose()


@pytest.fixture(scope="module")
def calibrated(bundle, tmp_path_factory):
    log = PredictionLog.from_url(f"sqlite:///{tmp_path_factory.mktemp('match') / 'log.sqlite'}")
    fill_log(log, bundle)
    yield _service(bundle, log)
    log.dispose()


def _joined(view):
    known = view.realised[~view.realised["insufficient"]]
    return known.merge(view.estimated, on=["window", "metric"], suffixes=("", "_est"))


def test_intervals_that_part_are_mismatches_and_the_tab_says_so(unrelated):
    view = unrelated.over_time(Selection(window="month"))
    found = view.mismatches
    overall = found[found["window"].isna()].set_index("metric")
    assert "roc_auc" in overall.index  # scores unrelated to outcomes: realised ≈ 0.5, the estimate far above
    assert overall.loc["roc_auc", "high"] < overall.loc["roc_auc", "low_est"]
    joined = _joined(view)
    apart = (joined["high"] < joined["low_est"]) | (joined["low"] > joined["high_est"])
    assert apart.sum() == len(found)  # exactly the disjoint pairs, no more
    banner = str(status_banner(view).to_plotly_json())
    assert MISMATCH in banner and "ROC-AUC · todo el período: observado" in banner
    assert "la estimación CBPE es utilizable" not in banner
    summary = str(summary_grid(view).to_plotly_json())
    assert MISMATCH_MARK in summary and MISMATCH in summary
    for metric in view.estimated["metric"].unique():  # the chart marks the windows beside their values
        windows = found.loc[(found["metric"] == metric) & found["window"].notna(), "window"]
        marked = [t for t in figures.metric_over_time(view, metric).data if t.name == figures.MISMATCH_NAME]
        assert [list(pd.to_datetime(t.x)) for t in marked] == ([list(windows)] if len(windows) else [])
    assert (found["window"].notna()).any()


def test_a_calibrated_estimate_has_no_mismatch(calibrated):
    view = calibrated.over_time(Selection(("holdout",), window="month"))
    assert len(_joined(view)) >= 12 and view.mismatches.empty
    assert view.calibration.status == "ok"
    banner = str(status_banner(view).to_plotly_json())
    assert MISMATCH not in banner and "la estimación CBPE es utilizable" in banner
    assert MISMATCH_MARK not in str(summary_grid(view).to_plotly_json())
    assert figures.MISMATCH_NAME not in {t.name for t in figures.metric_over_time(view, "roc_auc").data}


def test_an_estimate_without_value_or_an_insufficient_window_is_never_a_mismatch(unrelated):
    view = unrelated.over_time(Selection(window="month"))
    realised = view.realised.assign(insufficient=True)
    assert estimate_mismatches(realised, view.estimated).empty
    estimated = view.estimated.assign(value=np.nan)
    assert estimate_mismatches(view.realised, estimated).empty
