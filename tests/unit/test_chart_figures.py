"""Figure and section builders of the Gráficas tab, fed by the performance service's pure functions on counts made
here from rows the way the profiles count them (class and confusion cells, fine score bins, sums)."""
from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest
from plotly.utils import PlotlyJSONEncoder

from app.dashboard.figures import charts, charts_performance
from app.dashboard.formatting import decimal
from app.dashboard.formatting import percent as spanish_percent
from app.dashboard.guard import FAILED
from app.dashboard.tabs import charts as charts_tab
from app.dashboard.tabs.charts_kpis import kpi_row
from app.dashboard.tabs.charts_model_card import model_card_section
from app.dashboard.tabs.charts_sections import NO_OUTCOMES, performance_section
from app.dashboard.tabs.logs import totals_view
from app.services.log.pages import LogTotals
from app.services.performance import (
    GroupCounts,
    LabelledCounts,
    PerformanceView,
    build_model_card,
    evaluate_labelled,
    stats,
)
from app.services.profiles import fine_edges
from app.services.selection import Selection, SelectionError

BANDS = ("Bajo", "Medio", "Alto")
CUTS = (0.2, 0.5)
EDGES = fine_edges()
BOUNDS = np.r_[0.0, EDGES, 1.0]
PERIODS = {"month": "M", "week": "W-SUN", "day": "D"}
STARTS = {"month": "MS", "week": "W-MON", "day": "D"}


def log_frame(n: int = 400, labelled: bool = True, seed: int = 1) -> pd.DataFrame:
    """Rows shaped like the log: model scores, decisions, bands, loan days and (optionally) outcomes."""
    rng = np.random.default_rng(seed)
    prob = rng.beta(2, 5, n)
    actual = np.where(rng.uniform(size=n) < prob, 0, 1)
    return pd.DataFrame({
        "day": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 120, n), unit="D"),
        "prob_default": prob, "Pago_atiempo_pred": np.where(prob >= CUTS[1], 0, 1),
        "band": np.searchsorted(CUTS, prob, side="right"), "latency_ms": 5.0,
        "actual": actual.astype(float) if labelled else np.nan})


def fine(prob: np.ndarray) -> np.ndarray:
    return np.bincount(np.searchsorted(EDGES, prob, side="right"), minlength=EDGES.size + 1)


def group_counts(frame: pd.DataFrame, group: np.ndarray, groups: int) -> GroupCounts:
    """What the profiles hold per group: each row is a request of its own."""
    labelled = frame["actual"].notna().to_numpy()
    pred, prob = frame["Pago_atiempo_pred"].to_numpy(), frame["prob_default"].to_numpy()
    klass, confusion = np.zeros((groups, 2 * len(BANDS)), int), np.zeros((groups, 4), int)
    np.add.at(klass, (group, frame["band"].to_numpy() * 2 + pred), 1)
    np.add.at(confusion, (group[labelled], pred[labelled] * 2 + frame["actual"].to_numpy()[labelled].astype(int)), 1)
    total = lambda weights: np.bincount(group, weights=weights, minlength=groups)  # noqa: E731
    return GroupCounts(np.bincount(group, minlength=groups), klass, confusion, total(prob),
                       total(np.where(labelled, prob, 0.0)), total(frame["latency_ms"].to_numpy()),
                       total(np.ones(len(frame))))


def timeline_of(frame: pd.DataFrame, window: str = "month") -> stats.Timeline:
    start = frame["day"].dt.to_period(PERIODS[window]).dt.start_time
    windows = pd.date_range(start.min(), start.max(), freq=STARTS[window])
    return stats.timeline(group_counts(frame, windows.get_indexer(start), len(windows)), list(windows), window, BANDS)


def summary_of(frame: pd.DataFrame) -> stats.LogSummary:
    counts = group_counts(frame, np.zeros(len(frame), int), 1)
    days = (frame["day"].min().date(), frame["day"].max().date())
    return stats.summarize(counts, BANDS, {"holdout": len(frame)}, CUTS[1], None, days)


def evaluation_of(frame: pd.DataFrame):
    labelled = frame[frame["actual"].notna()]
    prob, late = labelled["prob_default"].to_numpy(), labelled["actual"].to_numpy() == 0
    counts = group_counts(labelled, np.zeros(len(labelled), int), 1)
    return evaluate_labelled(LabelledCounts(counts.confusion[0], fine(prob[late]), fine(prob[~late]), prob.sum(),
                                            prob[late].sum(), (prob ** 2).sum()), BOUNDS, CUTS[1])


def text_of(component) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


@pytest.fixture(scope="module")
def evaluation():
    return evaluation_of(log_frame())


