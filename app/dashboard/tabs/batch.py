"""Predicciones por Lotes tab: upload a CSV/XLSX of any size, review it, start its background job, follow it, see
and download the results.

The file never travels through a Dash callback: ``assets/batch_upload.js`` streams it to ``POST /batch/upload``
(upload progress in the page), which stores it in the predictions folder and answers with its check (rows,
columns found / missing, the first rows and their problems), shown before anything is scored. *Hacer
predicciones* queues the job; its id goes to a ``dcc.Store`` kept in the browser's storage (it survives a reload).
A 1-second poll (5 s when nothing runs) reads the job and the recent jobs from the log database, so every browser
and host shows the same list. Results files download through plain links streamed from disk.
"""
from __future__ import annotations

import dataclasses

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from app.dashboard import ids
from app.dashboard.batch_cards import HIDDEN, check_card, list_card, progress_card, upload_card
from app.dashboard.batch_upload import create_batch_upload_blueprint, job_error_text
from app.dashboard.batch_view import files_table, result_view
from app.dashboard.components import empty_state
from app.dashboard.guard import error_alert, guarded
from app.dashboard.job_view import job_outcome, job_progress, jobs_table
from app.dashboard.upload_check_view import check_view, submitted_view
from app.services import Services
from app.services.jobs import JobError

LABEL = "Predicciones por Lotes"
TAB_ID = "tab-batch"
FAST_POLL_MS, SLOW_POLL_MS = 1000, 5000
RECENT_JOBS = 15
_WAITING = "El resultado aparecerá aquí cuando termine el trabajo: resumen, errores por fila y vista previa."


def layout(services: Services) -> html.Div:
    """Upload card, progress of the current job, recent jobs, the file's review, previous files, the result."""
    return html.Div(id=ids.Batch.ROOT, children=[
        dcc.Store(id=ids.Batch.JOB, storage_type="local"), dcc.Store(id=ids.Batch.SHOWN),
        dcc.Store(id=ids.Batch.STAGED, storage_type="session"),
        dcc.Interval(id=ids.Batch.POLL, interval=FAST_POLL_MS),
        dcc.Download(id=ids.Batch.TEMPLATE_DOWNLOAD),
        dbc.Row([dbc.Col(upload_card(services), lg=5),
                 dbc.Col([progress_card(),
                          list_card("Trabajos recientes", "list-task", ids.Batch.JOBS, fill=False)], lg=7)],
                className="g-3 mb-3"),
        check_card(),
        dbc.Row(dbc.Col(list_card("Archivos de resultados anteriores", "clock-history", ids.Batch.FILES,
                                   refresh=True)), className="g-3 mb-3"),
        dbc.Card([
            dbc.CardHeader(html.Div([
                html.Span([html.I(className="bi bi-clipboard-data me-2"), "Resultado del lote"],
                          className="fw-semibold"),
                html.A([html.I(className="bi bi-download me-1"), "Descargar resultados"],
                       id=ids.Batch.RESULT_DOWNLOAD_BUTTON, className="btn btn-success btn-sm disabled"),
            ], className="d-flex justify-content-between align-items-center")),
            dbc.CardBody(html.Div(empty_state(_WAITING, icon="table"), id=ids.Batch.RESULT)),
        ], className="shadow-sm"),
    ])


