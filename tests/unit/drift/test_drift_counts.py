"""Drift from counts (what mergeable profiles hold): summed counts of parts give the report of the whole sample,
and missing or misshapen counts are refused with the variable named."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from drift_data import CATEGORICAL, make_frame

from modeling.drift import SCORE_NAME, build_reference_profile, drift_report, load_profile, psi_evolution
from modeling.drift.compare import report_from_counts
from modeling.drift.evolution import evolution_from_counts, psi_evolution_from_counts, window_counts
from modeling.drift.windows import assign_windows


def counts_of(profile: dict, frame: pd.DataFrame, scores: np.ndarray) -> dict:
    frozen = load_profile(profile)
    found = {v.name: v.current_counts(frame[v.name]) for v in frozen.variables.values()}
    return {**found, SCORE_NAME: frozen.score.current_counts(pd.Series(scores, name=SCORE_NAME))}


def test_summed_counts_of_parts_give_the_report_of_the_whole(profile: dict) -> None:
    current = make_frame(900, seed=30, shift=0.3)
    scores = np.random.default_rng(31).beta(2, 25, len(current))
    parts = [counts_of(profile, current.iloc[i::3], scores[i::3]) for i in range(3)]
    summed = {name: (sum(p[name][0] for p in parts),
                     None if parts[0][name][1] is None else sum(p[name][1] for p in parts)) for name in parts[0]}
    assert report_from_counts(profile, summed) == drift_report(profile, current, scores=scores)


def test_without_the_score_counts_the_score_is_not_reported(profile: dict) -> None:
    current = make_frame(300, seed=32)
    counts = counts_of(profile, current, np.full(len(current), 0.1))
    del counts[SCORE_NAME]
    report = report_from_counts(profile, counts)
    assert report.score is None and report.n_current == len(current) == report.get("capital").n_cur


def test_missing_or_misshapen_counts_name_the_variable(profile: dict) -> None:
    counts = counts_of(profile, make_frame(100, seed=33), np.full(100, 0.1))
    with pytest.raises(ValueError, match="tipo_laboral"):
        report_from_counts(profile, {k: v for k, v in counts.items() if k != "tipo_laboral"})
    with pytest.raises(ValueError, match="'capital'"):
        report_from_counts(profile, {**counts, "capital": (np.ones(3, dtype=np.int64), 0)})
    without_score = build_reference_profile(make_frame(500, seed=34), numeric=["capital"], categorical=CATEGORICAL)
    with pytest.raises(ValueError, match="no score bins"):
        report_from_counts(without_score, counts, exclude=())


def test_evolution_from_window_counts_equals_psi_evolution(profile: dict) -> None:
    current = make_frame(600, seed=35, shift=0.5)
    dates = pd.Series(np.datetime64("2025-01-01") + np.arange(600) % 90, dtype="datetime64[ns]")
    windows = assign_windows(dates, "W")
    frozen = load_profile(profile)
    counts = {v.name: window_counts(v, current[v.name], windows) for v in frozen.variables.values()}
    expected = psi_evolution(profile, current, dates, freq="W")
    pd.testing.assert_frame_equal(psi_evolution_from_counts(profile, counts, windows), expected, check_exact=True)
    one = evolution_from_counts(frozen.variables["capital"], *counts["capital"], windows)
    pd.testing.assert_frame_equal(one, expected[expected["variable"] == "capital"].reset_index(drop=True),
                                  check_exact=True)
    with pytest.raises(ValueError, match="edad"):
        psi_evolution_from_counts(profile, {k: v for k, v in counts.items() if k != "edad"}, windows)