def test_score_histogram_compares_densities_over_bands_and_threshold():
    prob = log_frame()["prob_default"].to_numpy()
    reference = np.random.default_rng(5).beta(2, 6, 1000)
    dist = stats.score_distribution(fine(prob), fine(reference), BOUNDS, (prob.mean(), reference.mean()), CUTS[1],
                                    CUTS, BANDS)
    fig = charts.score_histogram(dist)
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in bars] == ["Referencia (entrenamiento, n=1.000)", "Predicciones filtradas (n=400)"]
    for bar in bars:  # heights are shares per 0.01 of score: area over the bars is 100 %
        assert np.sum(np.asarray(bar.y) * np.asarray(bar.width) / charts.DENSITY_WIDTH) == pytest.approx(1)
        assert sum(c[1] for c in bar.customdata) == pytest.approx(100)
    ticks = fig.layout.yaxis  # shares written as Spanish percentages from 0, covering the tallest bar
    assert ticks.tickmode == "array" and ticks.ticktext[0] == "0 %" and ticks.tickvals[0] == 0
    assert all(re.fullmatch(r"\d+(,\d+)? %", text) for text in ticks.ticktext), ticks.ticktext
    assert ticks.tickvals[-1] >= max(max(bar.y) for bar in bars)
    assert [s.x0 for s in fig.layout.shapes if s.type == "line"] == [CUTS[1]]  # the threshold
    fills = [s.fillcolor for s in fig.layout.shapes if s.type == "rect"]
    assert fills == [charts.BAND_COLORS[b] for b in BANDS]
    assert "predicciones vs referencia" in fig.layout.title.text
    assert fig.layout.xaxis.title.text == "Probabilidad de pago tardío (prob_default)"
    pio.to_json(fig, validate=True)
    alone = charts.score_histogram(stats.score_distribution(fine(prob), None, BOUNDS, (prob.mean(), np.nan), CUTS[1],
                                                            CUTS, BANDS))
    assert [t.name for t in alone.data if t.type == "bar"] == ["Predicciones filtradas (n=400)"]
    assert "sin referencia" in alone.layout.title.text


def test_volume_and_band_mix_follow_the_timeline():
    series = timeline_of(log_frame())
    volume = charts.volume_and_score(series)
    assert list(volume.data[0].y) == series.frame["n"].tolist()
    assert volume.data[1].yaxis == "y2"
    assert "por mes del préstamo" in volume.layout.title.text
    mix = charts.risk_band_mix(series)
    assert [t.name for t in mix.data] == list(BANDS)
    assert [t.marker.color for t in mix.data] == ["#2e7d32", "#f9a825", "#c62828"]
    assert np.allclose(np.sum([t.y for t in mix.data], axis=0), 100)
    weekly = charts.volume_and_score(timeline_of(log_frame(), "week"))
    assert "semana" in weekly.layout.title.text
    gap = log_frame()
    gap = gap[gap["day"].dt.month != 2]
    frame = timeline_of(gap).frame
    assert frame.loc["2025-02-01", "n"] == 0 and np.isnan(frame.loc["2025-02-01", "share_Alto"])
    pio.to_json(charts.risk_band_mix(timeline_of(gap)), validate=True)


def test_observed_vs_predicted_only_plots_labelled_windows():
    frame = log_frame()
    frame.loc[frame["day"] >= "2025-03-01", "actual"] = np.nan
    series = timeline_of(frame)
    fig = charts.observed_vs_predicted(series)
    assert len(fig.data[0].x) == int((series.frame["n_labelled"] > 0).sum()) == 2
    assert fig.data[0].name == "Tasa real de pago tardío"
    assert fig.data[0].error_y.array is not None


def test_confusion_heatmap_counts_and_spanish_labels(evaluation):
    fig = charts_performance.confusion_heatmap(evaluation)
    heat = fig.data[0]
    assert np.array_equal(np.asarray(heat.z), evaluation.confusion)
    assert list(heat.x) == list(heat.y) == ["Pago tardío (0)", "Pago a tiempo (1)"]
    assert heat.text[0][0].startswith(f"{evaluation.confusion[0, 0]:,}".replace(",", "."))  # Spanish thousands
    assert " %" in heat.text[0][0] and "," in heat.text[0][0]  # 48,0 %
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("Predicción del modelo", "Resultado real")


def test_roc_and_pr_mark_the_operating_point(evaluation):
    roc = charts_performance.roc_figure(evaluation)
    point = roc.data[-1]
    assert (point.x[0], point.y[0]) == (evaluation.operating_point["fpr"], evaluation.metrics["recall_0"])
    assert f"AUC {evaluation.metrics['roc_auc']:.3f}".replace(".", ",") in roc.layout.title.text
    pr = charts_performance.pr_figure(evaluation)
    assert list(pr.data[0].y) == [evaluation.late_rate] * 2  # chance level
    assert (pr.data[-1].x[0], pr.data[-1].y[0]) == (evaluation.metrics["recall_0"], evaluation.metrics["precision_0"])
    pio.to_json(roc, validate=True)
    pio.to_json(pr, validate=True)


def test_calibration_and_threshold_figures(evaluation):
    calibration = charts_performance.calibration_figure(evaluation)
    assert len(calibration.data[1].x) == len(evaluation.calibration) == 10
    threshold = charts_performance.threshold_figure(evaluation)
    assert [t.name for t in threshold.data] == ["Recall clase 0", "Precisión clase 0", "% marcados como pago tardío"]
    assert threshold.layout.shapes[0].x0 == evaluation.threshold
    assert threshold.layout.xaxis.range[1] >= evaluation.threshold
    assert evaluation.threshold_curve["recall_0"].is_monotonic_increasing  # thresholds run from high to low


