"""The dashboard's look in one place: colours, band colours and marks, the figure style and the graph config.

Figures call :func:`style_figure` (white template, title, margins, Spanish separators) and graphs pass
:data:`GRAPH_CONFIG` to ``dcc.Graph``. Band marks in the page are coloured dots (:data:`BAND_COLORS`), never emoji
(a browser without an emoji font shows boxes); text exports keep ``modeling.drift.psi.BAND_ICONS``.
"""
from __future__ import annotations

import math

import plotly.graph_objects as go

from app.dashboard.formatting import WINDOW_FORMATS, percent

GREEN = "#2e7d32"
AMBER = "#f9a825"
RED = "#c62828"
PRIMARY = "#1565c0"  # the current / filtered series
REFERENCE = "#9e9e9e"  # the reference series and bands with no colour of their own
INSUFFICIENT = "#bdbdbd"
INK = "#212121"  # thresholds and annotations
MUTED = "#6c757d"
ORANGE = "#ef6c00"
PURPLE = "#6a1b9a"
BAND_COLORS = {"Bajo": GREEN, "Medio": AMBER, "Moderado": AMBER, "Alto": RED}
BAND_BACKGROUNDS = {"Bajo": "#e8f5e9", "Medio": "#fff8e1", "Moderado": "#fff8e1", "Alto": "#ffebee"}
PANEL_GREY = "#f5f5f5"  # background of a panel whose state has no band
SEPARATORS = ",."  # Plotly: decimal comma, thousands dot
GRAPH_CONFIG = {"displaylogo": False, "responsive": True,
                "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def style_figure(fig: go.Figure, title: str, x_title: str | None = None, y_title: str | None = None,
                 height: int = 300, legend: bool = False) -> go.Figure:
    """Apply the dashboard's figure style (and Spanish number separators) to ``fig``; return it."""
    fig.update_layout(template="plotly_white", title={"text": title, "x": 0.01, "font": {"size": 15}},
                      height=height, margin={"l": 60, "r": 20, "t": 55, "b": 50}, showlegend=legend,
                      hoverlabel={"bgcolor": "white", "font_size": 12}, font={"size": 12}, separators=SEPARATORS)
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    return fig


def date_axis(fig: go.Figure, granularity: str = "day", **axis: object) -> go.Figure:
    """Write ``fig``'s x (date) axis in ISO numbers, never month names (d3's ``%b`` is English): ``2025-07`` for
    monthly windows, the first day ``2025-07-14`` for weekly and daily ones. Extra ``axis`` settings pass through."""
    fmt = WINDOW_FORMATS.get(granularity, WINDOW_FORMATS["day"])
    fig.update_xaxes(tickformat=fmt, hoverformat=fmt, **axis)
    return fig


def percent_ticks(top: float, count: int = 5) -> tuple[list[float], list[str]]:
    """Tick values from 0 up to ``top`` or just past it (fractions) at a round step, and their Spanish texts
    (``20 %``, ``2,5 %``)."""
    top = max(float(top), 1e-6)
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * 0.999)
    values = [round(i * step, 12) for i in range(math.ceil(top / step - 1e-9) + 1)]
    decimals = next(d for d in range(4) if abs(round(step * 100, d) - step * 100) < 1e-9)
    return values, [percent(v, decimals) for v in values]


def percent_axis(fig: go.Figure, top: float = 1.0, axis: str = "y", **settings: object) -> go.Figure:
    """Show an axis of fractions as Spanish percentages with a space (``20 %``; d3's ``.0%`` writes ``20%``):
    ticks at a round step up to ``top``. ``axis`` is ``"x"`` or ``"y"``; extra ``settings`` pass through."""
    values, texts = percent_ticks(top)
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    update(tickmode="array", tickvals=values, ticktext=texts, **settings)
    return fig


def band_color(band: str) -> str:
    """The colour of a risk or PSI band (grey for a band without one)."""
    return BAND_COLORS.get(band, REFERENCE)


def band_panel(band: str) -> dict[str, str]:
    """The style of a panel that states a band or drift state (the Data Drift banner, its recommendation): the
    band's light background and a bar of its colour; grey for a state without a band (insufficient data)."""
    return {"backgroundColor": BAND_BACKGROUNDS.get(band, PANEL_GREY),
            "borderLeft": f"6px solid {BAND_COLORS.get(band, INSUFFICIENT)}"}
