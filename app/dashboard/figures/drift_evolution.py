"""Pure plotly figures of the PSI evolution over time windows: a variables × windows heatmap and PSI lines.

Input: the long frame of ``DriftService.evolution`` (one row per variable and window; windows by month, week or
day). Windows with
status ``insufficient data`` are drawn grey (heatmap) or as hollow markers off the line (lines): their PSI
is mostly sampling noise and never an alarm.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from app.dashboard.figures.drift import BAND_COLORS, HEADROOM, INSUFFICIENT_COLOR, add_band_lines, empty_figure, style
from app.dashboard.formatting import decimal, window_label
from app.dashboard.style import date_axis
from modeling.drift import SCORE_NAME, STATUS_INSUFFICIENT

WINDOW_NAMES = {"month": "mes", "week": "semana", "day": "día"}
MAX_CELL_TEXT_WINDOWS = 36
SCORE_COLOR = "#212121"


def window_labels(frame: pd.DataFrame, window: str) -> pd.Series:
    """Text label of each row's window: ``2025-07`` (month) or its first day (week, day)."""
    return pd.to_datetime(frame["window_start"]).map(lambda start: window_label(start, window))


def _comma(texts: np.ndarray) -> np.ndarray:
    """Numbers already written with a decimal point, written with a decimal comma."""
    return np.char.replace(texts, ".", ",")


def _x_title(window: str) -> str:
    return f"ventana ({WINDOW_NAMES[window]})"


def _psi_colorscale(bands: Sequence[float], top: float) -> list:
    low, high = bands[0] / top, bands[1] / top
    return [[0, "#e8f5e9"], [low, "#81c784"], [low, "#fff59d"], [high, BAND_COLORS["Moderado"]],
            [high, "#e57373"], [1, BAND_COLORS["Alto"]]]


def _ordered(frame: pd.DataFrame) -> list[str]:
    """Score first, then variables by their largest PSI over windows with enough data."""
    judged = frame[frame["status"] != STATUS_INSUFFICIENT]
    peak = judged.groupby("variable")["psi"].max().reindex(frame["variable"].unique()).fillna(-1.0)
    names = list(peak.sort_values(ascending=False, kind="stable").index)
    return ([SCORE_NAME] if SCORE_NAME in names else []) + [n for n in names if n != SCORE_NAME]


def psi_heatmap(frame: pd.DataFrame, bands: Sequence[float], window: str) -> go.Figure:
    """PSI of every variable (rows) per window (columns); insufficient-data cells grey and labelled."""
    title = "Evolución del PSI por variable y ventana"
    if frame.empty:
        return empty_figure("Sin datos para los filtros elegidos.", title)
    frame = frame.assign(label=window_labels(frame, window), psi=pd.to_numeric(frame["psi"], errors="coerce"))
    windows = list(dict.fromkeys(frame.sort_values("window_start", kind="stable")["label"]))
    names = _ordered(frame)
    rows_shown = [f"{n} (puntaje)" if n == SCORE_NAME else n for n in names]

    def grid(column: str) -> np.ndarray:
        table = frame.pivot_table(index="variable", columns="label", values=column, aggfunc="first", dropna=False)
        return table.reindex(index=names, columns=windows).to_numpy()

    psi, n = grid("psi").astype(float), np.nan_to_num(grid("n").astype(float)).astype(int)
    insufficient = grid("status") == STATUS_INSUFFICIENT
    band = np.where(pd.isna(grid("band")), "—", grid("band"))
    top = 2 * bands[1]
    judged = np.where(insufficient, np.nan, psi)
    show_text = len(windows) <= MAX_CELL_TEXT_WINDOWS
    custom = np.dstack([n, band, np.where(np.isnan(psi), "—", _comma(np.char.mod("%.4f", np.nan_to_num(psi))))])
    fig = go.Figure()
    fig.add_heatmap(z=np.minimum(judged, top), x=windows, y=rows_shown, zmin=0, zmax=top, name="PSI",
                    colorscale=_psi_colorscale(bands, top), customdata=custom, xgap=1, ygap=1,
                    text=np.where(np.isnan(judged), "", _comma(np.char.mod("%.2f", np.nan_to_num(judged)))),
                    texttemplate="%{text}" if show_text else None, textfont={"size": 10},
                    colorbar={"title": {"text": "PSI"}, "tickvals": [0, bands[0], bands[1], top],
                              "ticktext": ["0", decimal(bands[0], 2), decimal(bands[1], 2), f"≥ {decimal(top, 2)}"]},
                    hovertemplate="<b>%{y}</b> · %{x}<br>PSI %{customdata[2]} · banda %{customdata[1]}<br>"
                                  "n = %{customdata[0]}<extra></extra>")
    fig.add_heatmap(z=np.where(insufficient, 1.0, np.nan), x=windows, y=rows_shown, showscale=False, xgap=1, ygap=1,
                    colorscale=[[0, INSUFFICIENT_COLOR], [1, INSUFFICIENT_COLOR]], customdata=custom,
                    name="datos insuficientes", text=np.where(insufficient, np.char.mod("n=%d", n), ""),
                    texttemplate="%{text}" if show_text else None, textfont={"size": 9, "color": "#424242"},
                    hovertemplate="<b>%{y}</b> · %{x}<br>datos insuficientes (n = %{customdata[0]})<br>"
                                  "PSI %{customdata[2]}: no distinguible del ruido<extra></extra>")
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category")
    fig.add_annotation(text="Gris: datos insuficientes (ventana demasiado pequeña para distinguir el PSI del ruido)",
                       showarrow=False, xref="paper", yref="paper", x=0, y=1.0, yanchor="bottom", xanchor="left",
                       font={"size": 11, "color": "#616161"})
    return style(fig, title, _x_title(window), None, height=150 + 24 * len(names))


