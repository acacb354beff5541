"""Every figure builder of app/dashboard/figures on real inputs: date axes written in ISO numbers by their window
(never d3's English month names), percent axes with the Spanish space (``20 %``), Desempeño's reference lines
labelled inside the plot."""
from __future__ import annotations

import inspect
import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from performance_log import fill_log
from plotly.utils import PlotlyJSONEncoder
from test_chart_figures import BANDS as CHART_BANDS
from test_chart_figures import BOUNDS, CUTS, evaluation_of, fine, log_frame, timeline_of
from test_drift_figures import BANDS, current, evolution_frame, profile, view  # noqa: F401
from test_performance_challenger_view import _comparison
from test_reference_comparison_view import items

from app.dashboard import figures as figures_package
from app.dashboard.figures import (
    batch,
    charts,
    charts_performance,
    charts_reference,
    drift,
    drift_evolution,
    drift_peaks,
    performance_challenger,
    performance_over_time,
)
from app.dashboard.formatting import WINDOW_FORMATS
from app.dashboard.style import percent_ticks
from app.services.log.store import PredictionLog
from app.services.performance import PerformanceService, stats
from app.services.profiles import ProfileReader, ProfileStore
from app.services.selection import Selection
from modeling.drift import SCORE_NAME, psi_evolution
from modeling.drift.peaks import max_psi_per_window

MODULES = (batch, charts, charts_performance, charts_reference, drift, drift_evolution, drift_peaks,
           performance_challenger, performance_over_time)
HELPERS = {"style", "empty_figure"}  # style a figure, or say there is nothing to draw
ENGLISH_DIRECTIVES = re.compile(r"%[bBaA]")  # d3 time directives that print English names
FREQUENCIES = {"month": "M", "week": "W", "day": "D"}
PERCENT_AXES = {"roc_figure": "xy", "pr_figure": "xy", "calibration_figure": "xy", "threshold_figure": "y",
                "band_rates": "y", "calibration_curve": "xy", "score_histogram": "y"}


@pytest.fixture(scope="module")
def performance(bundle, tmp_path_factory):
    log = PredictionLog.from_url(f"sqlite:///{tmp_path_factory.mktemp('axes') / 'log.sqlite'}")
    fill_log(log, bundle)
    service = PerformanceService(bundle, ProfileReader(ProfileStore(log.engine)))
    yield {window: service.over_time(Selection(window=window)) for window in FREQUENCIES}
    log.dispose()


@pytest.fixture(scope="module")
def built(performance, bundle, view, profile, current, evolution_frame) -> dict[str, list[tuple[str, go.Figure]]]:  # noqa: F811
    """Each public builder's figures, with the window granularity of their date axis (``""`` for none)."""
    frame = log_frame()
    prob = frame["prob_default"].to_numpy()
    evaluation = evaluation_of(frame)
    dist = stats.score_distribution(fine(prob), fine(prob[::-1]), BOUNDS, (prob.mean(), prob.mean()), CUTS[1], CUTS,
                                    CHART_BANDS)
    evolutions = {w: psi_evolution(profile, current, current["fecha"], freq=f, scores=current[SCORE_NAME],
                                   bands=BANDS) for w, f in FREQUENCIES.items()}
    _, comparison = _comparison(bundle)
    out: dict[str, list[tuple[str, go.Figure]]] = {
        "risk_band_bar": [("", batch.risk_band_bar({"Bajo": 3, "Alto": 1}, ["Bajo", "Medio", "Alto"]))],
        "probability_histogram": [("", batch.probability_histogram([0, 0.5, 1], [3, 1], 0.5))],
        "score_histogram": [("", charts.score_histogram(dist))],
        "median_bars": [("", charts_reference.median_bars(items()))],
        "psi_bars": [("", drift.psi_bars(view.table, BANDS))],
        "bin_shares": [("", drift.bin_shares(view.report.get("segmento")))],
        "band_changes": [("", performance_challenger.band_changes(comparison))],
        "score_pairs": [("", performance_challenger.score_pairs(comparison))],
        "score_drift": [("month", performance_challenger.score_drift(comparison))],
    }
    for name in ("confusion_heatmap", "roc_figure", "pr_figure", "calibration_figure", "threshold_figure"):
        out[name] = [("", getattr(charts_performance, name)(evaluation))]
    for name in ("volume_and_score", "risk_band_mix", "observed_vs_predicted"):
        out[name] = [(w, getattr(charts, name)(timeline_of(frame, w))) for w in FREQUENCIES]
    out["metric_over_time"] = [(w, performance_over_time.metric_over_time(v, m)) for w, v in performance.items()
                               for m in ("roc_auc", "brier")]
    out["band_rates"] = [(w, performance_over_time.band_rates(v)) for w, v in performance.items()]
    out["calibration_curve"] = [("", performance_over_time.calibration_curve(performance["month"]))]
    out["psi_lines"] = [(w, drift_evolution.psi_lines(e, ["monto"], BANDS, w)) for w, e in evolutions.items()]
    out["psi_heatmap"] = [("", drift_evolution.psi_heatmap(e, BANDS, w)) for w, e in evolutions.items()]
    out["psi_max_figure"] = [("", drift_peaks.psi_max_figure(max_psi_per_window(e), BANDS, w))
                             for w, e in evolutions.items()]
    return out


