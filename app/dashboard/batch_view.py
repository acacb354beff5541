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
from app.dashboard.grid_columns import band_column, grid_options, probability_column, text_column
from app.dashboard.palette import RED
from app.services.batch import OUTPUT_COLUMNS, ROW_COLUMN, BatchFileInfo, BatchOutcome

_GRAPH_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def result_view(outcome: BatchOutcome, band_labels: Sequence[str]) -> html.Div:
    """Refusal with every file problem, or summary cards, figures, rejected rows and a preview of the results."""
    if not outcome.ok:
        return html.Div(problems_alert(f"No se pudo procesar «{outcome.filename}»: no se puntuó ninguna fila",
                                       outcome.problems))
    summary = outcome.summary
    rejected, warned = summary["rejected"], summary["with_warnings"]
    cards = [kpi_card("Filas recibidas", _thousands(summary["received"]), outcome.filename, icon="file-earmark-text"),
             kpi_card("Puntuadas", _thousands(summary["scored"]), f"{summary['latency_ms'] / 1000:.2f} s de validación "
                      "y puntuación", color="success", icon="check-circle"),
             kpi_card("Rechazadas", _thousands(rejected), "conservadas con la columna error",
                      color="danger" if rejected else "secondary", icon="x-octagon"),
             kpi_card("Con advertencias", _thousands(warned), "valores fuera del rango de entrenamiento u otros",
                      color="warning" if warned else "secondary", icon="exclamation-triangle")]
    parts: list[Any] = [
        dbc.Alert([html.I(className="bi bi-check2-circle me-2"), "Resultados guardados en ",
                   html.Code(outcome.file_id), f" · modelo {summary['model_version']} · request_id ",
                   html.Code(summary["request_id"])], color="success", className="py-2"),
        dbc.Row([dbc.Col(card, md=3, sm=6) for card in cards], className="g-3 mb-3"),
    ]
    if summary["scored"]:
        parts.append(dbc.Row([
            dbc.Col(dbc.Card(dcc.Graph(figure=risk_band_bar(summary["risk_bands"], band_labels),
                                       config=_GRAPH_CONFIG), body=True, className="shadow-sm"), md=5),
            dbc.Col(dbc.Card(dcc.Graph(figure=probability_histogram(*outcome.histogram, outcome.threshold),
                                       config=_GRAPH_CONFIG), body=True, className="shadow-sm"), md=7),
        ], className="g-3 mb-3"))
    if outcome.row_errors:
        parts.append(problems_alert(f"Filas rechazadas ({_thousands(rejected)}): no se puntuaron y quedan en el "
                                    "archivo de resultados con su error", outcome.row_errors, color="warning"))
    parts.extend(dbc.Alert(note, color="info", className="py-2 small") for note in outcome.notes)
    shown, received = len(outcome.preview), summary["received"]
    heading = (f"Vista previa: las primeras {_thousands(shown)} de {_thousands(received)} filas del archivo de "
               "resultados" if shown < received else f"Vista previa: las {_thousands(received)} filas del archivo")
    parts.append(html.H6(heading, className="mt-3"))
    parts.append(data_grid(ids.Batch.PREVIEW, json_records(outcome.preview), _preview_columns(outcome),
                           height="420px", page_size=20,
                           **grid_options("El archivo no tiene filas", enableCellTextSelection=True)))
    return html.Div(parts)


def _preview_columns(outcome: BatchOutcome) -> list[dict[str, Any]]:
    inputs = [c for c in outcome.preview.columns if c != ROW_COLUMN and c not in OUTPUT_COLUMNS]
    error_style = {"color": RED, "fontWeight": "600"}
    return [
        {"field": ROW_COLUMN, "headerName": "Fila", "pinned": "left", "width": 80, "type": "numericColumn",
         "headerTooltip": "Fila de la hoja de cálculo (el encabezado es la fila 1)"},
        probability_column(), band_column(),
        {"field": "Pago_atiempo_pred", "headerName": "Pago_atiempo_pred", "width": 180,
         "headerTooltip": "1 = paga a tiempo, 0 = pago tardío (al umbral del modelo)"},
        text_column("error", "Error", width=320, cellStyle=error_style),
        text_column("warnings", "Advertencias", width=280),
        *(text_column(str(c)) for c in inputs),
    ]


def files_table(files: Sequence[BatchFileInfo]) -> html.Div | dbc.Table:
    """Saved results files, newest first, each with its download link (streamed by ``/batch/results/<file>``)."""
    if not files:
        return empty_state("Todavía no hay archivos de resultados.", icon="folder2-open")
    rows = [html.Tr([
        html.Td(html.Code(info.file_id), className="small"),
        html.Td(f"{info.modified:%Y-%m-%d %H:%M:%S}", className="small text-nowrap"),
        html.Td(_size(info.size_bytes), className="small text-end text-nowrap"),
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


def _size(n_bytes: int) -> str:
    if n_bytes < 1024:
        return f"{n_bytes} B"
    if n_bytes < 1024**2:
        return f"{n_bytes / 1024:.1f} KB"
    return f"{n_bytes / 1024**2:.1f} MB"


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-safe dicts for a grid: timestamps as ``YYYY-MM-DD HH:MM:SS`` text, None for missing values."""
    frame = frame.copy()
    for column in frame.columns[[pd.api.types.is_datetime64_any_dtype(t) for t in frame.dtypes]]:
        frame[column] = frame[column].dt.strftime("%Y-%m-%d %H:%M:%S")
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
