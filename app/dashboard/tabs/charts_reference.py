"""The Gráficas tab's *Comparación con Datos de Referencia* section: medians per variable as small bar charts and a
table with the change and the variable's drift status (no callbacks)."""
from __future__ import annotations

import math

import dash_bootstrap_components as dbc
from dash import dcc, html

from app.dashboard import ids
from app.dashboard.components import band_mark, empty_state
from app.dashboard.figures.charts_reference import interval_text, median_bars, value_text
from app.dashboard.formatting import decimal, percent
from app.dashboard.style import GRAPH_CONFIG
from app.services.drift.comparison import MedianComparison

NO_ROWS = "No hay predicciones registradas para estos filtros. Amplíe las fuentes o el rango de fechas."
HELP = ("Mediana de cada variable en las predicciones filtradas frente al período de entrenamiento. Se calcula con "
        "los bins congelados al entrenar (deciles de la referencia): la mediana real queda siempre dentro del "
        "intervalo indicado (como mucho un decil de la referencia) y la barra muestra la estimación por "
        "interpolación. La media no se usa: los bins extremos no tienen límite y no la acotan. El estado es el de "
        "la pestaña Data Drift: «drift» solo si el PSI supera su banda y el ruido de muestreo.")


def _status(item: MedianComparison) -> html.Span:
    if item.status == "insufficient data":
        return band_mark("Insuficiente", "Datos insuficientes")
    if item.alert:
        return band_mark("Alto" if (item.psi or 0) > 0.25 else "Moderado", "Drift")
    return band_mark("Bajo", "Estable")


def _change(value: float) -> str:
    if math.isnan(value):
        return "—"
    return ("+" if value > 0 else "") + percent(value)


def comparison_table(items: list[MedianComparison]) -> dbc.Table:
    """Variable, both medians, where the current median lies, the relative change, PSI and status."""
    header = html.Thead(html.Tr([html.Th(h) for h in (
        "Variable", "Mediana referencia", "Mediana actual", "Mediana actual garantizada", "Cambio", "PSI",
        "Estado")]))
    body = []
    for item in items:
        current = item.current
        body.append(html.Tr([
            html.Td(item.variable), html.Td(value_text(item.reference.estimate), className="text-end"),
            html.Td(value_text(current.estimate) if current else "—", className="text-end"),
            html.Td(interval_text(current.low, current.high) if current else "sin valores"),
            html.Td(_change(item.change), className="text-end"),
            html.Td(decimal(item.psi, 3) if item.psi is not None else "—", className="text-end"),
            html.Td(_status(item))]))
    return dbc.Table([header, html.Tbody(body)], id=ids.Charts.COMPARISON_TABLE, size="sm", hover=True,
                     responsive=True, className="mb-0 small")


def reference_section(items: list[MedianComparison]) -> html.Div:
    """The small multiples and the table; an empty state when no row matches."""
    if not items:
        return empty_state(NO_ROWS, icon="funnel")
    return html.Div([
        dcc.Graph(id=ids.Charts.COMPARISON_GRAPH, figure=median_bars(items), config=GRAPH_CONFIG),
        comparison_table(items),
        html.Div(HELP, className="small text-muted mt-2")])
