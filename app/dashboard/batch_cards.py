"""The cards of the Predicciones por Lotes tab (no callbacks): upload drop zone, job progress, a scrolling list,
the review of an uploaded file with its *Hacer predicciones* button."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from app.dashboard import ids
from app.dashboard.formatting import decimal, integer
from app.dashboard.job_view import job_progress
from app.dashboard.upload_check_view import check_view
from app.services import Services

HIDDEN = "d-none"  # Bootstrap's class for an element not shown (the Cancel button of an ended job)
_DROP_STYLE = {"borderWidth": "2px", "borderStyle": "dashed", "borderRadius": "0.5rem", "borderColor": "#90a4ae",
               "textAlign": "center", "padding": "2rem 1rem", "cursor": "pointer", "backgroundColor": "#f8fafc"}


def size_limit_text(megabytes: float) -> str:
    """The upload limit as configured, Spanish style: ``1024`` → ``1.024``, ``2.5`` → ``2,5``."""
    if float(megabytes).is_integer():
        return integer(megabytes)
    return decimal(megabytes, len(f"{megabytes:g}".partition(".")[2]))


def upload_card(services: Services) -> dbc.Card:
    """The drop zone (assets/batch_upload.js streams the file), its limits, the template download."""
    settings = services.settings
    megabytes = size_limit_text(settings.max_upload_mb)
    limits = f"CSV (coma, punto y coma o tabulador; UTF-8 o Latin-1) o XLSX · máximo {megabytes} MB"
    drop_area = html.Div([
        html.I(className="bi bi-cloud-arrow-up fs-1 text-primary d-block"),
        html.Div(["Arrastre y suelte un archivo aquí o ", html.A("selecciónelo", className="link-primary")],
                 className="fw-semibold"),
        html.Div(limits, className="small text-muted mt-1"),
    ], id=ids.Batch.UPLOAD, style=_DROP_STYLE, **{"data-max-bytes": str(settings.max_upload_bytes),
                                                   "data-max-mb": megabytes})
    return dbc.Card([
        dbc.CardHeader([html.I(className="bi bi-upload me-2"), "Cargar archivo"], className="fw-semibold"),
        dbc.CardBody([
            html.P(["El archivo viaja directo al servidor; antes de puntuar verá sus primeras filas y la validación. "
                    "Con ", html.Strong("Hacer predicciones"), " se procesa en segundo plano, por bloques: puede "
                    "cerrar o recargar la página. Cada fila se valida con el esquema del modelo, se puntúa y se "
                    "registra en el log (origen ", html.Code("batch"), "). Las filas con errores no se puntúan, pero "
                    "se conservan en el archivo de resultados con la columna ", html.Code("error"), ". Las filas se "
                    "numeran como en la hoja de cálculo (el encabezado es la fila 1)."], className="small"),
            drop_area,
            dbc.Progress(id=ids.Batch.UPLOAD_PROGRESS, value=0, label="", className="mt-2",
                         style={"height": "1.1rem", "display": "none"}),
            dbc.Alert(id=ids.Batch.NOTICE, color="danger", is_open=False, className="mt-3 mb-0 py-2"),
            html.Div([
                dbc.Button([html.I(className="bi bi-file-earmark-spreadsheet me-1"), "Descargar plantilla CSV"],
                           id=ids.Batch.TEMPLATE_BUTTON, color="secondary", outline=True, size="sm"),
                dbc.Tooltip("Encabezado con las columnas que usa el modelo y dos filas de ejemplo",
                            target=ids.Batch.TEMPLATE_BUTTON),
            ], className="mt-3"),
        ]),
    ], className="shadow-sm h-100")


def progress_card() -> dbc.Card:
    """The shown job's progress with its Cancel button (hidden unless the shown job is queued or running)."""
    return dbc.Card([
        dbc.CardHeader(html.Div([
            html.Span([html.I(className="bi bi-activity me-2"), "Trabajo"], className="fw-semibold"),
            dbc.Button([html.I(className="bi bi-x-circle me-1"), "Cancelar"], id=ids.Batch.CANCEL, size="sm",
                       color="danger", outline=True, disabled=True, className=HIDDEN),
        ], className="d-flex justify-content-between align-items-center")),
        dbc.CardBody(html.Div(job_progress(None), id=ids.Batch.PROGRESS)),
    ], className="shadow-sm mb-3")


def list_card(title: str, icon: str, body_id: str, refresh: bool = False, fill: bool = True) -> dbc.Card:
    """A titled card whose body (``body_id``) scrolls; ``refresh`` adds the files list's refresh button."""
    button = [dbc.Button(html.I(className="bi bi-arrow-clockwise"), id=ids.Batch.FILES_REFRESH, size="sm",
                         color="link", className="p-0", title="Actualizar la lista")] if refresh else []
    return dbc.Card([
        dbc.CardHeader(html.Div([html.Span([html.I(className=f"bi bi-{icon} me-2"), title], className="fw-semibold"),
                                 *button], className="d-flex justify-content-between align-items-center")),
        dbc.CardBody(html.Div(id=body_id), style={"maxHeight": "300px", "overflowY": "auto"}),
    ], className="shadow-sm h-100" if fill else "shadow-sm")


def check_card() -> dbc.Card:
    """The review of the uploaded file before scoring, with the *Hacer predicciones* button (shown once a file is
    reviewed: disabled when the file cannot be scored, hidden again once it went to scoring)."""
    return dbc.Card([
        dbc.CardHeader(html.Div([
            html.Span([html.I(className="bi bi-search me-2"), "Revisión del archivo"], className="fw-semibold"),
            dbc.Button([html.I(className="bi bi-play-circle me-1"), "Hacer predicciones"], id=ids.Batch.START,
                       color="primary", size="sm", disabled=True, className=HIDDEN),
        ], className="d-flex justify-content-between align-items-center")),
        dbc.CardBody(html.Div(check_view(None), id=ids.Batch.CHECK)),
    ], className="shadow-sm mb-3")
