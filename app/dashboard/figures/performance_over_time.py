"""Pure plotly figures of the Desempeño tab: a metric over time (realised with its interval beside the CBPE
estimate with its band, floor and held-out value), observed vs predicted late rate per risk band, calibration.

Data in (:class:`~app.services.performance.over_time.PerformanceOverTime`) → ``go.Figure`` out. No Dash imports.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from app.dashboard.figures.charts import BAND_COLORS, CURRENT_COLOR, OBSERVED_COLOR, REFERENCE_COLOR, style
from app.dashboard.formatting import HOVER_PERCENT, WINDOW_FORMATS, decimal, integer
from app.dashboard.style import INSUFFICIENT, date_axis, percent_axis
from app.services.performance.over_time import PerformanceOverTime

METRIC_LABELS = {"roc_auc": "ROC-AUC", "gini": "Gini", "ks": "KS", "pr_auc_0": "PR-AUC (clase 0)",
                 "recall_0": "Recall (clase 0)", "precision_0": "Precisión (clase 0)", "f1_0": "F1 (clase 0)",
                 "brier": "Brier"}
ALERT_COLOR = "#c62828"
ESTIMATE_FILL = "rgba(21, 101, 192, 0.15)"
MISMATCH_NAME = "Estimación ≠ observado"


def metric_over_time(view: PerformanceOverTime, metric: str) -> go.Figure:
    """Realised ``metric`` per window (points, 95 % interval bars; alerts in red), the CBPE estimate (line and
    band) where the metric can be estimated, the floor and the held-out test value."""
    realised = view.realised[(view.realised["metric"] == metric) & view.realised["window"].notna()]
    estimated = view.estimated[(view.estimated["metric"] == metric) & view.estimated["window"].notna()]
    day = WINDOW_FORMATS.get(view.granularity, WINDOW_FORMATS["day"])
    fig = go.Figure()
    if not estimated.empty:
        x = list(estimated["window"]) + list(estimated["window"])[::-1]
        y = list(estimated["high"]) + list(estimated["low"])[::-1]
        fig.add_scatter(x=x, y=y, fill="toself", fillcolor=ESTIMATE_FILL, line={"width": 0}, hoverinfo="skip",
                        name="Estimado: IC 95 %")
        fig.add_scatter(x=estimated["window"], y=estimated["value"], mode="lines+markers", name="Estimado (CBPE)",
                        line={"color": CURRENT_COLOR, "dash": "dot"},
                        customdata=np.c_[estimated["low"], estimated["high"], estimated["n"]],
                        hovertemplate="%{x|" + day + "}<br>Estimado %{y:.3f} [%{customdata[0]:.3f}; "
                                      "%{customdata[1]:.3f}]<br>n = %{customdata[2]:,}<extra></extra>")
    shown = realised[~realised["insufficient"]]
    alert = shown["status"] == "alert"
    fig.add_scatter(
        x=shown["window"], y=shown["value"], mode="markers", name="Real (con resultado)",
        marker={"color": np.where(alert, ALERT_COLOR, OBSERVED_COLOR).tolist(), "size": 9},
        error_y={"type": "data", "symmetric": False, "array": shown["high"] - shown["value"],
                 "arrayminus": shown["value"] - shown["low"], "color": OBSERVED_COLOR},
        customdata=np.c_[shown["low"], shown["high"], shown["n"], shown["n_late"]],
        hovertemplate="%{x|" + day + "}<br>Real %{y:.3f} [%{customdata[0]:.3f}; %{customdata[1]:.3f}]<br>"
                      "n = %{customdata[2]:,} · tardíos = %{customdata[3]:,}<extra></extra>")
    missing = realised[realised["insufficient"] & (realised["n"] > 0)]
    if not missing.empty:
        fig.add_scatter(x=missing["window"], y=np.zeros(len(missing)), mode="markers", name="Datos insuficientes",
                        marker={"symbol": "x", "color": REFERENCE_COLOR, "size": 8}, yaxis="y",
                        customdata=np.c_[missing["n"], missing["n_late"]],
                        hovertemplate="%{x|" + day + "}<br>Datos insuficientes: n = %{customdata[0]:,}, tardíos = "
                                      "%{customdata[1]:,}<extra></extra>")
    apart = view.mismatches
    apart = apart[(apart["metric"] == metric) & apart["window"].notna()]
    if not apart.empty:
        fig.add_scatter(x=apart["window"], y=apart["value_est"], mode="markers", name=MISMATCH_NAME,
                        marker={"symbol": "diamond-open", "color": ALERT_COLOR, "size": 14, "line": {"width": 2}},
                        hovertemplate="%{x|" + day + "}<br>La estimación no coincide con lo observado: confíe en el "
                                      "valor real<extra></extra>")
    test = view.test_metrics.get(metric)
    if test is not None:
        fig.add_hline(y=test, line={"color": REFERENCE_COLOR, "dash": "dash"},
                      annotation_text=f"Prueba {decimal(test, 3)}", annotation_position="top right")
        floor = test / view.options.floor_ratio if metric == "brier" else test * view.options.floor_ratio
        fig.add_hline(y=floor, line={"color": ALERT_COLOR, "dash": "dot", "width": 1},
                      annotation_text=f"Límite {decimal(floor, 3)}", annotation_position="bottom right")
    date_axis(fig, view.granularity)
    return style(fig, f"{METRIC_LABELS.get(metric, metric)} por {_window_word(view.granularity)}",
                 "Fecha del préstamo", METRIC_LABELS.get(metric, metric))


def band_rates(view: PerformanceOverTime) -> go.Figure:
    """Observed late rate per risk band and window (points with Wilson bars) beside the mean predicted score.
    Windows with too few late or on-time loans (the rule of "datos insuficientes") get a grey marker instead of
    points whose bars would span most of the axis; the y-axis covers the judged points only."""
    day = WINDOW_FORMATS.get(view.granularity, WINDOW_FORMATS["day"])
    bands = view.bands[view.bands["n"] > 0]
    judged = ~bands["window"].isin(insufficient_windows(view))
    fig = go.Figure()
    for band, part in bands[judged].groupby("band", sort=False):
        color = BAND_COLORS.get(band, REFERENCE_COLOR)
        fig.add_scatter(x=part["window"], y=part["observed"], mode="markers", name=f"{band}: observado",
                        marker={"color": color, "size": 8},
                        error_y={"type": "data", "symmetric": False, "array": part["high"] - part["observed"],
                                 "arrayminus": part["observed"] - part["low"], "color": color},
                        customdata=np.c_[part["n"], part["late"], 100 * part["observed"]],
                        hovertemplate="%{x|" + day + "}<br>Observado %{customdata[2]:.1f} %<br>n = "
                                      "%{customdata[0]:,} · tardíos = %{customdata[1]:,}<extra></extra>")
        fig.add_scatter(x=part["window"], y=part["predicted"], mode="lines", name=f"{band}: predicho",
                        line={"color": color, "dash": "dash"}, customdata=100 * part["predicted"],
                        hovertemplate="Predicho " + HOVER_PERCENT + "<extra></extra>")
    missing = bands[~judged].groupby("window", sort=True)[["n", "late"]].sum().reset_index()
    if not missing.empty:
        fig.add_scatter(x=missing["window"], y=np.zeros(len(missing)), mode="markers", name="Datos insuficientes",
                        marker={"symbol": "x", "color": INSUFFICIENT, "size": 8},
                        customdata=np.c_[missing["n"], missing["late"]],
                        hovertemplate="%{x|" + day + "}<br>Datos insuficientes: n = %{customdata[0]:,}, tardíos = "
                                      "%{customdata[1]:,}<extra></extra>")
    shown = bands[judged]
    top = float(np.nanmax([shown["high"].max(), shown["predicted"].max(), 0.01])) if len(shown) else 1.0
    percent_axis(fig, top, range=[0, top * 1.05])
    date_axis(fig, view.granularity)
    return style(fig, "Tasa de pago tardío por banda de riesgo: observada vs predicha", "Fecha del préstamo",
                 "Tasa de pago tardío")


def insufficient_windows(view: PerformanceOverTime) -> pd.Series:
    """The windows whose realised metrics are "datos insuficientes" (too few late or on-time labelled loans)."""
    realised = view.realised[view.realised["window"].notna() & view.realised["insufficient"]]
    return realised["window"].drop_duplicates()


def calibration_curve(view: PerformanceOverTime) -> go.Figure:
    """Observed late rate against mean predicted probability on equal-count groups of labelled rows."""
    table = view.calibration.table
    fig = go.Figure()
    top = float(max(table["mean_predicted"].max(), table["observed_rate"].max(), 0.05)) if len(table) else 1.0
    fig.add_scatter(x=[0, top], y=[0, top], mode="lines", name="Calibración perfecta",
                    line={"color": REFERENCE_COLOR, "dash": "dash"}, hoverinfo="skip")
    if len(table):
        fig.add_scatter(
            x=table["mean_predicted"], y=table["observed_rate"], mode="markers+lines", name="Grupos de puntaje",
            marker={"color": OBSERVED_COLOR, "size": 9},
            error_y={"type": "data", "symmetric": False, "array": table["observed_high"] - table["observed_rate"],
                     "arrayminus": table["observed_rate"] - table["observed_low"], "color": OBSERVED_COLOR},
            customdata=np.c_[table["n"], table["late"], 100 * table["mean_predicted"], 100 * table["observed_rate"]],
            hovertemplate="Predicho %{customdata[2]:.1f} % · observado %{customdata[3]:.1f} %<br>n = "
                          "%{customdata[0]:,} · tardíos = %{customdata[1]:,}<extra></extra>")
    if len(table):
        top = max(top, float(table["observed_high"].max()))
    percent_axis(fig, top, "x")
    percent_axis(fig, top, "y")
    return style(fig, "Calibración en préstamos con resultado", "Probabilidad predicha (media del grupo)",
                 "Tasa observada de pago tardío")


def _window_word(granularity: str) -> str:
    return {"month": "mes", "week": "semana", "day": "día"}.get(granularity, granularity)


def overall_table(view: PerformanceOverTime) -> pd.DataFrame:
    """One row per metric for the whole selection: realised and estimated values with intervals, test value."""
    realised = view.realised[view.realised["window"].isna()].set_index("metric")
    estimated = view.estimated[view.estimated["window"].isna()].set_index("metric")
    rows = []
    for metric, label in METRIC_LABELS.items():
        r = realised.loc[metric]
        e = estimated.loc[metric] if metric in estimated.index else None
        rows.append({"metric": metric, "Métrica": label, "Real": _interval(r), "n": integer(r["n"]),
                     "Estimado (CBPE)": _interval(e) if e is not None else "—",
                     "Prueba": decimal(view.test_metrics.get(metric), 3),
                     "status": r["status"]})
    return pd.DataFrame(rows)


def _interval(row: pd.Series | None) -> str:
    if row is None or pd.isna(row["value"]):
        return "datos insuficientes" if row is not None and bool(row.get("insufficient", False)) else "—"
    return f"{decimal(row['value'], 3)} [{decimal(row['low'], 3)}; {decimal(row['high'], 3)}]"
