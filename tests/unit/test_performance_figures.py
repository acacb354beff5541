"""The Desempeño figures and sections on real views (all rows, API rows by week, hold-out rows by day)."""
from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np
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


SPANISH_NUMBER = re.compile(r"^(?:\d+|(?:0|[1-9]\d{0,2}(?:\.\d{3})*)(?:,\d+)?)$")
COUNTED = re.compile(r"(\d[\d.,]*) (?:préstamos|filas)")


def _texts(node: Any) -> list[str]:
    """Every string a Dash layout shows (children, recursively)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, (list, tuple)):
        return [t for child in node for t in _texts(child)]
    if hasattr(node, "to_plotly_json"):
        return _texts(getattr(node, "children", None))
    return []


def _figure_texts(fig: Any) -> list[str]:
    """Title, axis titles, annotations, trace names and texts, and hovertemplates without their placeholders."""
    layout = fig.layout
    found = [layout.title.text or "", layout.xaxis.title.text or "", layout.yaxis.title.text or ""]
    found += [a.text or "" for a in layout.annotations]
    for trace in fig.data:
        found.append(trace.name or "")
        found.append(re.sub(r"%\{[^}]*\}", "", trace.hovertemplate or ""))
        text = getattr(trace, "text", None)
        found += [str(t) for t in np.ravel(text)] if text is not None else []
    return found


def assert_spanish_numbers(texts: list[str]) -> None:
    for text in texts:
        for token in re.findall(r"\d[\d.,]*\d|\d", text):
            assert SPANISH_NUMBER.match(token), f"{token!r} in {text!r}"
        for count in COUNTED.findall(text):
            assert "," not in count, f"{count!r} in {text!r}"


@pytest.mark.parametrize("selection", [Selection(), Selection(("api",), window="week")])
def test_the_tab_writes_numbers_the_spanish_way(service, selection):
    view = service.over_time(selection)
    shown = _texts([status_banner(view), summary_grid(view), confusion_table(view)])
    assert any(re.search(r"\d,\d", t) for t in shown)  # decimals are there, with a comma
    assert_spanish_numbers(shown)
    figures_shown = [figures.band_rates(view), figures.calibration_curve(view),
                     *(figures.metric_over_time(view, m) for m in figures.METRIC_LABELS)]
    for fig in figures_shown:
        assert fig.layout.separators == ",."  # hovertemplate numbers (%{y:.3f}) follow the figure's separators
        texts = _figure_texts(fig)
        assert_spanish_numbers(texts)
        assert not any(re.search(r"%\{[^}]*%\}", t or "") for t in (tr.hovertemplate for tr in fig.data))
    for english in ("ECE 0.022", "12,922 préstamos", "4,141.8", "0.749 [0.723, 0.775]"):  # the check catches them
        with pytest.raises(AssertionError):
            assert_spanish_numbers([english])


def test_band_rates_leave_out_windows_with_insufficient_data(service):
    view = service.over_time(Selection())  # months: four judged, the thin ones (64 loans, ...) insufficient
    thin = set(figures.insufficient_windows(view))
    assert thin and len(thin) < view.bands["window"].nunique()
    fig = figures.band_rates(view)
    observed = [t for t in fig.data if t.name.endswith(": observado")]
    assert observed and all(not (set(t.x) & thin) for t in observed)
    marks = [t for t in fig.data if t.name == "Datos insuficientes"]
    assert len(marks) == 1 and set(marks[0].x) == thin & set(view.bands.loc[view.bands["n"] > 0, "window"])
    judged = view.bands[(view.bands["n"] > 0) & ~view.bands["window"].isin(thin)]
    low, high = fig.layout.yaxis.range
    assert low == 0 and high >= judged["high"].max()
    assert high < view.bands.loc[view.bands["n"] > 0, "high"].max()  # the thin windows' wide bars stretch no more


def test_summary_intervals_stay_on_one_line_in_sized_columns(service):
    table = summary_grid(service.over_time(Selection()))
    grid = table if getattr(table, "id", None) == "perf-summary-table" else table.children[0]
    header, body = grid.children
    widths = [float(th.style["width"].rstrip("%")) for th in header.children.children]
    assert [th.children for th in header.children.children][:2] == ["Métrica", "Real"] and sum(widths) == 100
    assert widths[1] > widths[0] and widths[3] > widths[0]  # value columns wider than the metric column
    for row in body.children:
        real, estimated = row.children[1].children, row.children[3].children
        estimated = estimated[0] if isinstance(estimated, list) else estimated
        for cell in (real, estimated):
            assert cell.className == "text-nowrap"
    assert any("[" in row.children[1].children.children for row in body.children)