def _builders() -> set[str]:
    return {name for module in MODULES for name, fn in inspect.getmembers(module, inspect.isfunction)
            if fn.__module__ == module.__name__ and not name.startswith("_") and name not in HELPERS
            and inspect.signature(fn).return_annotation in ("go.Figure", go.Figure)}


def _dated(trace: go.BaseTraceType) -> bool:
    x = getattr(trace, "x", None)
    if x is None or len(x) == 0:
        return False
    values = pd.Series(list(x)).dropna()
    return len(values) > 0 and all(isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "isoformat")
                                   for v in values)


def _axes(fig: go.Figure, letter: str) -> Iterator[go.layout.XAxis]:
    return (fig.layout[key] for key in fig.layout if re.fullmatch(f"{letter}axis\\d*", key))


def test_every_figure_module_and_builder_is_walked(built):
    modules = {p.stem for p in Path(figures_package.__file__).parent.glob("*.py")} - {"__init__"}
    assert modules == {m.__name__.rsplit(".", 1)[1] for m in MODULES}
    assert _builders() == set(built), "a new figure builder: add it to built() so its axes are checked"


def test_date_axes_write_windows_in_iso_numbers_never_english_month_names(built):
    dated = 0
    for name, figures in built.items():
        for window, fig in figures:
            text = json.dumps(fig.to_plotly_json(), cls=PlotlyJSONEncoder)
            assert not ENGLISH_DIRECTIVES.search(text), f"{name}: a %b/%B/%a/%A date format"
            if not any(_dated(trace) for trace in fig.data):
                continue
            dated += 1
            assert window, f"{name} draws dates: give it its window in built()"
            for axis in _axes(fig, "x"):
                assert axis.tickformat == WINDOW_FORMATS[window], (name, window, axis.tickformat)
                assert axis.hoverformat == WINDOW_FORMATS[window]
            for trace in fig.data:
                for directive in re.findall(r"%\{x\|([^}]*)\}", trace.hovertemplate or ""):
                    assert directive.replace("semana del ", "") == WINDOW_FORMATS[window], (name, directive)
    assert dated >= 20


def test_percent_axes_put_a_space_before_the_sign(built):
    for name, figures in built.items():
        for _, fig in figures:
            for axis in [*_axes(fig, "x"), *_axes(fig, "y")]:
                assert not (axis.tickformat or "").endswith("%"), f"{name}: d3 percent ticks read 20% (no space)"
                assert axis.ticksuffix in (None, " %"), name
            for letter in PERCENT_AXES.get(name, ""):
                axis = fig.layout[f"{letter}axis"]
                assert axis.tickmode == "array" and axis.ticktext, (name, letter)
                assert all(re.fullmatch(r"\d+(,\d+)? %", t) for t in axis.ticktext), axis.ticktext
                assert axis.tickvals[0] == 0


def test_percent_ticks_are_round_steps_covering_the_range():
    assert percent_ticks(1.0) == ([0.0, 0.2, 0.4, 0.6, 0.8, 1.0], ["0 %", "20 %", "40 %", "60 %", "80 %", "100 %"])
    values, texts = percent_ticks(0.057)
    assert values[-1] >= 0.057 and texts[:3] == ["0 %", "2 %", "4 %"]
    assert percent_ticks(0.025)[1][1] == "0,5 %"


def test_reference_lines_are_labelled_inside_the_plot_right_edge(performance):
    fig = performance_over_time.metric_over_time(performance["month"], "roc_auc")
    labels = [a for a in fig.layout.annotations if a.text.startswith(("Prueba", "Límite"))]
    assert len(labels) == 2
    for annotation in labels:  # right edge, anchored to its right: never over the y tick labels on the left
        assert annotation.xref.endswith("domain") and annotation.x == 1 and annotation.xanchor == "right"


def test_builders_take_the_window_of_their_figure(built: dict[str, list[tuple[str, go.Figure]]]) -> None:
    monthly = dict(built["psi_lines"])["month"]
    assert monthly.layout.xaxis.tickformat == "%Y-%m"
    weekly = dict(built["volume_and_score"])["week"]
    assert weekly.layout.xaxis.tickformat == "%Y-%m-%d"

