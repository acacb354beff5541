"""Gráficas tab: what the model predicted (KPIs, score distribution, time series), how well it did where the real
outcome is known, and its model card. Predictions shown are always the model's, never the true labels.

Every callback turns the controls into one :class:`~app.services.selection.Selection` and reads one view of the
performance service (computed from the log's profiles, cached per log state); the layout reads only the filter
options. A bad control value shows its Spanish message; an unexpected failure is logged and shown as such.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, dcc, html

from app.dashboard import ids
from app.dashboard.components import SOURCE_LABELS, empty_state
from app.dashboard.figures import charts as figures
from app.dashboard.formatting import integer
from app.dashboard.guard import guarded
from app.dashboard.tabs.charts_kpis import kpi_row
from app.dashboard.tabs.charts_model_card import model_card_section
from app.dashboard.tabs.charts_reference import reference_section
from app.dashboard.tabs.charts_sections import card, chart, performance_section
from app.services import Services
from app.services.selection import SOURCES, Selection

LABEL = "Gráficas"
TAB_ID = "tab-charts"
GRANULARITY_OPTIONS = [{"label": "Mes", "value": "month"}, {"label": "Semana", "value": "week"},
                       {"label": "Día", "value": "day"}]


def layout(services: Services) -> html.Div:
    """Filters, KPI row, score charts, performance on known outcomes and the model card (no view computed here)."""
    return html.Div(id=ids.Charts.ROOT, children=[
        _filters(services),
        _loading(html.Div(id=ids.Charts.KPIS, className="mb-4")),
        _heading("Predicciones del modelo", "prob_default es la probabilidad de pago tardío (Pago_atiempo = 0) que "
                 "asigna el modelo; las bandas y el umbral se fijaron al entrenar."),
        dbc.Row(dbc.Col(card("Distribución de puntajes", _loading(html.Div(id=ids.Charts.HISTOGRAM)),
                             "Predicciones filtradas (azul) frente al período de entrenamiento (gris); zonas "
                             "coloreadas: bandas de riesgo; línea discontinua: umbral de decisión."), xs=12),
                className="g-3 mb-3"),
        dbc.Row([dbc.Col(card("Volumen y puntaje", _loading(html.Div(id=ids.Charts.VOLUME)),
                              "Por fecha del préstamo (o de la predicción, si el registro no la trae)."), xs=12, xl=6),
                 dbc.Col(card("Bandas de riesgo", _loading(html.Div(id=ids.Charts.BANDS)),
                              "Reparto de las predicciones del modelo en Bajo / Medio / Alto."), xs=12, xl=6)],
                className="g-3 mb-4"),
        _heading("Comparación con datos de referencia", "Mediana de las principales variables numéricas: "
                 "predicciones filtradas frente al período de entrenamiento."),
        dbc.Card(dbc.CardBody(_loading(html.Div(id=ids.Charts.COMPARISON)), className="p-2"),
                 className="shadow-sm mb-4"),
        _heading("Desempeño con resultados reales", "Solo predicciones cuyo resultado real se conoce. La clase que "
                 "importa es la 0 (pago tardío): recall, precisión y F1 se calculan para ella."),
        _loading(html.Div(id=ids.Charts.PERFORMANCE, className="mb-4")),
        _heading("Ficha del modelo", "Cómo se entrenó, comparó y evaluó el modelo en uso (metadatos del bundle)."),
        html.Div(id=ids.Charts.MODEL_CARD, children=model_card_section(services.performance.model_card)),
    ])


def register_callbacks(app: Dash, services: Services) -> None:
    """Wire this tab's callbacks on ``app`` (never the global ``dash.callback``)."""
    performance = services.performance
    filters = [Input(ids.Charts.SOURCES, "value"), Input(ids.Charts.DATES, "start_date"),
               Input(ids.Charts.DATES, "end_date"), Input(ids.Charts.VERSION, "value"),
               Input(ids.Charts.REFRESH, "n_clicks")]
    granularity = Input(ids.Charts.GRANULARITY, "value")

    @app.callback(Output(ids.Charts.KPIS, "children"), *filters)
    @_guarded
    def _kpis(sources, start, end, version, _refresh):
        return kpi_row(performance.summary(Selection.parse(sources, version, start, end)))

    @app.callback(Output(ids.Charts.HISTOGRAM, "children"), *filters)
    @_guarded
    def _histogram(sources, start, end, version, _refresh):
        distribution = performance.score_distribution(Selection.parse(sources, version, start, end))
        return chart(ids.Charts.HISTOGRAM_GRAPH, distribution, figures.score_histogram)

    @app.callback(Output(ids.Charts.VOLUME, "children"), *filters, granularity)
    @_guarded
    def _volume(sources, start, end, version, _refresh, window):
        timeline = performance.timeline(Selection.parse(sources, version, start, end, window))
        return chart(ids.Charts.VOLUME_GRAPH, timeline, figures.volume_and_score)

    @app.callback(Output(ids.Charts.BANDS, "children"), *filters, granularity)
    @_guarded
    def _bands(sources, start, end, version, _refresh, window):
        timeline = performance.timeline(Selection.parse(sources, version, start, end, window))
        return chart(ids.Charts.BANDS_GRAPH, timeline, figures.risk_band_mix)

    @app.callback(Output(ids.Charts.COMPARISON, "children"), *filters)
    @_guarded
    def _comparison(sources, start, end, version, _refresh):
        return reference_section(services.drift.medians(Selection.parse(sources, version, start, end)))

    @app.callback(Output(ids.Charts.PERFORMANCE, "children"), *filters, granularity)
    @_guarded
    def _performance(sources, start, end, version, _refresh, window):
        return performance_section(performance.performance(Selection.parse(sources, version, start, end, window)))