def test_performance_hover_labels_write_percentages_with_a_space(evaluation):
    """d3's ``%`` format gives ``12,3%``; the labels use percent points and `` %`` (formatting.HOVER_PERCENT)."""
    for build in (charts_performance.roc_figure, charts_performance.pr_figure, charts_performance.calibration_figure,
                  charts_performance.threshold_figure):
        templates = [t.hovertemplate or "" for t in build(evaluation).data]
        assert not any(re.search(r"%\{[^}]*%\}", t) for t in templates), templates
        assert any(" %" in t for t in templates)


def test_performance_section_states(evaluation):
    series = timeline_of(log_frame())
    assert "No hay predicciones" in text_of(performance_section(None))
    assert NO_OUTCOMES in text_of(performance_section(PerformanceView(None, series, {})))
    full = text_of(performance_section(PerformanceView(evaluation, series, {"roc_auc": 0.61})))
    assert "prueba al entrenar: 0,610" in full and "Curva ROC" in full
    on_time = log_frame(n=20).assign(actual=1.0)
    partial = text_of(performance_section(PerformanceView(evaluation_of(on_time), series, {})))
    assert "una sola clase (solo pagos a tiempo)" in partial and "Curva ROC" not in partial


def test_the_mean_prob_default_reads_the_same_in_graficas_and_logs():
    """One format (percent, one decimal) for the mean in the KPI tile, the histogram title and Logs."""
    frame = log_frame()
    summary = summary_of(frame)
    mean = summary.mean_prob_default
    shown = spanish_percent(mean)
    assert re.fullmatch(r"\d+,\d %", shown)
    prob = frame["prob_default"].to_numpy()
    dist = stats.score_distribution(fine(prob), None, BOUNDS, (prob.mean(), np.nan), CUTS[1], CUTS, BANDS)
    assert f"media {shown}" in charts.score_histogram(dist).layout.title.text
    assert shown in text_of(kpi_row(summary)) and decimal(mean, 4) not in text_of(kpi_row(summary))
    cards, _ = totals_view(LogTotals(count=len(frame), mean_prob_default=mean, high_risk=2, with_actual=3))
    assert shown in str(cards) and spanish_percent(mean, 2) not in str(cards)


def test_kpi_row_and_model_card_render():
    assert "No hay predicciones" in text_of(kpi_row(None))
    row = text_of(kpi_row(summary_of(log_frame())))
    assert "400" in row and "Predicho pago tardío" in row and "400 solicitudes" in row
    assert "préstamos 2025-01-01" in row and "umbral prob_default ≥ 0,500" in row
    spread = dataclasses.replace(summary_of(log_frame(n=2_000)), std_prob_default=0.1234, std_bound=0.00091,
                                 reference_std=0.15)
    tiles = text_of(kpi_row(spread))
    for title in ("Total predicciones", "Predicción promedio", "Desviación estándar"):  # the original's three
        assert title in tiles
    assert "2.000" in tiles and "0,123" in tiles and "± 0,0009" in tiles and "referencia 0,150" in tiles
    empty_card = text_of(model_card_section(build_model_card({"model_version": "v0"})))
    assert "v0" in empty_card and "no guarda la comparación" in empty_card


def test_callback_guard_turns_errors_into_spanish_messages(caplog):
    def bad_version():
        raise SelectionError("model_version", "no logged predictions of model version 'x'")

    def broken():
        raise RuntimeError("boom")

    assert "No hay predicciones registradas de esa versión" in text_of(charts_tab._guarded(bad_version)())
    assert "Fuente desconocida" in text_of(charts_tab._guarded(lambda: Selection.parse(["nope"]))())
    assert "anterior a la inicial" in text_of(charts_tab._guarded(lambda: Selection.parse(None, None, "2025-02-01",
                                                                                          "2025-01-01"))())
    with caplog.at_level("ERROR"):
        assert FAILED in text_of(charts_tab._guarded(broken)())
    assert "charts tab: broken failed" in caplog.text and "boom" in caplog.text


def test_the_model_card_reports_accuracy_under_its_spanish_name(bundle):
    card = text_of(model_card_section(build_model_card(bundle.metadata)))
    assert "Exactitud (accuracy)" in card and "Recall clase 0" in card


def test_metric_tile_titles_keep_short_phrases_on_one_line(evaluation):
    from app.dashboard.tabs.charts_kpis import metric_cards

    tiles = text_of(metric_cards(evaluation, {}))
    for title in ("Recall clase\u00a00", "Precisión clase\u00a00", "F1 clase\u00a00", "PR-AUC pago\u00a0tardío",
                  "Con resultado\u00a0real"):
        assert title in tiles  # a non-breaking space: "0" never alone on the next line
    assert "Recall clase 0" not in tiles and "Precisión clase 0" not in tiles and tiles.count("kpi-title") == 7
