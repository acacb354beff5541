"""Logs tab ("Log de monitoreo"): the prediction log, filtered in the database, newest first, a page at a time,
with a CSV link.

The grid uses AG Grid's infinite row model: each page (a block of 100 rows) is asked for by ``getRowsRequest``
and read by :meth:`LogService.block` with keyset cursors kept in the browser (``dcc.Store``), so any worker can
answer the next page. Applying filters stores the view (query, total, newest id) and purges the grid's cache.
"""
from __future__ import annotations

import uuid
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from app.dashboard import ids
from app.dashboard.components import SOURCE_LABELS, kpi_card
from app.dashboard.downloads import build_log_service, export_url, log_service
from app.dashboard.formatting import integer, percent
from app.dashboard.grid_columns import grid_options, log_columns
from app.dashboard.guard import error_alert, guarded, spanish_message
from app.dashboard.messages import cell_text
from app.services import Services
from app.services.log import PAGE_SIZE, LogService, LogTotals, parse_params, parse_query
from app.services.selection import ALL_VERSIONS, SOURCES, SelectionError
from modeling.data.columns import DATE_COLUMN
from modeling.data.input_warnings import stored_specs

LABEL = "Logs"
TAB_ID = "tab-logs"
TITLE = "Log de monitoreo"
KEPT_CURSORS = 200
PREDICTED_LABELS = {1: "Paga a tiempo (1)", 0: "Pago tardío (0)"}
_FILTERS = (Input(ids.Logs.SOURCE, "value"), Input(ids.Logs.BAND, "value"), Input(ids.Logs.PREDICTED, "value"),
            Input(ids.Logs.LOAN_DATES, "start_date"), Input(ids.Logs.LOAN_DATES, "end_date"),
            Input(ids.Logs.MODEL_VERSION, "value"), Input(ids.Logs.REQUEST_ID, "value"))
_PURGE = f"""async function(view) {{
    const api = await dash_ag_grid.getApiAsync("{ids.Logs.GRID}");
    api.paginationGoToFirstPage();
    api.purgeInfiniteCache();
    if (view && view.total === 0) {{ api.showNoRowsOverlay(); }} else {{ api.hideOverlay(); }}
    return window.dash_clientside.no_update;
}}"""  # the infinite row model never shows the "no rows" overlay by itself


def _label(text: str, tip: str | None = None) -> html.Label:
    icon = [html.I(className="bi bi-info-circle ms-1 text-muted", title=tip)] if tip else []
    return html.Label([text, *icon], className="form-label small fw-semibold mb-1")


def _versions(service: LogService, versions: list[str]) -> list[dict[str, str]]:
    served = service.serving_version
    listed = sorted({*versions, *([served] if served else [])}, reverse=True)
    return [{"label": "Todas las versiones", "value": ALL_VERSIONS},
            *({"label": v + (" (en uso)" if v == served else ""), "value": v} for v in listed)]


