"""The Data Drift tab's peak-PSI section: the largest PSI per window (chart and table: window, dates, PSI máximo,
variable, rows, status) and *Análisis de tendencias*, the noise-aware trend test of
:mod:`modeling.drift.trend` with a one-line recommendation per case (no callbacks)."""
from __future__ import annotations

import math

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from app.dashboard import ids
from app.dashboard.components import band_mark
from app.dashboard.figures.drift_evolution import window_labels
from app.dashboard.figures.drift_peaks import psi_max_figure, variable_text
from app.dashboard.formatting import date_text, decimal, integer
from app.dashboard.style import GRAPH_CONFIG
from modeling.drift import STATUS_INSUFFICIENT
from modeling.drift.trend import ALPHA, MIN_WINDOWS, TREND_FALLING, TREND_RISING, TREND_STABLE, Trend

TRENDS = {  # direction → (heading, Bootstrap colour, recommendation)
    TREND_RISING: ("Tendencia en aumento", "warning", "Revisar las variables que encabezan las últimas ventanas y "
                   "preparar un reentrenamiento si el drift llega a la banda alta."),
    TREND_FALLING: ("Tendencia en descenso", "success", "El drift se está corrigiendo: mantener el monitoreo "
                    "habitual."),
    TREND_STABLE: ("Tendencia estable", "info", "Sin subida ni bajada sistemática más allá del ruido: continuar con "
                   "el monitoreo rutinario."),
}
RULE = ("Prueba: Mann-Kendall exacta (p < {alpha}) sobre el PSI máximo de las ventanas con datos suficientes (al "
        "menos la mitad de sus variables con datos suficientes; las demás ventanas no se juzgan), y un cambio total "
        "(pendiente de Sen × ventanas) mayor que el nivel de ruido típico de esas ventanas: el ruido de muestreo "
        "nunca se lee como tendencia.")


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + decimal(value, 3)


def _windows_with_data(count: int) -> str:
    if count == 0:
        return "No hay ninguna ventana con datos suficientes"
    if count == 1:
        return "Hay 1 ventana con datos suficientes"
    return f"Hay {integer(count)} ventanas con datos suficientes"


def trend_box(trend: Trend) -> html.Div:
    """The trend's heading, the numbers behind it and its recommendation."""
    if trend.direction == STATUS_INSUFFICIENT:
        body = [html.Strong("Aún no hay suficientes ventanas para analizar la tendencia. "),
                f"{_windows_with_data(trend.windows)} y se necesitan {MIN_WINDOWS}: elija "
                "una ventana más corta, amplíe el rango de fechas o espere más predicciones."]
        color = "secondary"
    else:
        heading, color, advice = TRENDS[trend.direction]
        span = f"{date_text(trend.first)} → {date_text(trend.last)}"
        body = [html.Strong(f"{heading}. "),
                f"Últimas {integer(trend.windows)} ventanas con datos suficientes ({span}): cambio del PSI máximo "
                f"{_signed(trend.change)} (pendiente de Sen {_signed(trend.slope)} por ventana) frente a un nivel de "
                f"ruido de {decimal(trend.noise_level, 3)}; Mann-Kendall p = {decimal(trend.p_value, 3)}. ",
                html.Strong("Recomendación: "), advice]
    rule = html.Div(RULE.format(alpha=decimal(ALPHA, 2)), className="small text-muted mt-1")
    return html.Div(dbc.Alert([html.Div(body), rule], color=color, className="mb-0 text-dark"), id=ids.Drift.TREND,
                    **{"data-direction": trend.direction})


def _status(row: pd.Series) -> html.Span:
    if row["status"] == STATUS_INSUFFICIENT:
        return band_mark("Insuficiente", "Datos insuficientes")
    return band_mark(row["band"], f"{row['band']} · drift" if row["alert"] else row["band"])


def peaks_table(peaks: pd.DataFrame, window: str) -> html.Div:
    """Newest window first: window, dates, PSI máximo, variable, rows and status."""
    labels = window_labels(peaks, window)
    header = html.Thead(html.Tr([html.Th(h) for h in ("Ventana", "Fechas", "PSI máximo", "Variable", "Filas",
                                                      "Estado")]))
    body = []
    for label, (_, row) in reversed(list(zip(labels, peaks.iterrows(), strict=True))):
        end = pd.Timestamp(row["window_end"]) - pd.Timedelta(days=1)  # window ends are exclusive
        psi = row["psi_max"]
        body.append(html.Tr([
            html.Td(label), html.Td(f"{date_text(pd.Timestamp(row['window_start']))} → {date_text(end)}"),
            html.Td("—" if math.isnan(psi) else decimal(psi, 3), className="text-end"),
            html.Td(variable_text(row["variable"]) if isinstance(row["variable"], str) else "—"),
            html.Td(integer(row["n"]), className="text-end"), html.Td(_status(row))]))
    table = dbc.Table([header, html.Tbody(body)], size="sm", hover=True, className="mb-0 small")
    return html.Div(table, id=ids.Drift.PEAKS_TABLE, style={"maxHeight": "360px", "overflowY": "auto"})


def peaks_section(peaks: pd.DataFrame, trend: Trend, bands: tuple[float, float], window: str) -> html.Div:
    """Chart, trend analysis and table of the largest PSI per window."""
    graph = dcc.Graph(id=ids.Drift.PEAKS_GRAPH, figure=psi_max_figure(peaks, bands, window), config=GRAPH_CONFIG)
    if peaks.empty:
        return html.Div([graph, html.H6("Análisis de tendencias", className="text-muted text-uppercase small "
                                        "fw-semibold mb-2"), trend_box(trend)])
    return html.Div([
        dbc.Row([dbc.Col(graph, xs=12, xl=7), dbc.Col([
            html.H6("Análisis de tendencias", className="text-muted text-uppercase small fw-semibold mb-2"),
            trend_box(trend)], xs=12, xl=5)], className="g-3"),
        html.H6("PSI máximo por ventana", className="text-muted text-uppercase small fw-semibold mt-3 mb-2"),
        peaks_table(peaks, window)])
