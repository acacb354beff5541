"""Figure and section builders of the Gráficas tab, fed by the performance service's pure functions."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest
from plotly.utils import PlotlyJSONEncoder

from app.dashboard.figures import charts, charts_performance
from app.dashboard.tabs.charts_kpis import kpi_row
from app.dashboard.tabs.charts_model_card import model_card_section
from app.dashboard.tabs.charts_sections import NO_OUTCOMES, performance_section
from app.services.performance.service import PerformanceView
from app.services.performance.card import build_model_card
from app.services.performance.labelled import evaluate_labelled
from app.services.performance.stats import score_distribution, summarize, timeline

BANDS = ("Bajo", "Medio", "Alto")
CUTS = [0.2, 0.5]


def log_frame(n: int = 400, labelled: bool = True, seed: int = 1) -> pd.DataFrame:
    """Rows shaped like the service's log read: model scores, decisions, bands and (optionally) outcomes."""
    rng = np.random.default_rng(seed)
    prob = rng.beta(2, 5, n)
    actual = np.where(rng.uniform(size=n) < prob, 0, 1)
    when = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 120, n), unit="D")
    return pd.DataFrame({
        "request_id": "r", "scored_at": pd.Timestamp("2025-06-01"), "source": "holdout", "when": when,
        "prob_default": prob, "Pago_atiempo_pred": np.where(prob >= CUTS[1], 0, 1),
        "risk_band": np.asarray(BANDS, dtype=object)[np.searchsorted(CUTS, prob, side="right")],
        "latency_ms": 5.0, "actual": pd.array(actual if labelled else [None] * n, dtype="Int64")})


def text_of(component) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


@pytest.fixture(scope="module")
def evaluation():
    frame = log_frame()
    return evaluate_labelled(frame["actual"].to_numpy(dtype="int64"), frame["prob_default"].to_numpy(), CUTS[1])


def test_score_histogram_compares_shares_over_bands_and_threshold():
    frame = log_frame()
    reference = np.random.default_rng(5).beta(2, 6, 1000)
    fig = charts.score_histogram(score_distribution(frame["prob_default"], reference, CUTS[1], CUTS, BANDS))
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in bars] == ["Referencia (entrenamiento, n=1,000)", "Predicciones filtradas (n=400)"]
    assert all(sum(t.y) == pytest.approx(100) for t in bars)
    assert [s.x0 for s in fig.layout.shapes if s.type == "line"] == [CUTS[1]]  # the threshold
    fills = [s.fillcolor for s in fig.layout.shapes if s.type == "rect"]
    assert fills == [charts.BAND_COLORS[b] for b in BANDS]
    assert "Distribución de prob_default" in fig.layout.title.text
    assert fig.layout.xaxis.title.text == "Probabilidad de pago tardío (prob_default)"
    pio.to_json(fig, validate=True)


def test_volume_and_band_mix_follow_the_timeline():
    series = timeline(log_frame(), "month", BANDS)
    volume = charts.volume_and_score(series)
    assert list(volume.data[0].y) == series.frame["n"].tolist()
    assert volume.data[1].yaxis == "y2"
    assert "por mes del préstamo" in volume.layout.title.text
    mix = charts.risk_band_mix(series)
    assert [t.name for t in mix.data] == list(BANDS)
    assert [t.marker.color for t in mix.data] == ["#2e7d32", "#f9a825", "#c62828"]
    assert np.allclose(np.sum([t.y for t in mix.data], axis=0), 100)
    weekly = charts.volume_and_score(timeline(log_frame(), "week", BANDS))
    assert "semana" in weekly.layout.title.text


def test_observed_vs_predicted_only_plots_labelled_windows():
    frame = log_frame()
    frame.loc[frame["when"] >= "2025-03-01", "actual"] = pd.NA
    series = timeline(frame, "month", BANDS)
    fig = charts.observed_vs_predicted(series)
    assert len(fig.data[0].x) == int((series.frame["n_labelled"] > 0).sum()) == 2
    assert fig.data[0].name == "Tasa real de pago tardío"
    assert fig.data[0].error_y.array is not None


def test_confusion_heatmap_counts_and_spanish_labels(evaluation):
    fig = charts_performance.confusion_heatmap(evaluation)
    heat = fig.data[0]
    assert np.array_equal(np.asarray(heat.z), evaluation.confusion)
    assert list(heat.x) == list(heat.y) == ["Pago tardío (0)", "Pago a tiempo (1)"]
    assert heat.text[0][0].startswith(f"{evaluation.confusion[0, 0]:,}")
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("Predicción del modelo", "Resultado real")


def test_roc_and_pr_mark_the_operating_point(evaluation):
    roc = charts_performance.roc_figure(evaluation)
    point = roc.data[-1]
    assert (point.x[0], point.y[0]) == (evaluation.operating_point["fpr"], evaluation.metrics["recall_0"])
    assert f"AUC {evaluation.metrics['roc_auc']:.3f}" in roc.layout.title.text
    pr = charts_performance.pr_figure(evaluation)
    assert list(pr.data[0].y) == [evaluation.late_rate] * 2  # chance level
    assert (pr.data[-1].x[0], pr.data[-1].y[0]) == (evaluation.metrics["recall_0"], evaluation.metrics["precision_0"])


def test_calibration_and_threshold_figures(evaluation):
    calibration = charts_performance.calibration_figure(evaluation)
    assert len(calibration.data[1].x) == len(evaluation.calibration)
    threshold = charts_performance.threshold_figure(evaluation)
    assert [t.name for t in threshold.data] == ["Recall clase 0", "Precisión clase 0", "% marcados como pago tardío"]
    assert threshold.layout.shapes[0].x0 == evaluation.threshold
    assert threshold.layout.xaxis.range[1] >= evaluation.threshold


def test_performance_section_states(evaluation):
    series = timeline(log_frame(), "month", BANDS)
    assert "No hay predicciones" in text_of(performance_section(None))
    assert NO_OUTCOMES in text_of(performance_section(PerformanceView(None, series, {})))
    full = text_of(performance_section(PerformanceView(evaluation, series, {"roc_auc": 0.61})))
    assert "prueba al entrenar: 0.610" in full and "Curva ROC" in full
    one_class = evaluate_labelled(np.ones(5, dtype=int), np.linspace(0.1, 0.9, 5), 0.5)
    partial = text_of(performance_section(PerformanceView(one_class, series, {})))
    assert "una sola clase (solo pagos a tiempo)" in partial and "Curva ROC" not in partial


def test_kpi_row_and_model_card_render():
    assert "No hay predicciones" in text_of(kpi_row(None, 0.5))
    row = text_of(kpi_row(summarize(log_frame(), BANDS), 0.5))
    assert "400" in row and "Predicho pago tardío" in row
    empty_card = text_of(model_card_section(build_model_card({"model_version": "v0"})))
    assert "v0" in empty_card and "no guarda la comparación" in empty_card
