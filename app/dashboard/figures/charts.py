"""Pure plotly figures of the Gráficas tab: the score distribution and the time series of the prediction log.

Data in (the performance service's results) → ``go.Figure`` out. No Dash imports.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app.dashboard.formatting import decimal, integer, percent
from app.dashboard.style import (
    BAND_COLORS,
    INK,
    ORANGE,
    PRIMARY,
    PURPLE,
    REFERENCE,
    SEPARATORS,
    date_axis,
    percent_axis,
)
from app.services.performance import ScoreDistribution, Timeline

REFERENCE_COLOR = REFERENCE
CURRENT_COLOR = PRIMARY
OBSERVED_COLOR = PURPLE
DENSITY_WIDTH = 0.01  # histogram heights: share of loans per this width of prob_default
GRANULARITY_LABELS = {"month": "mes", "week": "semana", "day": "día"}
_DATE_FORMATS = {"month": "%Y-%m", "week": "semana del %Y-%m-%d", "day": "%Y-%m-%d"}  # ISO: no English names
_DAY_MS = 86_400_000
BAR_WIDTHS_MS = {"month": 24 * _DAY_MS, "week": 5.5 * _DAY_MS, "day": 0.8 * _DAY_MS}  # sparse windows stay narrow


def style(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 380) -> go.Figure:
    """The tab's common look: white template, title, axis titles, legend on top, readable hover."""
    fig.update_layout(template="plotly_white", title={"text": title, "x": 0.01, "font": {"size": 15}},
                      height=height, margin={"l": 60, "r": 30, "t": 50, "b": 100},
                      legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0.0,
                              "xanchor": "left", "x": 0.0},
                      hoverlabel={"bgcolor": "white", "font_size": 12}, font={"size": 12}, separators=SEPARATORS)
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


def score_histogram(dist: ScoreDistribution) -> go.Figure:
    """Density of ``prob_default`` (share per 0.01 of score: display bins are whole fine bins, so their widths
    differ slightly), selection vs training reference, over shaded risk bands with the decision threshold; the
    y axis in Spanish percentages (``2 %``)."""
    edges = dist.edges
    left, right = edges[:-1], edges[1:]
    ranges = [f"[{decimal(a, 3)}; {decimal(b, 3)})" for a, b in zip(left, right, strict=True)]
    if dist.overflow:
        ranges[-1] = f"≥ {decimal(left[-1], 3)}"
    series = [(f"Predicciones filtradas (n={integer(dist.n_current)})", dist.current_share, dist.n_current,
               CURRENT_COLOR)]
    if dist.reference_share is not None:
        series.insert(0, (f"Referencia (entrenamiento, n={integer(dist.n_reference)})", dist.reference_share,
                          dist.n_reference, REFERENCE_COLOR))
    fig, top = go.Figure(), 0.0
    for name, shares, n, color in series:
        density = shares * DENSITY_WIDTH / (right - left)
        top = max(top, float(density.max(initial=0.0)))
        fig.add_bar(x=(left + right) / 2, y=density, width=right - left,
                    name=name, marker_color=color, opacity=0.65,
                    customdata=list(zip(ranges, shares * 100, (shares * n).round(), strict=True)),
                    hovertemplate="%{customdata[0]}<br>%{customdata[1]:.1f} % (%{customdata[2]:,.0f} préstamos)"
                                  "<extra></extra>")
    bounds = [0.0, *dist.cuts, float(edges[-1])]
    for label, start, end in zip(dist.band_labels, bounds[:-1], bounds[1:], strict=False):
        color = BAND_COLORS.get(label, REFERENCE_COLOR)
        fig.add_vrect(x0=start, x1=min(end, edges[-1]), fillcolor=color, opacity=0.1, line_width=0, layer="below")
        fig.add_scatter(x=[None], y=[None], mode="markers", name=f"Banda {label} [{decimal(start, 3)}; "
                        f"{decimal(end, 3)})" if end < edges[-1] else f"Banda {label} ≥ {decimal(start, 3)}",
                        marker={"symbol": "square", "size": 12, "color": color, "opacity": 0.35})
    fig.add_vline(x=dist.threshold, line_dash="dash", line_color=INK)
    fig.add_scatter(x=[None], y=[None], mode="lines", name=f"Umbral {decimal(dist.threshold, 3)}",
                    line={"color": INK, "dash": "dash"})
    fig.update_layout(barmode="overlay", bargap=0)
    percent_axis(fig, top, rangemode="tozero")
    title = (f"Distribución de prob_default: predicciones vs referencia (media {percent(dist.current_mean)} vs "
             f"{percent(dist.reference_mean)})" if dist.reference_share is not None else
             f"Distribución de prob_default (media {percent(dist.current_mean)}; sin referencia de entrenamiento)")
    return style(fig, title, "Probabilidad de pago tardío (prob_default)", "% de préstamos por 0,01 de prob_default",
                 height=420)


