"""Pure plotly figures of the Predicciones por Lotes tab: the risk-band mix and the score histogram of a batch.

Data in (a batch outcome's counts) → ``go.Figure`` out. No Dash imports.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from app.dashboard.palette import BAND_COLORS

OTHER_COLOR = "#9e9e9e"
CURRENT_COLOR = "#1565c0"


def _style(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 300) -> go.Figure:
    fig.update_layout(template="plotly_white", title={"text": title, "x": 0.01, "font": {"size": 15}},
                      height=height, margin={"l": 60, "r": 20, "t": 55, "b": 50}, showlegend=False,
                      hoverlabel={"bgcolor": "white", "font_size": 12}, font={"size": 12})
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


def risk_band_bar(counts: Mapping[str, int], labels: Sequence[str]) -> go.Figure:
    """Scored rows per risk band, in the bundle's band order (``labels``), with counts and shares."""
    order = list(labels) + [band for band in counts if band not in labels]
    values = [int(counts.get(band, 0)) for band in order]
    total = sum(values) or 1
    shares = [100 * v / total for v in values]
    fig = go.Figure(go.Bar(
        x=order, y=values, marker_color=[BAND_COLORS.get(b, OTHER_COLOR) for b in order],
        text=[f"{v:,} ({s:.1f} %)" for v, s in zip(values, shares, strict=True)], textposition="outside",
        cliponaxis=False, customdata=shares,
        hovertemplate="Banda %{x}<br>%{y:,} filas (%{customdata:.1f} %)<extra></extra>"))
    fig.update_yaxes(rangemode="tozero")
    return _style(fig, "Filas puntuadas por banda de riesgo", "Banda de riesgo", "Filas")


def probability_histogram(edges: Sequence[float], counts: Sequence[int], threshold: float | None) -> go.Figure:
    """Histogram of the batch's ``prob_default`` (pre-binned) with the decision threshold marked."""
    left, right = list(edges[:-1]), list(edges[1:])
    centres = [(a + b) / 2 for a, b in zip(left, right, strict=True)]
    widths = [b - a for a, b in zip(left, right, strict=True)]
    ranges = [f"[{a:.3f}, {b:.3f})" for a, b in zip(left, right, strict=True)]
    fig = go.Figure(go.Bar(x=centres, y=list(counts), width=widths, marker_color=CURRENT_COLOR, opacity=0.8,
                           customdata=ranges, hovertemplate="%{customdata}<br>%{y:,} filas<extra></extra>"))
    if threshold is not None:
        fig.add_vline(x=threshold, line_dash="dash", line_color="#212121",
                      annotation_text=f"Umbral {threshold:.3f}", annotation_position="top right")
    fig.update_layout(bargap=0)
    return _style(fig, "Distribución de prob_default del lote", "Probabilidad de pago tardío (prob_default)", "Filas")
