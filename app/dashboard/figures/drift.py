"""Pure plotly figures of the Data Drift tab: PSI per variable and the reference-vs-current bins of one variable.

Data in (the drift service's table and results) → ``go.Figure`` out. No Dash imports. The evolution
figures are in :mod:`app.dashboard.figures.drift_evolution`.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app.dashboard.formatting import decimal, integer
from app.dashboard.style import BAND_COLORS, INK, INSUFFICIENT, ORANGE, PRIMARY, REFERENCE, style_figure
from modeling.drift import MISSING_LABEL, STATUS_INSUFFICIENT, UNSEEN_LABEL, VariableDrift

INSUFFICIENT_COLOR = INSUFFICIENT
REFERENCE_COLOR = REFERENCE
CURRENT_COLOR = PRIMARY
CONTRIBUTION_COLOR = ORANGE
NOISE_COLOR = INK
HEADROOM = 1.08  # y-axis room above the highest drawn point: a marker clipped at ``top`` is drawn whole
BIN_LABELS = {MISSING_LABEL: "Faltante", UNSEEN_LABEL: "Nueva (no vista)"}
_INTERVAL = re.compile(r"^([\[(])([^,\s]+), ([^,\s]+)([\])])$")  # a numeric bin: "[8.29e5, 9.142e5)"
_INFINITE = {"-inf": "−∞", "+inf": "+∞", "inf": "+∞"}


def _edge_text(edge: str) -> str:
    """A bin edge in Spanish, with the digits the label kept: ``9.142e5`` → ``914.200``, ``0.125`` → ``0,125``."""
    if edge in _INFINITE:
        return _INFINITE[edge]
    number = Decimal(edge)
    if not number.is_finite():
        raise InvalidOperation(edge)
    places = max(0, -int(number.as_tuple().exponent))
    return integer(float(number)) if places == 0 else decimal(float(number), places)


def bin_text(label: str) -> str:
    """A bin's label as the page shows it: numeric intervals with Spanish numbers (``[829.000, 914.200)``),
    the missing and unseen bins named, category names as they are."""
    if label in BIN_LABELS:
        return BIN_LABELS[label]
    match = _INTERVAL.match(label)
    if match is None:
        return label
    try:
        return f"{match[1]}{_edge_text(match[2])}; {_edge_text(match[3])}{match[4]}"
    except InvalidOperation:
        return label


def style(fig: go.Figure, title: str, x_title: str | None, y_title: str | None, height: int = 400) -> go.Figure:
    """The dashboard's figure style with this tab's legend on top (room made for it under the title)."""
    style_figure(fig, title, x_title, y_title, height=height, legend=True)
    fig.update_layout(margin={"l": 60, "r": 30, "t": 80, "b": 55},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "right", "x": 1.0})
    return fig


def empty_figure(message: str, title: str = "") -> go.Figure:
    """A blank, axis-free figure that shows ``message`` in its centre."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"size": 14, "color": "#6c757d"},
                       xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return style(fig, title, None, None, height=320)


def thousands(value: int) -> str:
    """``8.397``: thousands separated by dots, as written in Spanish."""
    return integer(value)


def variable_label(name: str, kind: str) -> str:
    """Axis label of a variable; the model score is marked as such."""
    return f"{name} (puntaje)" if kind == "score" else name


def add_band_lines(fig: go.Figure, bands: Sequence[float], *, vertical: bool, **where: object) -> None:
    """Dashed lines at the two PSI band limits, labelled with the band they open."""
    for limit, band in zip(bands, ("Moderado", "Alto"), strict=True):
        line = {"line_dash": "dash", "line_color": BAND_COLORS[band], "line_width": 1.5,
                "annotation_text": f"{decimal(limit, 2)} {band}", "annotation_font_color": BAND_COLORS[band],
                "annotation_font_size": 11, **where}
        if vertical:
            fig.add_vline(x=limit, annotation_position="bottom right", **line)
        else:
            fig.add_hline(y=limit, annotation_position="top left", **line)


def _bar_colors(table: pd.DataFrame) -> list[str]:
    return [INSUFFICIENT_COLOR if status == STATUS_INSUFFICIENT or band not in BAND_COLORS else BAND_COLORS[band]
            for band, status in zip(table["band"], table["status"], strict=True)]


