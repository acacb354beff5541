"""Realised and estimated performance per loan-date window and overall, with alerts, for one selection.

An alert is raised for a window (or the whole selection) when a metric's interval lies wholly below its floor —
``floor_ratio`` × the model's held-out test value (for Brier, lower is better: the interval wholly above the test
value ÷ ``floor_ratio``). A value on the worse side of the floor (below it; above it for Brier) whose interval
still reaches it is ``worse_than_floor`` (not an alert: the change may be noise); windows with too few late
loans are ``insufficient``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from app.services.performance.calibration_check import CalibrationCheck, check_calibration
from app.services.performance.estimate_check import estimate_mismatches
from app.services.performance.estimated import estimated_frame
from app.services.performance.realised import band_frame, realised_frame
from app.services.performance.versions import VersionContext
from app.services.performance.window_counts import WindowCounts, window_counts
from app.services.profiles import ProfileSet
from app.services.selection import Selection


@dataclass(frozen=True)
class PerformanceOptions:
    """``floor_ratio``: share of the held-out test value below which a metric alerts; ``min_late``: late (and
    on-time) labelled rows a window needs for realised metrics."""

    floor_ratio: float = 0.90
    min_late: int = 20


@dataclass(frozen=True)
class PerformanceOverTime:
    """Long tables (one row per window and metric; ``overall`` rows have window NaT) of realised metrics (with
    ``floor`` and ``status``) and estimated ones, the expected confusion matrix per window, observed vs predicted
    late rate per risk band, the calibration check and the alerts (rows of ``realised`` with status ``alert``)."""

    granularity: str
    threshold: float
    realised: pd.DataFrame
    estimated: pd.DataFrame
    confusion: pd.DataFrame
    bands: pd.DataFrame
    calibration: CalibrationCheck
    test_metrics: dict[str, float]
    options: PerformanceOptions

    @property
    def alerts(self) -> pd.DataFrame:
        return self.realised[self.realised["status"] == "alert"]

    @property
    def mismatches(self) -> pd.DataFrame:
        """Windows and metrics where the estimate's interval and the realised one do not overlap."""
        return estimate_mismatches(self.realised, self.estimated)


def performance_over_time(profiles: ProfileSet, selection: Selection, context: VersionContext,
                          options: PerformanceOptions) -> PerformanceOverTime:
    """Every table of :class:`PerformanceOverTime` for the selection, windows of ``selection.window``."""
    grouping = profiles.by_window(selection)
    per_window = window_counts(profiles, grouping, list(grouping.windows.labels))
    overall = _summed(per_window)
    realised = pd.concat([realised_frame(per_window, options.min_late), realised_frame(overall, options.min_late)],
                         ignore_index=True)
    estimated, confusion = estimated_frame(_joined(per_window, overall), context.threshold)
    test = _test_values(context.test_metrics)
    return PerformanceOverTime(
        granularity=selection.window, threshold=context.threshold, realised=_with_status(realised, test, options),
        estimated=estimated, confusion=confusion,
        bands=band_frame(per_window, profiles.layout.bands, context.cuts),
        calibration=check_calibration(overall.late[0], overall.ontime[0], overall.bounds, options.min_late),
        test_metrics=test, options=options)


def _summed(counts: WindowCounts) -> WindowCounts:
    """One group holding every window (the windows partition the selection)."""
    def total(array: np.ndarray) -> np.ndarray:
        return array.sum(axis=0, keepdims=True)
    return WindowCounts([pd.NaT], total(counts.fine), total(counts.late), total(counts.ontime),
                        total(counts.confusion), total(counts.flagged), total(counts.rows),
                        total(counts.prob_labelled), total(counts.prob_late), total(counts.prob_sq), counts.bounds,
                        counts.midpoints)


def _joined(first: WindowCounts, second: WindowCounts) -> WindowCounts:
    """The windows of ``first`` followed by those of ``second`` (same bins)."""
    stack = np.concatenate
    return WindowCounts(
        [*first.starts, *second.starts], stack([first.fine, second.fine]), stack([first.late, second.late]),
        stack([first.ontime, second.ontime]), stack([first.confusion, second.confusion]),
        stack([first.flagged, second.flagged]), stack([first.rows, second.rows]),
        stack([first.prob_labelled, second.prob_labelled]), stack([first.prob_late, second.prob_late]),
        stack([first.prob_sq, second.prob_sq]), first.bounds, first.midpoints)


def _test_values(metrics: dict[str, float]) -> dict[str, float]:
    """The held-out test metrics, Gini added from ROC-AUC."""
    test = {k: float(v) for k, v in metrics.items() if isinstance(v, (int, float))}
    if "roc_auc" in test:
        test["gini"] = 2 * test["roc_auc"] - 1
    return test


def _with_status(frame: pd.DataFrame, test: dict[str, float], options: PerformanceOptions) -> pd.DataFrame:
    """``floor`` and ``status`` (ok / worse_than_floor / alert / insufficient / no_reference) per row."""
    reference = frame["metric"].map(test).astype(np.float64)
    lower_better = (frame["metric"] == "brier").to_numpy()
    floor = np.where(lower_better, reference / options.floor_ratio, reference * options.floor_ratio)
    value, low, high = (frame[c].to_numpy(np.float64) for c in ("value", "low", "high"))
    worse = np.where(lower_better, value > floor, value < floor)
    real = np.where(lower_better, low > floor, high < floor)
    status = np.select([frame["insufficient"].to_numpy(), np.isnan(floor), np.isnan(value), real, worse],
                       ["insufficient", "no_reference", "empty", "alert", "worse_than_floor"], "ok")
    return frame.assign(floor=floor, status=status)
