"""The Gráficas tab's *Comparación con Datos de Referencia*: one small chart per main numeric variable, the
reference median beside the current one (with the interval the frozen bins guarantee for it).

Data in (the drift service's :class:`~app.services.drift.comparison.MedianComparison` list) → ``go.Figure`` out.
"""
from __future__ import annotations

import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app.dashboard.formatting import decimal, integer
from app.dashboard.style import BAND_COLORS, PRIMARY, REFERENCE, SEPARATORS, style_figure
from app.services.drift.comparison import MedianComparison

COLUMNS = 4
STATUS_WORDS = {"drift": "drift", "stable": "estable", "insufficient data": "datos insuficientes"}


def value_text(value: float | None) -> str:
    """A median as the page writes it: whole from 100 on or when whole (``1.234.567``, ``36``), else one decimal
    (``42,5``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return integer(value) if abs(value) >= 100 or float(value).is_integer() else decimal(value, 1)


def interval_text(low: float | None, high: float | None) -> str:
    """``entre 1.000 y 2.000``, with an open side written ``menos de`` / ``más de``."""
    if low is None and high is None:
        return "sin cota"
    if low is None:
        return f"menos de {value_text(high)}"
    if high is None:
        return f"más de {value_text(low)}"
    return f"entre {value_text(low)} y {value_text(high)}"


def status_word(item: MedianComparison) -> str:
    return STATUS_WORDS.get(item.status, item.status)


def current_color(item: MedianComparison) -> str:
    """Blue, or the PSI band's colour when the variable is in drift (beyond noise)."""
    if not item.alert or item.psi is None:
        return PRIMARY
    return BAND_COLORS["Alto"] if item.psi > 0.25 else BAND_COLORS["Moderado"]


def median_bars(items: list[MedianComparison]) -> go.Figure:
    """A grid of two-bar charts (Referencia, Actual) of each variable's median, with the current median's interval
    as an error bar (open sides drawn to the bar's top)."""
    rows = max(1, math.ceil(len(items) / COLUMNS))
    titles = [f"{item.variable} · {status_word(item)}" for item in items]
    fig = make_subplots(rows=rows, cols=COLUMNS, subplot_titles=titles, horizontal_spacing=0.07,
                        vertical_spacing=0.22 if rows > 1 else 0.1)
    for index, item in enumerate(items):
        row, col = index // COLUMNS + 1, index % COLUMNS + 1
        ref, cur = item.reference, item.current
        fig.add_bar(x=["Referencia"], y=[ref.estimate], marker_color=REFERENCE, row=row, col=col,
                    text=[value_text(ref.estimate)], textposition="outside", cliponaxis=False,
                    hovertemplate=f"<b>{item.variable}</b><br>mediana de referencia {value_text(ref.estimate)} "
                                  f"({interval_text(ref.low, ref.high)})<extra></extra>")
        if cur is None:
            continue
        high = cur.high if cur.high is not None else cur.estimate
        low = cur.low if cur.low is not None else cur.estimate
        fig.add_bar(x=["Actual"], y=[cur.estimate], marker_color=current_color(item), row=row, col=col,
                    text=[value_text(cur.estimate)], textposition="inside", insidetextanchor="middle",
                    error_y={"type": "data", "symmetric": False, "array": [high - cur.estimate],
                             "arrayminus": [cur.estimate - low], "thickness": 1.2, "color": "#424242"},
                    hovertemplate=f"<b>{item.variable}</b><br>mediana actual {value_text(cur.estimate)} "
                                  f"({interval_text(cur.low, cur.high)})<br>n = {integer(cur.n)} · "
                                  f"{status_word(item)}<extra></extra>")
        top = max(ref.estimate, high, 0.0)
        fig.update_yaxes(range=[min(0.0, low, ref.estimate) * 1.3, top * 1.3 or 1.0], row=row, col=col)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=True)
    fig.update_annotations(font_size=12)
    fig.update_layout(bargap=0.35, separators=SEPARATORS)
    return style_figure(fig, "Mediana actual frente a la de referencia (entrenamiento)", height=230 * rows + 60)
