"""Predicciones por Lotes tab: upload a CSV/XLSX, score it through the scoring service, download the results.

The upload is scored synchronously inside ``dcc.Loading`` (50,000 rows take a few seconds); only the id of the
results file is kept in the browser (``dcc.Store``) and resolved again inside the predictions folder on download.
Files larger than the request limit are stopped in the browser before they are sent.
"""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from app.dashboard import ids
from app.dashboard.batch_view import files_table, result_view
from app.dashboard.components import empty_state
from app.services import Services
from app.services.batch import BatchFileNotFound, BatchFiles

LABEL = "Predicciones por Lotes"
TAB_ID = "tab-batch"
_DROP_STYLE = {"borderWidth": "2px", "borderStyle": "dashed", "borderRadius": "0.5rem", "borderColor": "#90a4ae",
               "textAlign": "center", "padding": "2rem 1rem", "cursor": "pointer", "backgroundColor": "#f8fafc"}
_SIZE_CHECK = """
function(contents, filename, limit) {
    const skip = window.dash_clientside.no_update;
    if (!contents) { return [skip, skip, skip]; }
    const bytes = Math.floor((contents.length - contents.indexOf(',') - 1) * 3 / 4);
    if (bytes > limit.max_bytes) {
        const mb = (n) => (n / 1048576).toFixed(1).replace('.', ',');
        return ['«' + filename + '» pesa ' + mb(bytes) + ' MB y el máximo es ' + mb(limit.max_bytes) +
                ' MB: no se envió. Divida el archivo en partes más pequeñas.', true, skip];
    }
    return ['', false, Date.now()];
}
"""


def _upload_card(services: Services) -> dbc.Card:
    batch_files = services.batch_files
    max_rows = f"{batch_files.max_rows:,}".replace(",", ".")
    megabytes = batch_files.max_file_bytes / 2**20
    size = f"{megabytes:.0f}" if megabytes >= 10 else f"{megabytes:.1f}".replace(".", ",")
    limits = f"CSV (coma, punto y coma o tabulador; UTF-8 o Latin-1) o XLSX · máximo {size} MB y {max_rows} filas"
    drop_area = html.Div([
        html.I(className="bi bi-cloud-arrow-up fs-1 text-primary d-block"),
        html.Div(["Arrastre y suelte un archivo aquí o ", html.A("selecciónelo", className="link-primary")],
                 className="fw-semibold"),
        html.Div(limits, className="small text-muted mt-1"),
    ])
    return dbc.Card([
        dbc.CardHeader([html.I(className="bi bi-upload me-2"), "Cargar archivo"], className="fw-semibold"),
        dbc.CardBody([
            html.P(["Cada fila se valida con el esquema del modelo, se puntúa y se registra en el log (origen ",
                    html.Code("batch"), "). Las filas con errores no se puntúan, pero se conservan en el archivo de "
                    "resultados con la columna ", html.Code("error"), ". Las filas se numeran como en la hoja de "
                    "cálculo (el encabezado es la fila 1)."], className="small"),
            dcc.Upload(drop_area, id=ids.Batch.UPLOAD, multiple=False, style=_DROP_STYLE,
                       style_active={**_DROP_STYLE, "borderColor": "#1565c0", "backgroundColor": "#e3f2fd"}),
            dbc.Alert(id=ids.Batch.NOTICE, color="danger", is_open=False, className="mt-3 mb-0 py-2"),
            html.Div([
                dbc.Button([html.I(className="bi bi-file-earmark-spreadsheet me-1"), "Descargar plantilla CSV"],
                           id=ids.Batch.TEMPLATE_BUTTON, color="secondary", outline=True, size="sm"),
                dbc.Tooltip("Encabezado con las columnas que usa el modelo y dos filas de ejemplo",
                            target=ids.Batch.TEMPLATE_BUTTON),
            ], className="mt-3"),
        ]),
    ], className="shadow-sm h-100")


def _files_card() -> dbc.Card:
    return dbc.Card([
        dbc.CardHeader(html.Div([
            html.Span([html.I(className="bi bi-clock-history me-2"), "Archivos de resultados anteriores"],
                      className="fw-semibold"),
            dbc.Button(html.I(className="bi bi-arrow-clockwise"), id=ids.Batch.FILES_REFRESH, size="sm",
                       color="link", className="p-0", title="Actualizar la lista"),
        ], className="d-flex justify-content-between align-items-center")),
        dbc.CardBody(html.Div(id=ids.Batch.FILES), style={"maxHeight": "300px", "overflowY": "auto"}),
    ], className="shadow-sm h-100")