def psi_lines(frame: pd.DataFrame, variables: Sequence[str], bands: Sequence[float], window: str) -> go.Figure:
    """PSI per window of the chosen variables and of the score, over the shaded PSI bands."""
    title = "PSI por ventana de las variables elegidas y del puntaje"
    chosen = [name for name in dict.fromkeys([*variables, SCORE_NAME]) if name in set(frame.get("variable", []))]
    if frame.empty or not chosen:
        return empty_figure("Sin datos para los filtros elegidos.", title)
    frame = frame.assign(label=window_labels(frame, window), psi=pd.to_numeric(frame["psi"], errors="coerce"))
    palette = qualitative.D3
    shown = frame[frame["variable"].isin(chosen) & (frame["status"] != STATUS_INSUFFICIENT)]["psi"].to_numpy(float)
    top = max(float(np.nanmax(np.append(shown, 0.0))) * 1.15, bands[1] * 1.4)
    fig = go.Figure()
    for i, name in enumerate(chosen):
        rows = frame[frame["variable"] == name].sort_values("window_start", kind="stable")
        x = rows["window_start"]
        enough = (rows["status"] != STATUS_INSUFFICIENT).to_numpy()
        color = SCORE_COLOR if name == SCORE_NAME else palette[i % len(palette)]
        label = f"{name} (puntaje)" if name == SCORE_NAME else name
        custom = np.column_stack([rows["label"], rows["n"], rows["band"].fillna("—")])
        fig.add_scatter(x=x, y=rows["psi"].where(enough), mode="lines+markers", name=label, legendgroup=name,
                        line={"color": color, "width": 3 if name == SCORE_NAME else 2}, customdata=custom,
                        hovertemplate=f"<b>{label}</b> · %{{customdata[0]}}<br>PSI %{{y:.4f}} · banda "
                                      "%{customdata[2]}<br>n = %{customdata[1]}<extra></extra>")
        noisy = rows["psi"].to_numpy(float)[~enough]
        fig.add_scatter(x=x[~enough], y=np.minimum(noisy, top), mode="markers", legendgroup=name, showlegend=False,
                        marker={"symbol": np.where(noisy > top, "triangle-up-open", "circle-open"), "size": 9,
                                "color": color, "opacity": 0.6},
                        cliponaxis=False,
                        customdata=np.column_stack([custom[~enough],
                                                    _comma(np.char.mod("%.4f", np.nan_to_num(noisy)))]),
                        hovertemplate=f"<b>{label}</b> · %{{customdata[0]}}<br>PSI %{{customdata[3]}}: datos "
                                      "insuficientes (n = %{customdata[1]})<extra></extra>")
    for y0, y1, band in ((0, bands[0], "Bajo"), (bands[0], bands[1], "Moderado"), (bands[1], top * HEADROOM, "Alto")):
        fig.add_hrect(y0=y0, y1=y1, fillcolor=BAND_COLORS[band], opacity=0.07, line_width=0, layer="below")
    add_band_lines(fig, bands, vertical=False)
    fig.update_yaxes(range=[0, top * HEADROOM])
    date_axis(fig, window)
    fig.add_annotation(text="Huecos: ventanas con datos insuficientes (no generan alerta; ▵ = PSI por encima del "
                       "eje)", showarrow=False,
                       xref="paper", yref="paper", x=0, y=-0.28, xanchor="left", font={"size": 11, "color": "#616161"})
    return style(fig, title, _x_title(window), "PSI", height=430)