def _guarded(callback: Callable[..., Any]) -> Callable[..., Any]:
    return guarded(lambda message: empty_state(message, icon="exclamation-circle"), "charts")(callback)


def _filters(services: Services) -> dbc.Card:
    options = services.performance.options()
    served = options.model_version
    sources = [{"label": f"{SOURCE_LABELS[s]} ({integer(options.sources.get(s, 0))})", "value": s} for s in SOURCES]
    versions = [{"label": f"{v} · en uso" if v == served else v, "value": v}
                for v in sorted(options.versions, key=lambda v: (v != served, v))]
    controls = [
        _control("Fuentes", dcc.Dropdown(id=ids.Charts.SOURCES, options=sources, value=[], multi=True,
                                         placeholder="Todas las fuentes"), md=6, xl=3),
        _control("Fecha del préstamo", dcc.DatePickerRange(
            id=ids.Charts.DATES, min_date_allowed=options.first_date, max_date_allowed=options.last_date,
            initial_visible_month=options.last_date, display_format="YYYY-MM-DD", start_date_placeholder_text="Desde",
            end_date_placeholder_text="Hasta", clearable=True, first_day_of_week=1), md=6, xl=3),
        _control("Agrupar por", dbc.RadioItems(id=ids.Charts.GRANULARITY, options=GRANULARITY_OPTIONS, value="month",
                                               inline=True), md=4, xl=2),
        _control("Versión del modelo", dcc.Dropdown(id=ids.Charts.VERSION, options=versions, value=served,
                                                    clearable=False, className="version-dropdown"), md=5, xl=3),
        dbc.Col(dbc.Button([html.I(className="bi bi-arrow-clockwise me-1"), "Actualizar"], id=ids.Charts.REFRESH,
                           color="outline-primary", size="sm", n_clicks=0), md=3, xl=1,
                className="d-flex align-items-end"),
    ]
    return dbc.Card(dbc.CardBody(dbc.Row(controls, className="g-3 align-items-end")), className="shadow-sm mb-3")


def _control(label: str, control: Any, **widths: Any) -> dbc.Col:
    return dbc.Col([dbc.Label(label, className="small text-muted fw-semibold mb-1"), control], xs=12, **widths)


def _heading(title: str, subtitle: str) -> html.Div:
    return html.Div([html.H5(title, className="mb-0"), html.Div(subtitle, className="small text-muted")],
                    className="mb-2 mt-2")


def _loading(child: Any) -> dcc.Loading:
    return dcc.Loading(child, type="circle", delay_show=300)
