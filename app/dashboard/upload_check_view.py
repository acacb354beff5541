"""The Predicciones por Lotes tab's review of an uploaded file before scoring: validation summary (rows, columns
found / missing / extra, the first problems) and the first rows as uploaded; once *Hacer predicciones* was pressed,
what became of that file (being scored, scored, failed). Data in (the JSON of an
:class:`~app.services.jobs.staging.UploadCheck`, a ``Job``), Dash components out. No callbacks.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from app.dashboard import ids
from app.dashboard.components import data_grid, empty_state, kpi_card, problems_alert
from app.dashboard.formatting import integer, size
from app.dashboard.grid_columns import file_columns, grid_options
from app.dashboard.messages import note_text
from app.services.jobs import Job

WAITING = "Suba un archivo: aquí verá sus primeras filas y la validación antes de hacer predicciones."
NEXT_FILE = " Para hacer más predicciones, suba otro archivo."


def check_view(check: Mapping[str, Any] | None) -> html.Div:
    """Summary cards, missing/extra columns, the first problems and the first rows of a staged upload."""
    if not check:
        return empty_state(WAITING, icon="file-earmark-text")
    rows = check.get("rows")
    found, missing, extra = check.get("found", []), check.get("missing", []), check.get("extra", [])
    checked, with_problems = check.get("rows_checked", 0), check.get("rows_with_problems", 0)
    cards = [
        kpi_card("Registros cargados", integer(rows) if rows is not None else "?", check.get("filename"),
                 icon="file-earmark-text", card_id=f"{ids.Batch.CHECK}-rows"),
        kpi_card("Columnas del modelo", f"{len(found)} de {len(found) + len(missing)}",
                 "encontradas en el encabezado", color="danger" if missing else "success", icon="layout-three-columns"),
        kpi_card("Filas con problemas", integer(with_problems), f"en las primeras {integer(checked)} revisadas",
                 color="warning" if with_problems else "secondary", icon="exclamation-triangle"),
        kpi_card("Tamaño", size(check.get("size_bytes", 0)), "del archivo subido", color="dark", icon="hdd"),
    ]
    parts: list[Any] = [dbc.Row([dbc.Col(card, md=3, sm=6) for card in cards], className="g-3 mb-3")]
    if missing:
        parts.append(dbc.Alert([html.Strong("Faltan columnas del modelo: no se puede hacer predicciones. "),
                                ", ".join(missing)], color="danger", className="py-2"))
    else:
        parts.append(dbc.Alert([html.I(className="bi bi-check2-circle me-2"), "Archivo válido: pulse ",
                                html.Strong("Hacer predicciones"), " para puntuar todas sus filas. Las filas con "
                                "problemas no se puntúan y quedan en el resultado con su error."],
                               color="success", className="py-2"))
    parts.extend(dbc.Alert(f"{note_text(note)} (se copian al archivo de resultados; el modelo no las usa)."
                           if extra else note_text(note), color="info", className="py-2 small")
                 for note in check.get("notes", []))
    if check.get("problems"):
        rows_text = "1 fila" if with_problems == 1 else f"{integer(with_problems)} filas"
        parts.append(problems_alert(f"Primeros problemas encontrados ({rows_text} de las primeras "
                                    f"{integer(checked)})", check["problems"], color="warning"))
    preview = check.get("preview") or []
    parts.append(html.H6(f"Vista previa: las primeras {integer(len(preview))} filas", className="mt-3"))
    parts.append(data_grid(ids.Batch.CHECK_PREVIEW, preview, file_columns(preview), height=None, page_size=10,
                           **grid_options("El archivo no tiene filas", enableCellTextSelection=True,
                                          paginationPageSizeSelector=False, domLayout="autoHeight")))
    return html.Div(parts)


def submitted_view(job: Job | None) -> html.Div:
    """The review card once its file went to scoring: the job's state in words and what to do next (the
    *Hacer predicciones* button is hidden meanwhile: the file cannot be scored twice)."""
    if job is None:
        return empty_state(WAITING, icon="file-earmark-text")
    name = f"«{job.filename}»"
    if job.active:
        icon, color, text = ("hourglass-split", "info", f"{name} se está puntuando en segundo plano: vea su avance "
                             "en Trabajo; el resultado aparecerá abajo, en Resultado del lote.")
    elif job.state == "done":
        rejected = {0: "", 1: ", 1 rechazada"}.get(job.rows_rejected, f", {integer(job.rows_rejected)} rechazadas")
        icon, color, text = ("check2-circle", "success", f"{name} ya se puntuó: {integer(job.rows_scored)} filas "
                             f"puntuadas{rejected}. El resultado está abajo, en Resultado del lote." + NEXT_FILE)
    else:
        ended = "se canceló" if job.state == "cancelled" else "falló"
        icon, color, text = ("exclamation-triangle", "warning", f"El trabajo de {name} {ended} (vea Trabajo)."
                             + NEXT_FILE)
    return html.Div(dbc.Alert([html.I(className=f"bi bi-{icon} me-2"), text], color=color, className="mb-0 py-2"),
                    id=f"{ids.Batch.CHECK}-submitted", **{"data-state": job.state})
