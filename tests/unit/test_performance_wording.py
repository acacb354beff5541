"""The Desempeño tab's words on real computations: a metric's status by its direction (a Brier above its limit is
worse), windows written by their granularity, the calibration verdict when the estimate fails, the expected
confusion matrix's abbreviations explained."""
from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from performance_log import fill_log
from test_performance_figures import _texts

from app.dashboard.tabs.performance_sections import (
    CONFUSION_LEGEND,
    calibration_text,
    confusion_table,
    mismatch_alert,
    status_banner,
    summary_grid,
)
from app.services.log.store import PredictionLog
from app.services.performance import PerformanceService
from app.services.performance.calibration_check import CalibrationCheck
from app.services.performance.over_time import PerformanceOptions, performance_over_time
from app.services.performance.versions import VersionContext
from app.services.profiles import ProfileReader, ProfileStore
from app.services.selection import Selection


@pytest.fixture(scope="module")
def log(bundle, tmp_path_factory):
    log = PredictionLog.from_url(f"sqlite:///{tmp_path_factory.mktemp('words') / 'log.sqlite'}")
    fill_log(log, bundle)
    yield log
    log.dispose()


@pytest.fixture(scope="module")
def service(bundle, log) -> PerformanceService:
    return PerformanceService(bundle, ProfileReader(ProfileStore(log.engine)),
                              alerting=PerformanceOptions(min_late=5))  # weekly windows judged too


def _summary_rows(view) -> dict[str, list[str]]:
    table = summary_grid(view)
    grid = table if getattr(table, "id", None) == "perf-summary-table" else table.children[0]
    rows = grid.children[1].children
    return {row.children[0].children: [cell.children for cell in row.children] for row in rows}


def test_a_brier_above_its_limit_is_worse_than_the_limit_not_below_it(bundle, log):
    profiles = ProfileReader(ProfileStore(log.engine)).latest(bundle.model_version)
    selection, options = Selection(sources=("holdout",)), PerformanceOptions(floor_ratio=0.9)
    base = VersionContext(bundle.model_version, bundle.threshold, tuple(bundle.risk_bands["cuts"]))
    overall = performance_over_time(profiles, selection, base, options).realised
    overall = overall[overall["window"].isna()].set_index("metric")
    brier, auc = overall.loc["brier"], overall.loc["roc_auc"]
    # limits between the interval's good end and the value: each metric is on its worse side, not significantly
    tests = {"brier": 0.9 * (brier["low"] + brier["value"]) / 2, "roc_auc": (auc["high"] + auc["value"]) / 2 / 0.9}
    view = performance_over_time(profiles, selection, dataclasses.replace(base, test_metrics=tests), options)
    row = view.realised[view.realised["window"].isna()].set_index("metric")
    assert row.loc["brier", "value"] > row.loc["brier", "floor"] > row.loc["brier", "low"]  # higher Brier: worse
    assert row.loc["roc_auc", "value"] < row.loc["roc_auc", "floor"] < row.loc["roc_auc", "high"]
    assert row.loc["brier", "status"] == row.loc["roc_auc", "status"] == "worse_than_floor"
    shown = _summary_rows(view)
    assert shown["Brier"][-1] == shown["ROC-AUC"][-1] == "peor que el límite (no significativo)"
    better = performance_over_time(profiles, selection,
                                   dataclasses.replace(base, test_metrics={"brier": brier["high"] * 2}), options)
    assert _summary_rows(better)["Brier"][-1] == "correcto"  # a Brier well under its limit is fine
    assert "bajo el límite" not in str(summary_grid(view).to_plotly_json())


@pytest.mark.parametrize(("window", "pattern"), [("month", r"^\d{4}-\d{2}$"), ("week", r"^\d{4}-\d{2}-\d{2}$")])
def test_windows_are_written_by_their_granularity_in_every_section(service, window, pattern):
    view = service.over_time(Selection(window=window))
    latest = _judged_window(view)
    apart = _estimate_off(view, latest)
    table = confusion_table(apart)
    cells = [row.children[0].children for row in table.children[0].children[1].children]
    assert cells[0] == "todo el período" and pd.Series(cells[1:]).str.match(pattern).all(), cells
    items = mismatch_alert(apart).children[1].children
    labels = [item.children.split(" · ")[1].split(":")[0] for item in items]
    assert labels and pd.Series(labels).str.match(pattern).all(), labels
    if window == "month":
        assert f"{latest:%Y-%m}" in labels and f"{latest:%Y-%m-%d}" not in str(status_banner(apart).to_plotly_json())


def _judged_window(view) -> pd.Timestamp:
    """The latest window with both a realised value (enough outcomes) and an estimate."""
    realised = view.realised[~view.realised["insufficient"] & view.realised["value"].notna()]
    both = set(realised["window"].dropna()) & set(view.estimated["window"].dropna())
    return max(both)


def _estimate_off(view, window) -> object:
    """The view with the estimate of ``window`` moved far from what was observed (the check then finds it)."""
    estimated = view.estimated.copy()
    at = estimated["window"] == window
    estimated.loc[at, ["value", "low", "high"]] = 10.0  # every metric lies in [0, 1]
    return dataclasses.replace(view, estimated=estimated)


def test_calibration_is_not_called_adequate_when_the_estimate_fails(service):
    view = service.over_time(Selection())
    fine = dataclasses.replace(view, calibration=CalibrationCheck("ok", 0.022, 0.4, 4_000, view.calibration.table),
                               estimated=view.estimated.assign(low=-10.0, high=10.0))  # wide: no mismatch
    assert fine.mismatches.empty
    assert calibration_text(fine).startswith("Calibración adecuada en ") and "ECE 0,022" in calibration_text(fine)
    failing = _estimate_off(fine, _judged_window(view))
    assert len(failing.mismatches)
    text = calibration_text(failing)
    assert "adecuada" not in text and "aunque" not in text
    assert "ECE 0,022" in text and "; sin embargo, la estimación CBPE no se sostiene en las ventanas recientes" in text
    banner = status_banner(failing).children
    verdict = next(alert for alert in banner if alert.id == "perf-calibration-status")
    assert verdict.children == text and verdict.color == "warning"


def test_the_expected_confusion_matrix_explains_its_abbreviations(service):
    section = confusion_table(service.over_time(Selection()))
    table, legend = section.children
    header = table.children[0].children.children
    assert [cell.children if isinstance(cell.children, str) else cell.children.children for cell in header] == [
        "Período", "VP", "FP", "FN", "VN"]
    titles = [cell.children.title for cell in header[1:]]
    assert [t.split(":")[0] for t in titles] == ["Verdaderos positivos", "Falsos positivos", "Falsos negativos",
                                                 "Verdaderos negativos"]
    assert {cell.style["width"] for cell in header[1:]} == {"17%"}  # the four count columns share the width
    assert legend.children == CONFUSION_LEGEND
    assert all(abbreviation in CONFUSION_LEGEND for abbreviation in ("VP:", "FP:", "FN:", "VN:"))
    assert all(t for t in _texts(section))