def register_callbacks(app: Dash, services: Services) -> None:
    """Wire this tab's callbacks on ``app`` (never the global ``dash.callback``) and its file routes."""
    app.server.register_blueprint(create_batch_upload_blueprint(services))
    jobs, batch_files = services.jobs, services.batch_files
    band_labels = services.bundle.risk_bands["labels"]

    @app.callback(Output(ids.Batch.PROGRESS, "children"), Output(ids.Batch.CANCEL, "disabled"),
                  Output(ids.Batch.CANCEL, "className"),
                  Output(ids.Batch.JOBS, "children"), Output(ids.Batch.POLL, "interval"),
                  Output(ids.Batch.SHOWN, "data"),
                  Input(ids.Batch.POLL, "n_intervals"), Input(ids.Batch.JOB, "data"), State(ids.Batch.SHOWN, "data"))
    @guarded(lambda message: (error_alert(message), True, HIDDEN, no_update, SLOW_POLL_MS, no_update), "batch")
    def _poll(_tick, job_id, shown):
        job = jobs.get(job_id) if isinstance(job_id, str) else None
        recent = jobs.recent(RECENT_JOBS)
        active = (job is not None and job.active) or any(j.active for j in recent)
        target = job.id if job is not None and not job.active else None  # the finished job whose result shows
        running = bool(job and job.active)  # Cancelar only while the shown job can still be stopped
        return (job_progress(job), not running, "" if running else HIDDEN, jobs_table(recent),
                FAST_POLL_MS if active else SLOW_POLL_MS, no_update if target == shown else target)

    @app.callback(Output(ids.Batch.RESULT, "children"), Output(ids.Batch.RESULT_DOWNLOAD_BUTTON, "href"),
                  Output(ids.Batch.RESULT_DOWNLOAD_BUTTON, "className"), Input(ids.Batch.SHOWN, "data"))
    @guarded(lambda message: (error_alert(message), None, "btn btn-success btn-sm disabled"), "batch")
    def _result(job_id):
        job = jobs.get(job_id) if isinstance(job_id, str) else None
        off = "btn btn-success btn-sm disabled"
        if job is None:
            return empty_state(_WAITING, icon="table"), None, off
        outcome = job_outcome(job, services.bundle.threshold)
        if not outcome.ok:
            return html.Div(), None, off
        outcome = dataclasses.replace(outcome, preview=jobs.preview(job))
        return result_view(outcome, band_labels), f"/batch/results/{job.result_file}", "btn btn-success btn-sm"

    @app.callback(Output(ids.Batch.CHECK, "children"), Output(ids.Batch.START, "disabled"),
                  Output(ids.Batch.START, "className"), Input(ids.Batch.STAGED, "data"), Input(ids.Batch.SHOWN, "data"))
    @guarded(lambda message: (error_alert(message), True, ""), "batch")
    def _check(staged, _shown):  # redrawn when a job ends, so a submitted file's card says it was scored
        if isinstance(staged, dict) and "job" in staged:  # the file went to scoring: no second start
            return submitted_view(jobs.get(str(staged["job"]))), True, HIDDEN
        shown = "" if staged else HIDDEN  # no button before a file is reviewed
        return check_view(staged), not (isinstance(staged, dict) and staged.get("ready")), shown

    @app.callback(Output(ids.Batch.JOB, "data", allow_duplicate=True),
                  Output(ids.Batch.STAGED, "data", allow_duplicate=True),
                  Output(ids.Batch.NOTICE, "children", allow_duplicate=True),
                  Output(ids.Batch.NOTICE, "is_open", allow_duplicate=True),
                  Input(ids.Batch.START, "n_clicks"), State(ids.Batch.STAGED, "data"), prevent_initial_call=True)
    @guarded(lambda message: (no_update, no_update, message, True), "batch")
    def _start(clicks, staged):
        if not clicks or not isinstance(staged, dict) or not staged.get("ready"):
            raise PreventUpdate
        try:
            job = jobs.start(str(staged.get("upload_id")))
        except JobError as error:
            return no_update, None, job_error_text(error, str(staged.get("filename")),
                                                   services.settings.max_upload_mb), True
        return job.id, {"job": job.id}, "", False

    @app.callback(Output(ids.Batch.NOTICE, "children", allow_duplicate=True),
                  Output(ids.Batch.NOTICE, "is_open", allow_duplicate=True),
                  Input(ids.Batch.CANCEL, "n_clicks"), State(ids.Batch.JOB, "data"), prevent_initial_call=True)
    @guarded(lambda message: (message, True), "batch")
    def _cancel(_clicks, job_id):
        job = jobs.cancel(job_id) if isinstance(job_id, str) else None
        if job is None:
            raise PreventUpdate
        return "", False

    @app.callback(Output(ids.Batch.JOB, "data", allow_duplicate=True),
                  Input({"type": ids.Batch.JOB_BUTTON, "job": ALL}, "n_clicks"), prevent_initial_call=True)
    @guarded(lambda message: no_update, "batch")
    def _select(clicks):
        if not any(clicks) or not isinstance(ctx.triggered_id, dict):
            raise PreventUpdate  # the list was redrawn, nothing was clicked
        return ctx.triggered_id["job"]

    @app.callback(Output(ids.Batch.FILES, "children"), Input(ids.Batch.SHOWN, "data"),
                  Input(ids.Batch.FILES_REFRESH, "n_clicks"))
    @guarded(error_alert, "batch")
    def _list_files(_shown, _refresh):
        return files_table(batch_files.list_files())

    @app.callback(Output(ids.Batch.TEMPLATE_DOWNLOAD, "data"), Input(ids.Batch.TEMPLATE_BUTTON, "n_clicks"),
                  prevent_initial_call=True)
    @guarded(lambda message: no_update, "batch")
    def _download_template(_clicks):
        return dcc.send_bytes(batch_files.template_csv(), "plantilla_predicciones.csv", type="text/csv")
