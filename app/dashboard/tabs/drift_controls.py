"""Static pieces of the Data Drift layout: the introduction, the filter card, download buttons, cards and graphs.

No callbacks and no drift computation: the filter card reads only the version list and the served version's
date bounds.
"""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from app.dashboard import ids
from app.dashboard.components import SOURCE_LABELS
from app.dashboard.figures import drift as figures
from app.dashboard.style import GRAPH_CONFIG
from app.dashboard.tabs.drift_summary import day, number
from app.services import Services
from app.services.selection import SOURCES, Selection

WINDOW_OPTIONS = [{"label": "Mes", "value": "month"}, {"label": "Semana", "value": "week"},
                  {"label": "Día", "value": "day"}]


def intro(services: Services) -> dbc.Alert:
    """What is compared with what, and which variables are left out."""
    reference = services.drift.reference_period()
    excluded = ", ".join(services.drift.excluded) or "ninguna"
    return dbc.Alert([
        html.I(className="bi bi-bookmark-check me-2"),
        html.Strong("Referencia: "), f"período de entrenamiento del modelo, del {day(reference.start)} al "
        f"{day(reference.end)} ({number(reference.rows)} filas). ",
        html.Strong("Actual: "), "las predicciones registradas en el log que cumplen los filtros (sin fuente elegida: "
        "todas). ",
        html.Strong("Excluidas por defecto (temporales): "), excluded, "."], color="light",
        className="border small py-2 mb-3")


def filter_card(services: Services) -> dbc.Card:
    """Sources (none chosen = all), loan dates within the served version's bounds, version, window, refresh."""
    drift = services.drift
    bounds = drift.date_bounds(Selection())
    first, last = bounds if bounds else (None, None)
    sources = [{"label": SOURCE_LABELS.get(s, s), "value": s} for s in SOURCES]
    versions = [{"label": v + (" · en uso" if v == drift.model_version else ""), "value": v}
                for v in drift.versions()]
    controls = [
        control("Fuentes", dcc.Dropdown(id=ids.Drift.SOURCES, options=sources, value=[], multi=True,
                                        placeholder="Todas las fuentes"), md=6, xl=2),
        control("Fecha del préstamo", dcc.DatePickerRange(
            id=ids.Drift.DATES, min_date_allowed=first, max_date_allowed=last, initial_visible_month=last,
            display_format="YYYY-MM-DD", start_date_placeholder_text="Desde", end_date_placeholder_text="Hasta",
            clearable=True, first_day_of_week=1), md=6, xl=3),
        control("Versión del modelo", dcc.Dropdown(id=ids.Drift.VERSION, options=versions,
                                                   value=drift.model_version, clearable=False,
                                                   className="version-dropdown"), md=6, xl=4),
        control("Ventana de evolución", dbc.RadioItems(id=ids.Drift.WINDOW, options=WINDOW_OPTIONS, value="month",
                                                       inline=True), md=6, xl=2),
        dbc.Col(dbc.Button([html.I(className="bi bi-arrow-clockwise me-1"), "Actualizar"], id=ids.Drift.REFRESH,
                           color="outline-primary", size="sm", n_clicks=0), md=12, xl=1,
                className="d-flex align-items-end"),
    ]
    return dbc.Card(dbc.CardBody(dbc.Row(controls, className="g-3 align-items-end")), className="shadow-sm mb-3")


def downloads() -> html.Div:
    """The CSV and JSON download buttons."""
    return html.Div([
        dbc.Button([html.I(className="bi bi-filetype-csv me-1"), "Descargar CSV"], id=ids.Drift.CSV_BUTTON,
                   color="outline-secondary", size="sm", className="me-2"),
        dbc.Button([html.I(className="bi bi-filetype-json me-1"), "Informe JSON"], id=ids.Drift.JSON_BUTTON,
                   color="outline-secondary", size="sm")])


def note(text: str) -> html.Div:
    """A small muted line under a chart."""
    return html.Div(text, className="small text-muted")


def control(label: str, widget: Any, **widths: int) -> dbc.Col:
    """One labelled control of the filter card."""
    return dbc.Col([dbc.Label(label, className="small text-muted fw-semibold mb-1"), widget], xs=12, **widths)


def graph(graph_id: str) -> dcc.Loading:
    """A graph with a loading spinner, showing «Cargando…» until its callback answers."""
    return dcc.Loading(dcc.Graph(id=graph_id, figure=figures.empty_figure("Cargando…"), config=GRAPH_CONFIG),
                       type="circle", delay_show=300)


def card(title: Any, body: Any, footer: Any = None) -> dbc.Card:
    """A titled card; ``footer`` sits at the right of the title."""
    header = dbc.CardHeader(html.Div([html.Span(title, className="fw-semibold"), footer],
                                     className="d-flex justify-content-between align-items-center flex-wrap gap-2"))
    return dbc.Card([header, dbc.CardBody(body, className="p-2")], className="shadow-sm h-100 mb-3")
