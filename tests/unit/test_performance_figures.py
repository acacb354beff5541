"""The Desempeño figures and sections on real views (all rows, API rows by week, hold-out rows by day)."""
from __future__ import annotations

import dataclasses

import pytest
from performance_log import fill_log

from app.dashboard.figures import performance_over_time as figures
from app.dashboard.tabs.performance_sections import confusion_table, status_banner, summary_grid
from app.services.log.store import PredictionLog
from app.services.performance import PerformanceService
from app.services.performance.calibration_check import CalibrationCheck
from app.services.profiles import ProfileReader, ProfileStore
from app.services.selection import Selection


@pytest.fixture(scope="module")
def service(bundle, tmp_path_factory):
    log = PredictionLog.from_url(f"sqlite:///{tmp_path_factory.mktemp('figs') / 'log.sqlite'}")
    fill_log(log, bundle)
    yield PerformanceService(bundle, ProfileReader(ProfileStore(log.engine)))
    log.dispose()


@pytest.mark.parametrize("selection", [Selection(), Selection(("api",), window="week"),
                                       Selection(("holdout",), window="day")])
def test_every_builder_draws_the_view(service, selection):
    view = service.over_time(selection)
    for metric in figures.METRIC_LABELS:
        fig = figures.metric_over_time(view, metric)
        assert figures.METRIC_LABELS[metric] in fig.layout.title.text
    names = {trace.name for trace in figures.metric_over_time(view, "recall_0").data}
    assert {"Estimado (CBPE)", "Real (con resultado)"} <= names
    assert figures.band_rates(view).data is not None and figures.calibration_curve(view).data
    table = figures.overall_table(view)
    assert list(table["metric"]) == list(figures.METRIC_LABELS)
    status_banner(view), summary_grid(view), confusion_table(view)


def test_an_empty_selection_has_no_view(service):
    assert service.over_time(Selection(("api",), start="2099-01-01")) is None


def test_the_banner_says_when_the_estimate_is_unreliable(service):
    view = service.over_time(Selection())
    poor = dataclasses.replace(view, calibration=CalibrationCheck("poor", 0.08, 1e-6, 4_000, view.calibration.table))
    assert "Estimación no fiable" in str(status_banner(poor).to_plotly_json())
    unknown = dataclasses.replace(view, calibration=CalibrationCheck("unknown", float("nan"), float("nan"), 3,
                                                                     view.calibration.table))
    assert "Calibración desconocida" in str(status_banner(unknown).to_plotly_json())