def layout(services: Services) -> html.Div:
    """Upload card, previous files, the result area with its download button."""
    return html.Div(id=ids.Batch.ROOT, children=[
        dcc.Store(id=ids.Batch.FILE_ID), dcc.Store(id=ids.Batch.ACCEPTED),
        dcc.Store(id=ids.Batch.LIMIT, data={"max_bytes": services.batch_files.max_file_bytes}),
        dcc.Download(id=ids.Batch.RESULT_DOWNLOAD), dcc.Download(id=ids.Batch.TEMPLATE_DOWNLOAD),
        dcc.Download(id=ids.Batch.FILE_DOWNLOAD),
        dbc.Row([dbc.Col(_upload_card(services), lg=5), dbc.Col(_files_card(), lg=7)], className="g-3 mb-3"),
        dbc.Card([
            dbc.CardHeader(html.Div([
                html.Span([html.I(className="bi bi-clipboard-data me-2"), "Resultado del lote"],
                          className="fw-semibold"),
                dbc.Button([html.I(className="bi bi-download me-1"), "Descargar resultados"],
                           id=ids.Batch.RESULT_DOWNLOAD_BUTTON, color="success", size="sm", disabled=True),
            ], className="d-flex justify-content-between align-items-center")),
            dbc.CardBody(dcc.Loading(html.Div(empty_state("Suba un archivo para ver el resumen, los errores por fila "
                                                          "y una vista previa de los resultados.", icon="table"),
                                              id=ids.Batch.RESULT), type="default")),
        ], className="shadow-sm"),
    ])


def register_callbacks(app: Dash, services: Services) -> None:
    """Wire this tab's callbacks on ``app`` (never the global ``dash.callback``)."""
    batch_files = services.batch_files
    band_labels = services.bundle.risk_bands["labels"]

    app.clientside_callback(_SIZE_CHECK, Output(ids.Batch.NOTICE, "children"), Output(ids.Batch.NOTICE, "is_open"),
                            Output(ids.Batch.ACCEPTED, "data"), Input(ids.Batch.UPLOAD, "contents"),
                            State(ids.Batch.UPLOAD, "filename"), State(ids.Batch.LIMIT, "data"),
                            prevent_initial_call=True)

    @app.callback(Output(ids.Batch.RESULT, "children"), Output(ids.Batch.FILE_ID, "data"),
                  Output(ids.Batch.RESULT_DOWNLOAD_BUTTON, "disabled"), Input(ids.Batch.ACCEPTED, "data"),
                  State(ids.Batch.UPLOAD, "contents"), State(ids.Batch.UPLOAD, "filename"), prevent_initial_call=True,
                  running=[(Output(ids.Batch.UPLOAD, "disabled"), True, False)])
    def _score(_accepted, contents, filename):
        outcome = batch_files.score_upload(contents, filename)
        return result_view(outcome, band_labels), outcome.file_id, outcome.file_id is None

    @app.callback(Output(ids.Batch.FILES, "children"), Input(ids.Batch.FILE_ID, "data"),
                  Input(ids.Batch.FILES_REFRESH, "n_clicks"))
    def _list_files(_file_id, _refresh):
        return files_table(batch_files.list_files())

    notice = (Output(ids.Batch.NOTICE, "children", allow_duplicate=True),
              Output(ids.Batch.NOTICE, "is_open", allow_duplicate=True))

    @app.callback(Output(ids.Batch.RESULT_DOWNLOAD, "data"), *notice,
                  Input(ids.Batch.RESULT_DOWNLOAD_BUTTON, "n_clicks"), State(ids.Batch.FILE_ID, "data"),
                  prevent_initial_call=True)
    def _download_result(_clicks, file_id):
        return _send(batch_files, file_id)

    @app.callback(Output(ids.Batch.FILE_DOWNLOAD, "data"), *notice,
                  Input({"type": ids.Batch.FILE_BUTTON, "file": ALL}, "n_clicks"), prevent_initial_call=True)
    def _download_previous(clicks):
        if not any(clicks) or not isinstance(ctx.triggered_id, dict):
            raise PreventUpdate  # the list was (re)drawn, nothing was clicked
        return _send(batch_files, ctx.triggered_id["file"])

    @app.callback(Output(ids.Batch.TEMPLATE_DOWNLOAD, "data"), Input(ids.Batch.TEMPLATE_BUTTON, "n_clicks"),
                  prevent_initial_call=True)
    def _download_template(_clicks):
        return dcc.send_bytes(batch_files.template_csv(), "plantilla_predicciones.csv", type="text/csv")


def _send(batch_files: BatchFiles, file_id: str | None) -> tuple[dict | None, str, bool]:
    """The results file as a download, or a message when the id names no file of the predictions folder."""
    try:
        return dcc.send_file(str(batch_files.path_for(file_id)), type="text/csv"), "", False
    except BatchFileNotFound:
        return None, f"El archivo de resultados «{file_id}» ya no está disponible en la carpeta de predicciones.", True