def psi_bars(table: pd.DataFrame, bands: Sequence[float]) -> go.Figure:
    """Horizontal PSI bar per variable (largest on top), coloured by band (grey: insufficient data), with the
    band limits as lines and each variable's 95 % noise level as a marker."""
    if table.empty:
        return empty_figure("Sin datos para los filtros elegidos.", "PSI por variable")
    rows = table.assign(psi=pd.to_numeric(table["psi"], errors="coerce").fillna(0.0)).iloc[::-1]
    labels = [variable_label(v, t) for v, t in zip(rows["variable"], rows["type"], strict=True)]
    status = ["datos insuficientes" if s == STATUS_INSUFFICIENT else ("drift" if a else "estable")
              for s, a in zip(rows["status"], rows["alert"], strict=True)]
    custom = list(zip(rows["band"].fillna("—"), rows["noise_level"], rows["n_cur"].map(thousands), status,
                      strict=True))
    fig = go.Figure()
    fig.add_bar(x=rows["psi"], y=labels, orientation="h", marker_color=_bar_colors(rows), name="PSI",
                customdata=custom, text=[decimal(p, 3) for p in rows["psi"]], textposition="outside",
                cliponaxis=False,
                hovertemplate="<b>%{y}</b><br>PSI %{x:.4f} · banda %{customdata[0]}<br>"
                              "nivel de ruido (95 %) %{customdata[1]:.4f}<br>n actual %{customdata[2]}<br>"
                              "estado: %{customdata[3]}<extra></extra>")
    fig.add_scatter(x=rows["noise_level"], y=labels, mode="markers", name="Nivel de ruido (95 %)",
                    marker={"symbol": "line-ns-open", "size": 16, "color": NOISE_COLOR,
                            "line": {"width": 2.5, "color": NOISE_COLOR}},
                    hovertemplate="<b>%{y}</b><br>nivel de ruido (95 %) %{x:.4f}<extra></extra>")
    top = max(float(rows["psi"].max()), float(pd.to_numeric(rows["noise_level"]).max(skipna=True) or 0), bands[1])
    add_band_lines(fig, bands, vertical=True)
    fig.update_xaxes(range=[0, top * 1.18], rangemode="tozero")
    fig.update_layout(bargap=0.25)
    return style(fig, "PSI por variable (actual vs entrenamiento)", "PSI", None, height=120 + 26 * len(rows))


def bin_shares(result: VariableDrift | None) -> go.Figure:
    """Reference vs current share per frozen bin (grouped bars) above each bin's contribution to the PSI."""
    if result is None:
        return empty_figure("Sin datos para esta variable con los filtros elegidos.", "Distribución por bin")
    bins = result.bins
    labels = [bin_text(b.label) for b in bins]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.06)
    fig.add_bar(x=labels, y=[100 * b.ref_share for b in bins], name="Referencia (entrenamiento)", row=1, col=1,
                marker_color=REFERENCE_COLOR, customdata=[thousands(b.ref_count) for b in bins],
                hovertemplate="%{x}<br>referencia %{y:.1f} % (%{customdata} filas)<extra></extra>")
    fig.add_bar(x=labels, y=[None if b.cur_share is None else 100 * b.cur_share for b in bins], name="Actual",
                row=1, col=1, marker_color=CURRENT_COLOR, customdata=[thousands(b.cur_count) for b in bins],
                hovertemplate="%{x}<br>actual %{y:.1f} % (%{customdata} filas)<extra></extra>")
    fig.add_bar(x=labels, y=[b.contribution for b in bins], name="Aporte al PSI", row=2, col=1,
                marker_color=CONTRIBUTION_COLOR,
                hovertemplate="%{x}<br>aporte al PSI %{y:.4f}<extra></extra>")
    fig.update_yaxes(title_text="% de filas", ticksuffix=" %", row=1, col=1)
    fig.update_yaxes(title_text="aporte", row=2, col=1)
    fig.update_xaxes(title_text="bin (congelado en el entrenamiento)", row=2, col=1)
    fig.update_layout(barmode="group", bargap=0.2)
    return style(fig, _bins_title(result), None, None, height=470)


def _bins_title(result: VariableDrift) -> str:
    if result.psi is None or (isinstance(result.psi, float) and math.isnan(result.psi)):
        return f"{result.variable}: sin PSI"
    state = "datos insuficientes" if result.status == STATUS_INSUFFICIENT else result.band
    return (f"{result.variable}: PSI {decimal(result.psi, 3)} ({state}) · n ref {thousands(result.n_ref)} · "
            f"n actual {thousands(result.n_cur)}")
