"""Desempeño tab: how well the served model does over time — realised metrics where outcomes are known, the CBPE
estimate everywhere (beside each other), alerts against the held-out test values, calibration, and the upload
of real outcomes (CSV/XLSX with request_id, row, Pago_atiempo) with its row-by-row validation report.

Every view callback turns the controls into one :class:`~app.services.selection.Selection` and reads
``PerformanceService.over_time`` (computed from the profiles, cached per log state); the upload goes through the
same :class:`~app.services.outcomes.OutcomeService` as ``POST /outcomes``.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import dash_bootstrap_components as dbc
import sqlalchemy as sa
from dash import Dash, Input, Output, State, dcc, html, no_update

from app.dashboard import ids
from app.dashboard.components import SOURCE_LABELS, empty_state
from app.dashboard.figures import performance_over_time as figures
from app.dashboard.guard import guarded
from app.dashboard.tabs import performance_challenger as challenger
from app.dashboard.tabs.charts_sections import card, chart
from app.dashboard.tabs.performance_sections import confusion_table, status_banner, summary_grid, upload_report
from app.services import Services
from app.services.outcomes import OutcomeRaceError, OutcomeService
from app.services.outcomes.upload import read_outcome_upload
from app.services.selection import SOURCES, Selection

logger = logging.getLogger(__name__)
LABEL = "Desempeño"
TAB_ID = "tab-performance"
NO_ROWS = "Ninguna predicción coincide con los filtros."
GRANULARITY_OPTIONS = [{"label": "Mes", "value": "month"}, {"label": "Semana", "value": "week"},
                       {"label": "Día", "value": "day"}]


def layout(services: Services) -> html.Div:
    """Filters, status banner, summary, metric over time, bands and calibration, expected confusion, upload."""
    metrics = [{"label": label, "value": key} for key, label in figures.METRIC_LABELS.items()]
    filters = dbc.Row([
        _control("Fuentes", dcc.Dropdown(id=ids.Performance.SOURCES, multi=True, value=[],
                                         placeholder="Todas las fuentes",
                                         options=[{"label": SOURCE_LABELS[s], "value": s} for s in SOURCES]), 3),
        _control("Fecha del préstamo", dcc.DatePickerRange(
            id=ids.Performance.DATES, display_format="YYYY-MM-DD", start_date_placeholder_text="Desde",
            end_date_placeholder_text="Hasta", clearable=True, first_day_of_week=1), 3),
        _control("Agrupar por", dbc.RadioItems(id=ids.Performance.GRANULARITY, options=GRANULARITY_OPTIONS,
                                               value="month", inline=True), 2),
        _control("Métrica", dcc.Dropdown(id=ids.Performance.METRIC, options=metrics, value="roc_auc",
                                         clearable=False), 3),
        dbc.Col(dbc.Button([html.I(className="bi bi-arrow-clockwise me-1"), "Actualizar"],
                           id=ids.Performance.REFRESH, color="outline-primary", size="sm", n_clicks=0),
                xs=12, xl=1, className="d-flex align-items-end"),
    ], className="g-3 align-items-end")
    return html.Div(id=ids.Performance.ROOT, children=[
        dcc.Store(id=ids.Performance.UPLOADED, data=0),
        dbc.Card(dbc.CardBody(filters), className="shadow-sm mb-3"),
        _loading(html.Div(id=ids.Performance.STATUS, className="mb-2")),
        dbc.Row([
            dbc.Col(card("Métrica en el tiempo", _loading(html.Div(id=ids.Performance.OVER_TIME)),
                         "Puntos: valor real donde se conoce el resultado (barras: IC 95 %; rojo: alerta). Línea "
                         "punteada y banda: estimación CBPE a partir de prob_default, sin resultados. ×: datos "
                         "insuficientes (pocos pagos tardíos)."), xs=12, xl=6),
            dbc.Col(card("Resumen de todo el período", _loading(html.Div(id=ids.Performance.SUMMARY)),
                         "Real frente a estimado con su IC 95 % y el valor medido en prueba al entrenar."),
                    xs=12, xl=6)], className="g-3 mb-3"),  # half: the one-line intervals fit at 1400 px
        dbc.Row([
            dbc.Col(card("Bandas de riesgo", _loading(html.Div(id=ids.Performance.BANDS)),
                         "Tasa de pago tardío observada (puntos, IC 95 %) frente a la predicha (línea)."),
                    xs=12, xl=7),
            dbc.Col(card("Matriz de confusión esperada (CBPE)", _loading(html.Div(id=ids.Performance.CONFUSION)),
                         "Suma de p y 1 − p de cada préstamo a cada lado del umbral: lo que se espera sin "
                         "conocer los resultados."), xs=12, xl=5)], className="g-3 mb-3"),
        html.Div(card("Retador frente a campeón", challenger.section(),
                      "Un segundo modelo puntúa en sombra cada predicción registrada (nunca se devuelve al cliente). "
                      "Comparación en los mismos préstamos según los filtros de arriba; promover o revertir cambia el "
                      "modelo servido en todos los servidores en segundos, sin reiniciar."), className="mb-3"),
        card("Cargar resultados reales", _upload_panel(),
             "Archivo CSV o XLSX con columnas request_id, row (opcional; posición en su solicitud) y Pago_atiempo "
             "(0 = tardío, 1 = a tiempo); un archivo de resultados de lotes sirve tal cual (request_id, fila) "
             "añadiendo Pago_atiempo. Un resultado distinto del ya guardado se rechaza salvo que marque "
             "«Sobrescribir»; repetir el mismo archivo no cambia nada."),
    ])


def register_callbacks(app: Dash, services: Services) -> None:
    """Wire this tab's callbacks on ``app`` (never the global ``dash.callback``)."""
    performance = services.performance
    outcomes = OutcomeService(services.log.engine, services.profiles.store)
    max_bytes, max_rows = services.settings.max_body_bytes, services.settings.max_batch_rows
    filters = [Input(ids.Performance.SOURCES, "value"), Input(ids.Performance.DATES, "start_date"),
               Input(ids.Performance.DATES, "end_date"), Input(ids.Performance.GRANULARITY, "value"),
               Input(ids.Performance.REFRESH, "n_clicks"), Input(ids.Performance.UPLOADED, "data")]

    if services.models is not None:
        challenger.register_callbacks(app, services, filters)

    def view(sources, start, end, window):
        return performance.over_time(Selection.parse(sources, None, start, end, window))

    @app.callback(Output(ids.Performance.STATUS, "children"), *filters)
    @_guarded
    def _status(sources, start, end, window, _refresh, _uploaded):
        found = view(sources, start, end, window)
        return status_banner(found) if found is not None else empty_state(NO_ROWS, icon="funnel")

    @app.callback(Output(ids.Performance.OVER_TIME, "children"), *filters, Input(ids.Performance.METRIC, "value"))
    @_guarded
    def _over_time(sources, start, end, window, _refresh, _uploaded, metric):
        return chart(ids.Performance.OVER_TIME_GRAPH, view(sources, start, end, window),
                     lambda found: figures.metric_over_time(found, metric or "roc_auc"))

    @app.callback(Output(ids.Performance.SUMMARY, "children"), *filters)
    @_guarded
    def _summary(sources, start, end, window, _refresh, _uploaded):
        found = view(sources, start, end, window)
        return summary_grid(found) if found is not None else empty_state(NO_ROWS, icon="funnel")

    @app.callback(Output(ids.Performance.BANDS, "children"), *filters)
    @_guarded
    def _bands(sources, start, end, window, _refresh, _uploaded):
        found = view(sources, start, end, window)
        if found is None:
            return empty_state(NO_ROWS, icon="funnel")
        return html.Div([chart(ids.Performance.BANDS_GRAPH, found, figures.band_rates),
                         chart(ids.Performance.CALIBRATION_GRAPH, found, figures.calibration_curve)])

    @app.callback(Output(ids.Performance.CONFUSION, "children"), *filters)
    @_guarded
    def _confusion(sources, start, end, window, _refresh, _uploaded):
        found = view(sources, start, end, window)
        return confusion_table(found) if found is not None else empty_state(NO_ROWS, icon="funnel")

    @app.callback(Output(ids.Performance.UPLOAD_REPORT, "children"), Output(ids.Performance.UPLOADED, "data"),
                  Output(ids.Performance.UPLOAD, "contents"), Input(ids.Performance.UPLOAD, "contents"),
                  State(ids.Performance.UPLOAD, "filename"),
                  State(ids.Performance.OVERWRITE, "value"), State(ids.Performance.UPLOADED, "data"),
                  prevent_initial_call=True)
    @guarded(lambda message: (empty_state(message, icon="exclamation-circle"), no_update, None), "performance")
    def _upload(contents, filename, overwrite, uploaded):
        """Record the file's outcomes; the upload is cleared so that the same file can be sent again."""
        if contents is None:
            return no_update, no_update, no_update
        read = read_outcome_upload(contents, filename, max_bytes, max_rows)
        if read.problems:
            return upload_report(read, None), uploaded, None
        try:
            answer = outcomes.record(read.items, overwrite=bool(overwrite))
        except (OutcomeRaceError, sa.exc.SQLAlchemyError):  # the traceback goes to the server log
            logger.exception("outcomes upload %s failed", filename)
            return dbc.Alert("No se pudieron guardar los resultados: la base de registros no está disponible; "
                             "no se cambió nada. Intente de nuevo.", color="danger"), uploaded, None
        return upload_report(read, answer.report), (uploaded or 0) + 1, None


def _upload_panel() -> html.Div:
    return html.Div([
        dcc.Upload(id=ids.Performance.UPLOAD, multiple=False, accept=".csv,.xlsx",
                   children=html.Div([html.I(className="bi bi-cloud-upload me-2"),
                                      "Arrastre o ", html.A("elija un archivo", className="link-primary")]),
                   className="border border-2 rounded p-3 text-center mb-2", style={"borderStyle": "dashed"}),
        dbc.Checklist(id=ids.Performance.OVERWRITE, options=[{"label": "Sobrescribir resultados distintos ya "
                                                                       "guardados", "value": "overwrite"}],
                      value=[], switch=True, className="mb-2"),
        _loading(html.Div(id=ids.Performance.UPLOAD_REPORT)),
    ])


def _guarded(callback: Callable[..., Any]) -> Callable[..., Any]:
    return guarded(lambda message: empty_state(message, icon="exclamation-circle"), "performance")(callback)


def _control(label: str, control: Any, xl: int) -> dbc.Col:
    return dbc.Col([dbc.Label(label, className="small text-muted fw-semibold mb-1"), control], xs=12, md=6, xl=xl)


def _loading(child: Any) -> dcc.Loading:
    return dcc.Loading(child, type="circle", delay_show=300)
