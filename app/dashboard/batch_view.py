"""Builders for the Predicciones por Lotes tab: the outcome of an upload and the list of saved results files."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from app.dashboard import ids
from app.dashboard.components import data_grid, empty_state, kpi_card, problems_alert
from app.dashboard.figures.batch import probability_histogram, risk_band_bar
from app.dashboard.formatting import datetime_text, decimal, integer, percent, size
from app.dashboard.grid_columns import (
    HEADER_FIT,
    PINNED,
    WRAPPED,
    band_column,
    file_columns,
    grid_options,
    predicted_class_column,
    probability_column,
    text_column,
)
from app.dashboard.messages import cell_text, note_text
from app.dashboard.style import GRAPH_CONFIG, RED
from app.services.batch import OUTPUT_COLUMNS, ROW_COLUMN, BatchFileInfo, BatchOutcome


def result_view(outcome: BatchOutcome, band_labels: Sequence[str]) -> html.Div:
    """Refusal with every file problem, or summary cards, figures, rejected rows and a preview of the results."""
    if not outcome.ok:
        return html.Div(problems_alert(f"No se pudo procesar «{outcome.filename}»: no se puntuó ninguna fila",
                                       outcome.problems))
    summary = outcome.summary
    rejected, warned, scored = summary["rejected"], summary["with_warnings"], summary["scored"]
    late = summary.get("predicted_late")
    cards = [kpi_card("Total procesado", integer(summary["received"]), outcome.filename, icon="file-earmark-text",
                      card_id=f"{ids.Batch.RESULT}-total"),
             kpi_card("Puntuadas", integer(scored), f"{decimal(summary['latency_ms'] / 1000)} s de validación y "
                      "puntuación", color="success", icon="check-circle"),
             kpi_card("Predicciones de Riesgo", integer(late), "Pago_atiempo = No (pago tardío predicho)"
                      + (f" · {percent(late / scored)}" if late is not None and scored else ""),
                      color="danger" if late else "secondary", icon="shield-exclamation",
                      card_id=f"{ids.Batch.RESULT}-risk"),
             kpi_card("Rechazadas", integer(rejected), "conservadas con la columna error",
                      color="danger" if rejected else "secondary", icon="x-octagon"),
             kpi_card("Con advertencias", integer(warned), "valores fuera del rango de entrenamiento u otros",
                      color="warning" if warned else "secondary", icon="exclamation-triangle")]
    parts: list[Any] = [
        dbc.Alert([html.I(className="bi bi-check2-circle me-2"), "Resultados guardados en ",
                   html.Code(outcome.file_id), f" · modelo {summary['model_version']} · request_id ",
                   html.Code(summary["request_id"])], color="success", className="py-2"),
        dbc.Row([dbc.Col(card, lg=True, md=4, sm=6) for card in cards], className="g-3 mb-3"),
    ]
    if summary["scored"]:
        parts.append(dbc.Row([
            dbc.Col(dbc.Card(dcc.Graph(figure=risk_band_bar(summary["risk_bands"], band_labels),
                                       config=GRAPH_CONFIG), body=True, className="shadow-sm"), md=5),
            dbc.Col(dbc.Card(dcc.Graph(figure=probability_histogram(*outcome.histogram, outcome.threshold),
                                       config=GRAPH_CONFIG), body=True, className="shadow-sm"), md=7),
        ], className="g-3 mb-3"))
    if outcome.row_errors:
        parts.append(problems_alert(f"Filas rechazadas ({integer(rejected)}): no se puntuaron y quedan en el "
                                    "archivo de resultados con su error", outcome.row_errors, color="warning"))
    parts.extend(dbc.Alert(note_text(note), color="info", className="py-2 small") for note in outcome.notes)
    shown, received = len(outcome.preview), summary["received"]
    heading = (f"Vista previa: las primeras {integer(shown)} de {integer(received)} filas del archivo de "
               "resultados" if shown < received else f"Vista previa: las {integer(received)} filas del archivo")
    parts.append(html.H6(heading, className="mt-3"))
    records = preview_records(outcome.preview)
    parts.append(data_grid(ids.Batch.PREVIEW, records, _preview_columns(outcome, records),
                           height="420px", page_size=20,
                           **grid_options("El archivo no tiene filas", enableCellTextSelection=True)))
    return html.Div(parts)


def _preview_columns(outcome: BatchOutcome, records: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """The results' own columns first — row, class, score and band pinned, error and warnings wrapped whole — then
    the file's columns as it holds them (numbers the Spanish way)."""
    inputs = [c for c in outcome.preview.columns if c != ROW_COLUMN and c not in OUTPUT_COLUMNS]
    error_style = {"color": RED, "fontWeight": "600"}
    return [
        {"field": ROW_COLUMN, "headerName": "Fila", "pinned": "left", "width": 90, "type": "numericColumn",
         **HEADER_FIT, "headerTooltip": "Fila de la hoja de cálculo (el encabezado es la fila 1)"},
        predicted_class_column(), probability_column(**PINNED), band_column(**PINNED),
        text_column("error", "Error", width=260, cellStyle=error_style, **WRAPPED),
        text_column("warnings", "Advertencias", width=380, **WRAPPED),
        text_column("timestamp", "Puntuado (UTC)", width=170),
        *file_columns(records, [str(c) for c in inputs]),
    ]


def files_table(files: Sequence[BatchFileInfo]) -> html.Div | dbc.Table:
    """Saved results files, newest first, each with its download link (streamed by ``/batch/results/<file>``)."""
    if not files:
        return empty_state("Todavía no hay archivos de resultados.", icon="folder2-open")
    rows = [html.Tr([
        html.Td(html.Code(info.file_id), className="small"),
        html.Td(datetime_text(info.modified), className="small text-nowrap"),
        html.Td(size(info.size_bytes), className="small text-end text-nowrap"),
        html.Td(result_link(info.file_id, {"type": ids.Batch.FILE_LINK, "file": info.file_id})),
    ]) for info in files]
    header = html.Thead(html.Tr([html.Th("Archivo"), html.Th("Creado"), html.Th("Tamaño", className="text-end"),
                                 html.Th("")]))
    return dbc.Table([header, html.Tbody(rows)], hover=True, size="sm", className="mb-0 align-middle")


def result_link(file_id: str, link_id: Any = None) -> html.A:
    """A download button for a results file (a plain link: the file streams from disk, not through a callback)."""
    extra = {"id": link_id} if link_id is not None else {}
    return html.A([html.I(className="bi bi-download me-1"), "Descargar"], href=f"/batch/results/{file_id}",
                  download=file_id, className="btn btn-sm btn-outline-primary", **extra)


def preview_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Results rows as JSON-safe dicts for the grid: errors and warnings in Spanish, timestamps as text, None for
    missing values."""
    frame = frame.copy()
    for column in ("error", "warnings"):
        if column in frame.columns:
            frame[column] = frame[column].map(lambda text: cell_text(text) if isinstance(text, str) else text)
    for column in frame.columns[[pd.api.types.is_datetime64_any_dtype(t) for t in frame.dtypes]]:
        frame[column] = frame[column].dt.strftime("%Y-%m-%d %H:%M:%S")
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
