"""The largest PSI per window (the original's "Evolución del PSI Máximo por Ventana Temporal"), with the noise level
of the variable that produced it and the two band limits.

Input: the frame of ``DriftService.peaks`` (``modeling.drift.peaks.PEAK_COLUMNS``). Windows where no variable has
enough data are drawn as hollow grey markers off the line: shown, never judged.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from app.dashboard.figures.drift import HEADROOM, add_band_lines, empty_figure, style
from app.dashboard.figures.drift_evolution import WINDOW_NAMES, window_labels
from app.dashboard.formatting import decimal, integer
from app.dashboard.style import BAND_COLORS, INK, INSUFFICIENT, MUTED
from modeling.drift import SCORE_NAME, STATUS_INSUFFICIENT

TITLE = "PSI máximo por ventana"


def variable_text(name: str) -> str:
    """A variable's name, the model score marked as such."""
    return f"{name} (puntaje)" if name == SCORE_NAME else str(name)


def psi_max_figure(peaks: pd.DataFrame, bands: Sequence[float], window: str) -> go.Figure:
    """Line of the largest PSI per window (markers coloured by band), the noise level of its variable (dashed)
    and hollow markers for windows with too few rows."""
    if peaks.empty:
        return empty_figure("Sin datos para los filtros elegidos.", TITLE)
    labels = list(window_labels(peaks, window))
    judged = (peaks["status"] != STATUS_INSUFFICIENT).to_numpy()
    psi = peaks["psi_max"].to_numpy(dtype=np.float64)
    texts = [decimal(p, 3) if not np.isnan(p) else "—" for p in psi]
    custom = np.column_stack([[variable_text(v) if isinstance(v, str) else "—" for v in peaks["variable"]],
                              [integer(n) for n in peaks["n"]], texts,
                              [decimal(v, 3) if not np.isnan(v) else "—" for v in peaks["noise_level"]]])
    colors = [BAND_COLORS.get(b, INSUFFICIENT) if isinstance(b, str) else INSUFFICIENT for b in peaks["band"]]
    fig = go.Figure()
    fig.add_scatter(x=labels, y=np.where(judged, psi, np.nan), mode="lines+markers", name="PSI máximo",
                    line={"color": INK, "width": 2}, marker={"size": 9, "color": colors}, customdata=custom,
                    hovertemplate="<b>%{x}</b><br>PSI máximo %{customdata[2]} (%{customdata[0]})<br>"
                                  "nivel de ruido %{customdata[3]} · n = %{customdata[1]}<extra></extra>")
    fig.add_scatter(x=labels, y=np.where(judged, peaks["noise_level"].to_numpy(dtype=np.float64), np.nan),
                    mode="lines", name="Nivel de ruido (95 %) de esa variable", line={"color": MUTED, "dash": "dot"},
                    hoverinfo="skip")
    top = max(float(np.nanmax(np.append(psi[judged], 0.0))) * 1.15, bands[1] * 1.4)
    if (~judged).any():
        fig.add_scatter(x=np.array(labels)[~judged], y=np.minimum(np.nan_to_num(psi[~judged]), top), mode="markers",
                        name="Datos insuficientes", marker={"symbol": np.where(np.nan_to_num(psi[~judged]) > top,
                                                                 "triangle-up-open", "circle-open"),
                                                       "size": 9, "color": INSUFFICIENT},
                        cliponaxis=False,
                        customdata=custom[~judged],
                        hovertemplate="<b>%{x}</b><br>datos insuficientes (n = %{customdata[1]})<br>PSI máximo "
                                      "%{customdata[2]}: no distinguible del ruido<extra></extra>")
    add_band_lines(fig, bands, vertical=False)
    fig.update_yaxes(range=[0, top * HEADROOM])
    fig.update_xaxes(type="category")
    return style(fig, TITLE, f"ventana ({WINDOW_NAMES[window]})", "PSI", height=400)