def _filters(service: LogService) -> dbc.Card:
    options = service.options()
    dropdown = {"multi": True, "placeholder": "Todos", "className": "small"}
    controls = dbc.Row([
        dbc.Col([_label("Origen", "Período reservado (holdout): últimos préstamos del conjunto, con resultado "
                                   "real; API: peticiones JSON; Lotes: archivos subidos en Predicciones por Lotes"),
                 dcc.Dropdown([{"label": SOURCE_LABELS.get(s, s), "value": s} for s in SOURCES],
                              id=ids.Logs.SOURCE, **dropdown)], md=3, xl=2),
        dbc.Col([_label("Banda de riesgo"), dcc.Dropdown(list(service.band_labels), id=ids.Logs.BAND, **dropdown)],
                md=2),
        dbc.Col([_label("Predicción", "Pago_atiempo_pred: 0 cuando prob_default ≥ umbral del modelo"),
                 dcc.Dropdown([{"label": v, "value": k} for k, v in PREDICTED_LABELS.items()],
                              id=ids.Logs.PREDICTED, **dropdown)], md=2),
        dbc.Col([_label("Fecha (préstamo o predicción)", "fecha_prestamo del registro; si no la tenía, la fecha "
                                                         "en que se puntuó"),
                 dcc.DatePickerRange(id=ids.Logs.LOAN_DATES, display_format="YYYY-MM-DD", clearable=True,
                                     start_date_placeholder_text="Desde", end_date_placeholder_text="Hasta",
                                     min_date_allowed=options.first_day, max_date_allowed=options.last_day,
                                     initial_visible_month=options.last_day, first_day_of_week=1,
                                     className="d-block small")], md=3),
        dbc.Col([_label("Versión del modelo"),
                 dcc.Dropdown(_versions(service, options.model_versions), ALL_VERSIONS, id=ids.Logs.MODEL_VERSION,
                              clearable=False, className="small version-dropdown")], md=2, xl=3),
    ], className="g-3")
    actions = dbc.Row([
        dbc.Col([_label("Buscar request_id", "Registros cuyo request_id empieza por el texto indicado"),
                 dbc.Input(id=ids.Logs.REQUEST_ID, placeholder="inicio del identificador…", debounce=True,
                           size="sm", type="search")], md=3),
        dbc.Col(html.Div([
            dbc.Button([html.I(className="bi bi-arrow-clockwise me-1"), "Actualizar"], id=ids.Logs.REFRESH,
                       color="primary", size="sm", className="me-2"),
            dbc.Button([html.I(className="bi bi-x-circle me-1"), "Limpiar filtros"], id=ids.Logs.CLEAR,
                       color="secondary", outline=True, size="sm", className="me-2"),
            dbc.Button([html.I(className="bi bi-download me-1"), "Descargar CSV"], id=ids.Logs.DOWNLOAD_BUTTON,
                       href=export_url(parse_query(version=ALL_VERSIONS)), external_link=True, color="success",
                       size="sm"),
            dbc.Tooltip("Todas las filas que cumplen los filtros (no solo las mostradas), en UTF-8 para Excel",
                        target=ids.Logs.DOWNLOAD_BUTTON),
        ], className="d-flex align-items-end h-100"), md=9),
    ], className="g-3 mt-1")
    return dbc.Card(dbc.CardBody([controls, actions]), className="shadow-sm mb-3")


def _grid(services: Services) -> dag.AgGrid:
    specs = stored_specs(services.bundle.schema, roles=("feature",))
    options = grid_options("No hay registros que cumplan los filtros", enableCellTextSelection=True,
                           pagination=True, paginationPageSize=PAGE_SIZE, paginationPageSizeSelector=False,
                           cacheBlockSize=PAGE_SIZE, maxConcurrentDatasourceRequests=1, maxBlocksInCache=20,
                           infiniteInitialRowCount=PAGE_SIZE, animateRows=False)
    return dag.AgGrid(id=ids.Logs.GRID, rowModelType="infinite", columnDefs=log_columns(specs, skip=(DATE_COLUMN,)),
                      defaultColDef={"resizable": True, "minWidth": 90}, dashGridOptions=options,
                      style={"height": "560px"}, className="ag-theme-alpine")


def layout(services: Services) -> html.Div:
    """Filters, KPI cards, the note on the matching rows, the paged grid (reads nothing but the filter options)."""
    return html.Div(id=ids.Logs.ROOT, children=[
        html.H4([html.I(className="bi bi-journal-text me-2"), TITLE], className="mb-3"),
        _filters(build_log_service(services)),
        dcc.Loading(html.Div([dbc.Row(id=ids.Logs.KPIS, className="g-3 mb-2"),
                              html.Div(id=ids.Logs.NOTE, className="small text-muted mb-2")]), type="dot"),
        _grid(services),
        dcc.Store(id=ids.Logs.VIEW), dcc.Store(id=ids.Logs.CURSORS), dcc.Store(id=ids.Logs.PURGED),
    ])


def totals_view(totals: LogTotals) -> tuple[list[dbc.Col], str]:
    """KPI cards and the note on how many rows match."""
    total = totals.count
    share_high = percent(totals.high_risk / total) if total else "—"
    mean = percent(totals.mean_prob_default)  # one decimal, as Gráficas
    cards = [kpi_card("Registros", integer(total), "que cumplen los filtros", icon="list-ul",
                      card_id=f"{ids.Logs.KPIS}-count"),
             kpi_card("Prob. media de pago tardío", mean, "media de prob_default", color="info", icon="percent"),
             kpi_card("Banda Alto", share_high, f"{integer(totals.high_risk)} registros", color="danger",
                      icon="exclamation-triangle"),
             kpi_card("Con resultado real", integer(totals.with_actual), "Pago_atiempo conocido", color="dark",
                      icon="check2-square")]
    note = (f"{integer(total)} registros cumplen los filtros, el más reciente primero, de {PAGE_SIZE} en "
            f"{PAGE_SIZE}. «Descargar CSV» exporta todos." if total else "Ningún registro cumple los filtros.")
    return [dbc.Col(card, md=3, sm=6) for card in cards], note


