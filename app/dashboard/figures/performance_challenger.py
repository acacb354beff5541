"""Pure plotly figures of the champion–challenger comparison (Desempeño tab): band changes (a band × band
matrix), the two scores of the same loans, and each model's score drift per month.

Data in (:class:`~app.services.shadow.Comparison`) → ``go.Figure`` out. No Dash imports.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from app.dashboard.formatting import count_share, decimal, integer
from app.dashboard.style import INK, INSUFFICIENT, PRIMARY, PURPLE, REFERENCE, date_axis, style_figure
from app.services.shadow import Comparison
from modeling.drift import STATUS_INSUFFICIENT

MODEL_LABELS = {"champion": "Campeón", "challenger": "Retador"}
MODEL_COLORS = {"champion": PRIMARY, "challenger": PURPLE}
METRIC_LABELS = {"roc_auc": "ROC-AUC", "recall_0": "Recall (clase 0)", "precision_0": "Precisión (clase 0)",
                 "f1_0": "F1 (clase 0)", "brier": "Brier"}
PSI_LINES = ((0.10, "PSI 0,10"), (0.25, "PSI 0,25"))


def band_changes(cmp: Comparison) -> go.Figure:
    """Loans per (champion band, challenger band): the diagonal keeps its band; text gives count and share."""
    matrix = cmp.bands
    counts = matrix.to_numpy()
    share = counts / max(counts.sum(), 1)
    text = [[count_share(c, s) for c, s in zip(row, srow, strict=True)]
            for row, srow in zip(counts, share, strict=True)]
    fig = go.Figure(go.Heatmap(
        z=counts, x=[str(c) for c in matrix.columns], y=[str(i) for i in matrix.index], text=text,
        texttemplate="%{text}", colorscale="Blues", showscale=False,
        hovertemplate="Campeón %{y} → Retador %{x}<br>%{z:,} préstamos<extra></extra>"))
    fig = style_figure(fig, f"Cambios de banda de riesgo (n = {integer(cmp.n)})", "Banda del retador",
                       "Banda del campeón", height=360)
    fig.update_yaxes(autorange="reversed")
    return fig


def score_pairs(cmp: Comparison) -> go.Figure:
    """Density of (champion score, challenger score) over the same loans, with the line where they agree."""
    sample = cmp.sample
    fig = go.Figure(go.Histogram2d(x=sample["champion_prob"], y=sample["challenger_prob"], nbinsx=40, nbinsy=40,
                                   colorscale="Blues", showscale=False,
                                   hovertemplate="Campeón %{x}<br>Retador %{y}<br>%{z:,} préstamos<extra></extra>"))
    top = float(max(sample["champion_prob"].max(), sample["challenger_prob"].max(), 0.01))
    fig.add_scatter(x=[0, top], y=[0, top], mode="lines", line={"color": INK, "dash": "dash", "width": 1},
                    name="Mismo puntaje", hoverinfo="skip")
    title = f"prob_default de ambos modelos (r = {_num(cmp.pearson)}, ρ = {_num(cmp.spearman)})"
    return style_figure(fig, title, "prob_default del campeón", "prob_default del retador", height=360)


def score_drift(cmp: Comparison) -> go.Figure:
    """PSI of each model's score per loan month against its own training reference, with the 0.10 / 0.25 bands.

    A month too small to tell its PSI from sampling noise (status ``insufficient data``, the Data Drift tab's rule)
    is a gap in the line and a grey marker at the axis, never a value."""
    fig = go.Figure()
    drift = cmp.drift
    for model in MODEL_LABELS:
        part = drift[drift["model"] == model]
        enough = (part["status"] != STATUS_INSUFFICIENT).to_numpy()
        fig.add_scatter(x=part["month"], y=part["psi"].where(enough), mode="lines+markers", name=MODEL_LABELS[model],
                        line={"color": MODEL_COLORS[model]}, customdata=np.c_[part["mean_prob"], part["n"]],
                        hovertemplate="%{x|%Y-%m}<br>PSI %{y:.3f}<br>prob_default media %{customdata[0]:.3f}"
                                      "<br>n = %{customdata[1]:,}<extra>" + MODEL_LABELS[model] + "</extra>")
        small = part[~enough]
        if len(small):
            fig.add_scatter(x=small["month"], y=np.zeros(len(small)), mode="markers",
                            name=f"{MODEL_LABELS[model]}: datos insuficientes",
                            marker={"color": INSUFFICIENT, "size": 9, "symbol": "circle",
                                    "line": {"color": MODEL_COLORS[model], "width": 1}},
                            customdata=small["n"],
                            hovertemplate="%{x|%Y-%m}<br>Datos insuficientes (n = %{customdata:,}): el PSI de este mes "
                                          "no se distingue del ruido<extra>" + MODEL_LABELS[model] + "</extra>")
    for value, label in PSI_LINES:
        fig.add_hline(y=value, line={"color": REFERENCE, "dash": "dot", "width": 1}, annotation_text=label,
                      annotation_position="top left")
    date_axis(fig, "month")
    return style_figure(fig, "Deriva del puntaje por mes (PSI)",
                        "Mes del préstamo", "PSI", height=360, legend=True)


def metrics_table(cmp: Comparison) -> pd.DataFrame:
    """One row per metric: realised and estimated (CBPE) value of each model, as text."""
    perf = cmp.performance
    rows = []
    for metric, label in METRIC_LABELS.items():
        row = {"Métrica": label}
        for model in MODEL_LABELS:
            found = perf[(perf["metric"] == metric) & (perf["model"] == model)].iloc[0]
            row[f"{MODEL_LABELS[model]}: real"] = "datos insuficientes" if found["insufficient"] \
                else _num(found["realised"])
            row[f"{MODEL_LABELS[model]}: estimado"] = _num(found["estimated"])
        rows.append(row)
    return pd.DataFrame(rows)


def _num(value: float | None) -> str:
    return decimal(None if value is None or not np.isfinite(value) else float(value), 3)
