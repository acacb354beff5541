"""Pure plotly figures of the Predicciones por Lotes tab: the risk-band mix and the score histogram of a batch.

Data in (a batch outcome's counts) → ``go.Figure`` out. No Dash imports.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from app.dashboard.formatting import HOVER_PERCENT, count_share, decimal
from app.dashboard.style import INK, PRIMARY, band_color, style_figure


def risk_band_bar(counts: Mapping[str, int], labels: Sequence[str]) -> go.Figure:
    """Scored rows per risk band, in the bundle's band order (``labels``), with counts and shares."""
    order = list(labels) + [band for band in counts if band not in labels]
    values = [int(counts.get(band, 0)) for band in order]
    total = sum(values) or 1
    shares = [100 * v / total for v in values]
    fig = go.Figure(go.Bar(
        x=order, y=values, marker_color=[band_color(b) for b in order],
        text=[count_share(v, s / 100) for v, s in zip(values, shares, strict=True)], textposition="outside",
        cliponaxis=False, customdata=shares,
        hovertemplate=f"Banda %{{x}}<br>%{{y:,}} filas ({HOVER_PERCENT})<extra></extra>"))
    fig.update_yaxes(rangemode="tozero")
    return style_figure(fig, "Filas puntuadas por banda de riesgo", "Banda de riesgo", "Filas")


def probability_histogram(edges: Sequence[float], counts: Sequence[int], threshold: float | None) -> go.Figure:
    """Histogram of the batch's ``prob_default`` (pre-binned) with the decision threshold marked; the x axis starts
    at a labelled 0 even when the lowest score is above it."""
    left, right = list(edges[:-1]), list(edges[1:])
    centres = [(a + b) / 2 for a, b in zip(left, right, strict=True)]
    widths = [b - a for a, b in zip(left, right, strict=True)]
    ranges = [f"[{decimal(a, 3)}; {decimal(b, 3)})" for a, b in zip(left, right, strict=True)]
    fig = go.Figure(go.Bar(x=centres, y=list(counts), width=widths, marker_color=PRIMARY, opacity=0.8,
                           customdata=ranges, hovertemplate="%{customdata}<br>%{y:,} filas<extra></extra>"))
    if threshold is not None:
        fig.add_vline(x=threshold, line_dash="dash", line_color=INK,
                      annotation_text=f"Umbral {decimal(threshold, 3)}", annotation_position="top right")
    fig.update_layout(bargap=0)
    if right:
        end = max(right[-1], threshold or 0.0)
        fig.update_xaxes(range=[0, 1.02 * end], tick0=0)
    return style_figure(fig, "Distribución de prob_default del lote", "Probabilidad de pago tardío (prob_default)",
                        "Filas")
