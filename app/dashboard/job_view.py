"""Builders for the batch jobs of the Predicciones por Lotes tab: the progress of one job and the recent jobs list.

Spanish labels; data in (``Job`` rows from the log database), Dash components out. No callbacks.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from app.dashboard import ids
from app.dashboard.batch_view import result_link
from app.dashboard.components import empty_state
from app.dashboard.formatting import datetime_text, duration, integer
from app.dashboard.messages import cell_text
from app.services.batch import BatchOutcome
from app.services.jobs import Job
from app.services.jobs.results import histogram

STATE_LABELS = {"queued": ("En cola", "secondary"), "running": ("En curso", "primary"),
                "done": ("Terminado", "success"), "failed": ("Fallido", "danger"),
                "cancelled": ("Cancelado", "warning")}

_FAILURES = (
    ("the file cannot be used", "el archivo no se puede usar (vea el detalle: columnas o valores)."),
    ("the job process stopped", "el proceso que lo ejecutaba se detuvo; las filas ya hechas quedaron registradas y "
                                "no se publicó archivo de resultados."),
    ("the job process could not start", "no se pudo iniciar el proceso del trabajo."),
    ("the results file could not be written", "no se pudo escribir el archivo de resultados en la carpeta de "
                                              "predicciones (¿disco lleno o carpeta sin permiso de escritura?)."),
    ("the prediction log is unavailable", "el log de predicciones no está disponible; intente de nuevo más tarde."),
    ("the job engine could not be reached", "el motor de trabajos no responde; suba el archivo de nuevo más tarde."),
    ("unexpected error while running the job", "error inesperado; quedó registrado en el log del servidor."),
)
_AFTER = re.compile(r" \(?after ([\d,]+)(?: of ([\d,]+))? rows\b.*$", re.DOTALL)
_FILE = "the file cannot be used: "


def state_badge(job: Job) -> dbc.Badge:
    label, color = STATE_LABELS[job.state]
    if job.state == "running" and job.cancel_requested:
        label = "Cancelando…"
    return dbc.Badge(label, color=color, className="ms-2")


def job_progress(job: Job | None) -> html.Div:
    """Progress bar (rows done / total), rate and time left of ``job``, or what happened to it."""
    if job is None:
        return empty_state("Suba un archivo y pulse «Hacer predicciones»: el trabajo se ejecuta en segundo plano "
                           "y su avance aparece aquí.", icon="hourglass")
    total = job.rows_total or 0
    done = job.rows_done if job.state != "done" else max(job.rows_done, total)
    percent = 100.0 if job.state == "done" else (min(100.0, 100.0 * done / total) if total else 0.0)
    rate, left = job.rows_per_second, job.seconds_left
    facts = [f"{integer(done)} de {integer(total) if total else '?'} filas"]
    if rate:
        facts.append(f"{integer(rate)} filas/s")
    if left is not None:
        facts.append(f"quedan ~{duration(left)}")
    elif job.state == "queued":
        facts.append("esperando un proceso de trabajo")
    if job.rows_rejected:
        facts.append("1 fila rechazada" if job.rows_rejected == 1 else f"{integer(job.rows_rejected)} filas rechazadas")
    parts: list[Any] = [
        html.Div([html.Strong(job.filename), state_badge(job)], className="mb-2"),
        dbc.Progress(value=percent, label=f"{percent:.0f} %", striped=job.active, animated=job.active,
                     color=STATE_LABELS[job.state][1], style={"height": "1.4rem"}, id=f"{ids.Batch.PROGRESS}-bar"),
        html.Div(" · ".join(facts), className="small text-muted mt-1", id=f"{ids.Batch.PROGRESS}-text"),
    ]
    if job.state == "failed":
        detail = failure_detail(job.error or "")
        parts.append(dbc.Alert([html.Strong("El trabajo falló: "), failure_text(job.error or ""),
                                *([html.Div(["Detalle: ", detail], className="small mt-1")] if detail else [])],
                               color="danger", className="mt-2 mb-0 py-2"))
    elif job.state == "cancelled":
        parts.append(dbc.Alert("Trabajo cancelado: no se publicó archivo de resultados; las filas ya puntuadas "
                               "quedan registradas en el log.", color="warning", className="mt-2 mb-0 py-2"))
    return html.Div(parts)


def failure_text(error: str) -> str:
    """The reason of a failed job in Spanish (the English detail is shown below it)."""
    for prefix, text in _FAILURES:
        if error.startswith(prefix):
            return text
    return "error inesperado; quedó registrado en el log del servidor."


def failure_detail(error: str) -> str | None:
    """What else a failed job's (English) error tells, in Spanish: the file's problems, how far it got."""
    after = _AFTER.search(error)
    head = error[:after.start()] if after else error
    parts = [cell_text(head[len(_FILE):]) or ""] if head.startswith(_FILE) else []
    if after:
        total = f" de {integer(int(after[2].replace(',', '')))}" if after[2] else ""
        parts.append(f"tras {integer(int(after[1].replace(',', '')))}{total} filas; las filas hechas quedan "
                     "registradas en el log")
    return "; ".join(p for p in parts if p) or None


def jobs_table(jobs: Sequence[Job]) -> html.Div | dbc.Table:
    """Recent jobs (newest first) with state, rows and actions: the same list from every browser and host."""
    if not jobs:
        return empty_state("Todavía no hay trabajos.", icon="list-task")
    rows = []
    for job in jobs:
        total = integer(job.rows_total) if job.rows_total is not None else "?"
        actions: list[Any] = [dbc.Button("Ver", size="sm", color="link", className="p-0 me-2",
                                         id={"type": ids.Batch.JOB_BUTTON, "job": job.id})]
        if job.state == "done" and job.result_file:
            actions.append(result_link(job.result_file))
        rows.append(html.Tr([
            html.Td(job.filename, className="small text-truncate", style={"maxWidth": "14rem"}),
            html.Td(state_badge(job), className="small"),
            html.Td(f"{integer(job.rows_done)} / {total}", className="small text-end text-nowrap"),
            html.Td(datetime_text(job.created_at), className="small text-nowrap"),
            html.Td(actions, className="text-nowrap"),
        ], **{"data-job": job.id, "data-state": job.state}))
    header = html.Thead(html.Tr([html.Th("Archivo"), html.Th("Estado"), html.Th("Filas", className="text-end"),
                                 html.Th("Creado (UTC)"), html.Th("")]))
    return dbc.Table([header, html.Tbody(rows)], hover=True, size="sm", className="mb-0 align-middle")


def job_outcome(job: Job, threshold: float | None) -> BatchOutcome:
    """A finished job in the shape of the tab's result view (summary, row errors, histogram; no preview yet)."""
    if job.state != "done":
        message = job.error or ("cancelled" if job.state == "cancelled" else job.state)
        return BatchOutcome(job.filename, problems=[{"field": "job", "message": message}])
    summary = {"received": job.rows_done, "scored": job.rows_scored, "rejected": job.rows_rejected,
               "with_warnings": 0, "predicted_late": None, "latency_ms": 0.0, "risk_bands": {}, **job.summary,
               "model_version": job.model_version, "request_id": job.id}
    return BatchOutcome(job.filename, file_id=job.result_file, summary=summary, row_errors=job.row_errors,
                        notes=list(job.summary.get("notes", [])), histogram=histogram(job.summary),
                        threshold=threshold)