def volume_and_score(timeline: Timeline) -> go.Figure:
    """Predictions per window (bars) and their mean ``prob_default`` (line, right axis)."""
    frame, unit = timeline.frame, GRANULARITY_LABELS[timeline.granularity]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_bar(x=frame.index, y=frame["n"], name="Predicciones", marker_color=CURRENT_COLOR, opacity=0.55,
                width=BAR_WIDTHS_MS[timeline.granularity],
                hovertemplate=f"%{{x|{_DATE_FORMATS[timeline.granularity]}}}<br>%{{y:,}} predicciones<extra></extra>")
    fig.add_scatter(x=frame.index, y=frame["mean_prob"], name="prob_default media", mode="lines+markers",
                    line={"color": ORANGE, "width": 2}, secondary_y=True, customdata=frame["mean_prob"] * 100,
                    hovertemplate="prob_default media %{customdata:.1f} %<extra></extra>")
    fig.add_scatter(x=frame.index, y=frame["predicted_late_share"], name="% predicho pago tardío",
                    mode="lines", line={"color": BAND_COLORS["Alto"], "dash": "dot"}, secondary_y=True,
                    customdata=frame["predicted_late_share"] * 100,
                    hovertemplate="predicho pago tardío %{customdata:.1f} %<extra></extra>")
    style(fig, f"Volumen y puntaje medio por {unit} del préstamo", f"Fecha del préstamo ({unit})", "Predicciones")
    fig.update_yaxes(title_text="Probabilidad / proporción", secondary_y=True, rangemode="tozero", showgrid=False)
    fig.update_layout(hovermode="x unified")
    return date_axis(fig, timeline.granularity)


def risk_band_mix(timeline: Timeline) -> go.Figure:
    """Share of each risk band per window, stacked to 100 %."""
    frame, unit = timeline.frame, GRANULARITY_LABELS[timeline.granularity]
    fig = go.Figure()
    for label in timeline.band_labels:
        fig.add_bar(x=frame.index, y=frame[f"share_{label}"] * 100, name=label,
                    width=BAR_WIDTHS_MS[timeline.granularity],
                    marker_color=BAND_COLORS.get(label, REFERENCE_COLOR), customdata=frame["n"],
                    hovertemplate=f"{label}: %{{y:.1f}} % de %{{customdata:,}}<extra></extra>")
    fig.update_layout(barmode="stack", hovermode="x unified")
    fig.update_yaxes(range=[0, 100], ticksuffix=" %")
    date_axis(fig, timeline.granularity)
    return style(fig, f"Mezcla de bandas de riesgo por {unit} del préstamo", f"Fecha del préstamo ({unit})",
                 "% de predicciones")


def observed_vs_predicted(timeline: Timeline) -> go.Figure:
    """Per window with known outcomes: the observed late-payment rate (95 % Wilson interval) and the mean
    predicted probability of the same loans."""
    frame = timeline.frame[timeline.frame["n_labelled"] > 0]
    unit = GRANULARITY_LABELS[timeline.granularity]
    fig = go.Figure()
    fig.add_scatter(x=frame.index, y=100 * frame["observed_late_rate"], name="Tasa real de pago tardío",
                    mode="lines+markers", line={"color": OBSERVED_COLOR, "width": 2},
                    error_y={"type": "data", "symmetric": False,
                             "array": 100 * (frame["observed_high"] - frame["observed_late_rate"]),
                             "arrayminus": 100 * (frame["observed_late_rate"] - frame["observed_low"]),
                             "thickness": 1},
                    customdata=np.column_stack([frame["n_labelled"], frame["late_actual"],
                                                100 * frame[["observed_late_rate", "observed_low", "observed_high"]]]),
                    hovertemplate=("real %{customdata[2]:.1f} % (%{customdata[1]:,} de %{customdata[0]:,}; IC95 "
                                   "%{customdata[3]:.1f} %–%{customdata[4]:.1f} %)<extra></extra>"))
    fig.add_scatter(x=frame.index, y=100 * frame["mean_prob_labelled"], name="Probabilidad media predicha",
                    mode="lines+markers", line={"color": ORANGE, "width": 2, "dash": "dash"},
                    hovertemplate="predicha %{y:.1f} %<extra></extra>")
    fig.update_yaxes(ticksuffix=" %", rangemode="tozero")
    fig.update_layout(hovermode="x unified")
    date_axis(fig, timeline.granularity)
    return style(fig, f"Tasa real vs probabilidad predicha de pago tardío por {unit}", f"Fecha del préstamo ({unit})",
                 "% de pagos tardíos")
