"""Logs tab: the prediction log, filtered in the database, newest first, with a CSV export of every match."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html

from app.dashboard import ids
from app.dashboard.components import SOURCE_LABELS, data_grid, kpi_card
from app.dashboard.grid_columns import (
    band_column,
    grid_options,
    input_columns,
    number_column,
    probability_column,
    text_column,
)
from app.services import Services
from app.services.log.browse import DEFAULT_LIMIT, LogFilters, LogPage, export_csv, json_records, log_options, read_page
from app.services.selection import SOURCES
from modeling.config import DATE_COLUMN
from modeling.input_checks import stored_specs

LABEL = "Logs"
TAB_ID = "tab-logs"
PREDICTED_LABELS = {1: "Paga a tiempo (1)", 0: "Pago tardío (0)"}
_FILTERS = (Input(ids.Logs.SOURCE, "value"), Input(ids.Logs.BAND, "value"), Input(ids.Logs.PREDICTED, "value"),
            Input(ids.Logs.LOAN_DATES, "start_date"), Input(ids.Logs.LOAN_DATES, "end_date"),
            Input(ids.Logs.MODEL_VERSION, "value"), Input(ids.Logs.REQUEST_ID, "value"))


def _label(text: str, tip: str | None = None) -> html.Label:
    icon = [html.I(className="bi bi-info-circle ms-1 text-muted", title=tip)] if tip else []
    return html.Label([text, *icon], className="form-label small fw-semibold mb-1")


def _filters(services: Services) -> dbc.Card:
    options = log_options(services.log)
    bands = services.bundle.risk_bands["labels"]
    dropdown = {"multi": True, "placeholder": "Todos", "className": "small"}
    controls = dbc.Row([
        dbc.Col([_label("Origen", "Período reservado (holdout): últimos préstamos del conjunto, con resultado "
                                   "real; API: peticiones JSON; Lotes: archivos subidos en Predicciones por Lotes"),
                 dcc.Dropdown([{"label": SOURCE_LABELS.get(s, s), "value": s} for s in SOURCES],
                              id=ids.Logs.SOURCE, **dropdown)], md=3),
        dbc.Col([_label("Banda de riesgo"), dcc.Dropdown(list(bands), id=ids.Logs.BAND, **dropdown)], md=2),
        dbc.Col([_label("Predicción", "Pago_atiempo_pred: 0 cuando prob_default ≥ umbral del modelo"),
                 dcc.Dropdown([{"label": v, "value": k} for k, v in PREDICTED_LABELS.items()],
                              id=ids.Logs.PREDICTED, **dropdown)], md=2),
        dbc.Col([_label("Fecha del préstamo"),
                 dcc.DatePickerRange(id=ids.Logs.LOAN_DATES, display_format="YYYY-MM-DD", clearable=True,
                                     start_date_placeholder_text="Desde", end_date_placeholder_text="Hasta",
                                     min_date_allowed=options.loan_date_min, max_date_allowed=options.loan_date_max,
                                     initial_visible_month=options.loan_date_max, className="d-block small")], md=3),
        dbc.Col([_label("Versión del modelo"),
                 dcc.Dropdown(options.model_versions, id=ids.Logs.MODEL_VERSION, placeholder="Todas",
                              className="small")], md=2),
    ], className="g-3")
    actions = dbc.Row([
        dbc.Col([_label("Buscar request_id"),
                 dbc.Input(id=ids.Logs.REQUEST_ID, placeholder="parte del identificador…", debounce=True,
                           size="sm", type="search")], md=3),
        dbc.Col(html.Div([
            dbc.Button([html.I(className="bi bi-arrow-clockwise me-1"), "Actualizar"], id=ids.Logs.REFRESH,
                       color="primary", size="sm", className="me-2"),
            dbc.Button([html.I(className="bi bi-x-circle me-1"), "Limpiar filtros"], id=ids.Logs.CLEAR,
                       color="secondary", outline=True, size="sm", className="me-2"),
            dbc.Button([html.I(className="bi bi-download me-1"), "Descargar CSV"], id=ids.Logs.DOWNLOAD_BUTTON,
                       color="success", size="sm"),
            dbc.Tooltip("Todas las filas que cumplen los filtros (no solo las mostradas), en UTF-8 para Excel",
                        target=ids.Logs.DOWNLOAD_BUTTON),
        ], className="d-flex align-items-end h-100"), md=9),
    ], className="g-3 mt-1")
    return dbc.Card(dbc.CardBody([controls, actions]), className="shadow-sm mb-3")


def _columns(services: Services) -> list[dict[str, Any]]:
    specs = stored_specs(services.bundle.schema, roles=("feature",))
    return [
        text_column("scored_at", "Puntuado (UTC)", pinned="left", width=170),
        text_column("loan_date", "Fecha préstamo", width=170),
        text_column("source", "Origen", width=105),
        text_column("request_id", "request_id", width=160),
        probability_column(), number_column("Pago_atiempo_pred", "Pago_atiempo_pred",
                                            headerTooltip="1 = paga a tiempo, 0 = pago tardío (al umbral)"),
        band_column(),
        number_column("warnings_count", "Nº advert.", headerTooltip="Número de advertencias del registro"),
        text_column("warnings", "Advertencias", width=260),
        number_column("latency_ms", "Latencia (ms)", headerTooltip="Validación + puntuación de la petición"),
        number_column("actual", "Resultado real", headerTooltip="Pago_atiempo observado (conocido en el holdout)"),
        text_column("model_version", "Versión del modelo", width=200),
        *input_columns(specs, skip=(DATE_COLUMN,)),
    ]


def layout(services: Services) -> html.Div:
    """Filters, KPI cards, the note on how many rows are shown, the grid and the download."""
    grid = data_grid(ids.Logs.GRID, [], _columns(services), height="560px", page_size=50,
                     **grid_options("No hay registros que cumplan los filtros",
                                    enableCellTextSelection=True))
    return html.Div(id=ids.Logs.ROOT, children=[
        _filters(services),
        dcc.Loading(html.Div([dbc.Row(id=ids.Logs.KPIS, className="g-3 mb-2"),
                              html.Div(id=ids.Logs.NOTE, className="small text-muted mb-2")]), type="dot"),
        dcc.Loading(grid, type="default", delay_show=300),
        dcc.Download(id=ids.Logs.DOWNLOAD),
    ])


def page_view(page: LogPage) -> tuple[list[dict[str, Any]], list[dbc.Col], str]:
    """Grid rows, KPI cards and the note saying how many of the matching rows are shown."""
    total = page.total
    share_high = f"{page.high_risk / total:.1%}" if total else "—"
    mean = "—" if page.mean_prob_default is None else f"{page.mean_prob_default:.2%}"
    cards = [kpi_card("Registros", _thousands(total), "que cumplen los filtros", icon="list-ul",
                      card_id=f"{ids.Logs.KPIS}-count"),
             kpi_card("Prob. media de impago", mean, "media de prob_default", color="info", icon="percent"),
             kpi_card("Banda Alto", share_high, f"{_thousands(page.high_risk)} registros", color="danger",
                      icon="exclamation-triangle"),
             kpi_card("Con resultado real", _thousands(page.with_actual), "Pago_atiempo conocido", color="dark",
                      icon="check2-square")]
    if not total:
        note = "Ningún registro cumple los filtros."
    elif page.truncated:
        note = (f"Se muestran los {_thousands(len(page.rows))} registros más recientes de {_thousands(total)} que "
                "cumplen los filtros. «Descargar CSV» exporta todos.")
    else:
        note = f"Se muestran los {_thousands(total)} registros que cumplen los filtros (el más reciente primero)."
    return json_records(page.rows), [dbc.Col(card, md=3, sm=6) for card in cards], note


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def register_callbacks(app: Dash, services: Services) -> None:
    """Wire this tab's callbacks on ``app`` (never the global ``dash.callback``)."""

    @app.callback(Output(ids.Logs.GRID, "rowData"), Output(ids.Logs.KPIS, "children"),
                  Output(ids.Logs.NOTE, "children"), *_FILTERS, Input(ids.Logs.REFRESH, "n_clicks"))
    def _show(sources, bands, predicted, start, end, version, request_id, _refresh):
        filters = LogFilters.from_inputs(sources, bands, predicted, start, end, version, request_id)
        return page_view(read_page(services.log, filters, limit=DEFAULT_LIMIT))

    @app.callback(Output(ids.Logs.MODEL_VERSION, "options"), Input(ids.Logs.REFRESH, "n_clicks"),
                  prevent_initial_call=True)
    def _refresh_versions(_refresh):
        return log_options(services.log).model_versions

    @app.callback(Output(ids.Logs.DOWNLOAD, "data"), Input(ids.Logs.DOWNLOAD_BUTTON, "n_clicks"),
                  *(State(i.component_id, i.component_property) for i in _FILTERS), prevent_initial_call=True)
    def _download(_clicks, sources, bands, predicted, start, end, version, request_id):
        filters = LogFilters.from_inputs(sources, bands, predicted, start, end, version, request_id)
        name = f"log_predicciones_{datetime.now():%Y%m%d_%H%M%S}.csv"
        return dcc.send_bytes(export_csv(services.log, filters), name, type="text/csv")

    @app.callback(*(Output(i.component_id, i.component_property) for i in _FILTERS),
                  Input(ids.Logs.CLEAR, "n_clicks"), prevent_initial_call=True)
    def _clear(_clicks):
        return None, None, None, None, None, None, ""