def register_callbacks(app: Dash, services: Services) -> None:
    """Wire this tab's callbacks on ``app`` (never the global ``dash.callback``)."""
    service = log_service(app.server)
    labels = service.band_labels

    @app.callback(Output(ids.Logs.VIEW, "data"), Output(ids.Logs.KPIS, "children"), Output(ids.Logs.NOTE, "children"),
                  Output(ids.Logs.DOWNLOAD_BUTTON, "href"), Output(ids.Logs.DOWNLOAD_BUTTON, "disabled"),
                  *_FILTERS, Input(ids.Logs.REFRESH, "n_clicks"))
    @guarded(lambda message: ({"error": message, "total": 0, "token": uuid.uuid4().hex}, [], error_alert(message),
                              None, True), "logs")
    def _apply(sources, bands, predicted, start, end, version, request_id, _refresh):
        try:
            query = parse_query(sources=sources, version=version, start=start, end=end, bands=bands,
                                predicted=predicted, request_id=request_id, band_labels=labels)
        except SelectionError as error:
            alert = dbc.Alert(f"Filtro no válido: {spanish_message(error)}", color="warning", className="py-2 mb-0")
            return {"error": error.field, "total": 0, "token": uuid.uuid4().hex}, [], alert, None, True
        top = service.top_id()  # read first: rows logged from now on stay out of this view's pages
        totals = service.totals(query)
        cards, note = totals_view(totals)
        view = {"params": query.params(), "total": totals.count, "top": top, "token": uuid.uuid4().hex}
        return view, cards, note, export_url(query), False

    app.clientside_callback(_PURGE, Output(ids.Logs.PURGED, "data"), Input(ids.Logs.VIEW, "data"),
                            prevent_initial_call=True)

    @app.callback(Output(ids.Logs.GRID, "getRowsResponse"), Output(ids.Logs.CURSORS, "data"),
                  Input(ids.Logs.GRID, "getRowsRequest"), State(ids.Logs.VIEW, "data"), State(ids.Logs.CURSORS, "data"))
    @guarded(lambda message: ({"rowData": [], "rowCount": 0}, no_update), "logs")
    def _rows(request: dict[str, Any] | None, view: dict[str, Any] | None, cursors: dict[str, Any] | None):
        if not request:
            raise PreventUpdate
        if not view or "error" in view:  # a request left unanswered would hold the grid's only request slot
            return {"rowData": [], "rowCount": 0}, no_update
        start, end, total = int(request["startRow"]), int(request["endRow"]), int(view["total"])
        same = cursors and cursors.get("token") == view["token"]
        known = {int(k): v for k, v in cursors["blocks"].items()} if same else {}
        page = service.block(parse_params(view["params"], labels), start, end - start, total, known, view["top"])
        if page.first_id is not None:
            known = {k: v for k, v in known.items() if abs(k - start) <= KEPT_CURSORS * PAGE_SIZE}
            known[start] = [page.first_id, page.last_id]
        records = [{**r, "warnings": cell_text(r.get("warnings"))} for r in page.records()]
        return ({"rowData": records, "rowCount": total},
                {"token": view["token"], "blocks": {str(k): v for k, v in known.items()}})

    @app.callback(Output(ids.Logs.MODEL_VERSION, "options"), Input(ids.Logs.REFRESH, "n_clicks"),
                  prevent_initial_call=True)
    @guarded(lambda message: no_update, "logs")
    def _refresh_versions(_refresh):
        return _versions(service, service.options().model_versions)

    @app.callback(*(Output(i.component_id, i.component_property) for i in _FILTERS),
                  Input(ids.Logs.CLEAR, "n_clicks"), prevent_initial_call=True)
    @guarded(lambda message: (no_update,) * len(_FILTERS), "logs")
    def _clear(_clicks):
        return None, None, None, None, None, ALL_VERSIONS, ""
