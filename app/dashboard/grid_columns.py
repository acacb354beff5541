"""AG Grid column definitions shared by the Logs and Predicciones por Lotes tabs (formatting, band colours)."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.dashboard.components import SOURCE_LABELS
from app.dashboard.formatting import GRID_NUMBER, grid_percent
from app.dashboard.style import AMBER, GREEN, INK, RED

BAND_STYLES = {"Bajo": {"backgroundColor": GREEN, "color": "white"},
               "Medio": {"backgroundColor": AMBER, "color": INK},
               "Alto": {"backgroundColor": RED, "color": "white"}}
SPANISH_GRID_TEXT = {
    "page": "Página", "of": "de", "to": "a", "more": "más", "next": "Siguiente", "last": "Última",
    "first": "Primera", "previous": "Anterior", "nextPage": "Página siguiente", "lastPage": "Última página",
    "firstPage": "Primera página", "previousPage": "Página anterior", "pageSizeSelectorLabel": "Filas por página:",
    "noRowsToShow": "No hay filas que mostrar", "loadingOoo": "Cargando…", "filterOoo": "Filtrar…",
    "equals": "Igual a", "notEqual": "Distinto de", "contains": "Contiene", "notContains": "No contiene",
    "startsWith": "Empieza por", "endsWith": "Termina en", "blank": "Vacío", "notBlank": "No vacío",
    "lessThan": "Menor que", "greaterThan": "Mayor que", "lessThanOrEqual": "Menor o igual que",
    "greaterThanOrEqual": "Mayor o igual que", "inRange": "Entre", "andCondition": "Y", "orCondition": "O",
    "applyFilter": "Aplicar", "resetFilter": "Restablecer", "clearFilter": "Limpiar",
    "thousandSeparator": ".", "decimalSeparator": ",",
}

HEADER_FIT = {"wrapHeaderText": True, "autoHeaderHeight": True}  # a long title wraps onto a second line, never "…"
WRAPPED = {"wrapText": True, "autoHeight": True}  # client-side grids: the row grows until the whole text shows
# Fixed-height rows (the Logs' infinite row model cannot size rows by content): two lines, the rest in the tooltip
TWO_LINES = {"wrapText": True, "cellClass": "cell-two-lines"}  # assets/dashboard.css
PINNED = {"pinned": "left"}  # the key columns stay in view while the inputs scroll sideways
NUMBER_WIDTH = {"width": 130, "minWidth": 100}
FILE_VALUE = {"function": "fileValue(params.value)"}  # assets/dashAgGridFunctions.js: 856389.2 → 856.389,2
_FILE_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?")  # what fileValue rewrites (leading-zero codes stay text)

_SOURCE_TEXT = {"function": "".join(f"params.value === '{key}' ? '{label}' : " for key, label in SOURCE_LABELS.items())
                + "params.value"}  # the log's source codes as the filters name them


def grid_options(no_rows: str, **extra: Any) -> dict[str, Any]:
    """Spanish texts and a Spanish "no rows" overlay for ``components.data_grid``'s ``dashGridOptions``."""
    return {"localeText": {**SPANISH_GRID_TEXT, "noRowsToShow": no_rows}, "tooltipShowDelay": 300, **extra}


PROBABILITY_HEADER = "Prob. pago tardío"
PREDICTED_HEADER = "Pago a tiempo (predicho)"  # never "Pago_atiempo": an upload may hold that real column


def probability_column(field: str = "prob_default", header: str = PROBABILITY_HEADER, **extra: Any) -> dict[str, Any]:
    return {"field": field, "headerName": header, "type": "numericColumn", "filter": "agNumberColumnFilter",
            "headerTooltip": "Probabilidad estimada de pago tardío (Pago_atiempo = 0)",
            "valueFormatter": grid_percent(2), **HEADER_FIT, **NUMBER_WIDTH, **extra}


def predicted_class_column(field: str = "Pago_atiempo_pred", header: str = PREDICTED_HEADER,
                           **extra: Any) -> dict[str, Any]:
    """The predicted class as the original showed it (Sí / No), with a green or red mark drawn by CSS (no emoji
    font needed); files and exports keep the 0 / 1 of ``field``."""
    return {"field": field, "headerName": header, "width": 150, "minWidth": 120, "pinned": "left", **HEADER_FIT,
            "valueFormatter": {"function": "params.value == null ? '' : (Number(params.value) === 1 ? 'Sí' : 'No')"},
            "cellClassRules": {"predicted-yes": "params.value != null && Number(params.value) === 1",
                               "predicted-no": "params.value != null && Number(params.value) === 0"},
            "headerTooltip": "Predicción del modelo: Sí = paga a tiempo (1), No = pago tardío (0), al umbral",
            **extra}


def band_column(field: str = "risk_band", header: str = "Banda de riesgo", **extra: Any) -> dict[str, Any]:
    conditions = [{"condition": f"params.value == '{band}'", "style": {**style, "fontWeight": "600"}}
                  for band, style in BAND_STYLES.items()]
    return {"field": field, "headerName": header, "cellStyle": {"styleConditions": conditions}, "width": 130,
            "minWidth": 110, **HEADER_FIT,
            "headerTooltip": "Bajo / Medio / Alto según los cortes de prob_default fijados en el entrenamiento",
            **extra}


def text_column(field: str, header: str | None = None, width: int | None = None, **extra: Any) -> dict[str, Any]:
    column = {"field": field, "headerName": header or field, "tooltipField": field, **HEADER_FIT, **extra}
    if width:
        column["width"] = width
    return column


def number_column(field: str, header: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"field": field, "headerName": header or field, "type": "numericColumn", "filter": "agNumberColumnFilter",
            "valueFormatter": GRID_NUMBER, **HEADER_FIT, **NUMBER_WIDTH, **extra}


def file_columns(rows: Sequence[Mapping[str, Any]], fields: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Columns for rows as a file holds them (``fields``, default the first row's keys): every value shown as
    written, numbers the Spanish way (``856389.2`` → ``856.389,2``) and right-aligned when the whole column is
    numbers; text untouched."""
    names = list(fields) if fields is not None else list(rows[0] if rows else {})
    columns = []
    for name in names:
        column = text_column(name, width=name_width(name), valueFormatter=FILE_VALUE)
        if _numbers_only(row.get(name) for row in rows):  # right-aligned; no tooltip repeating the raw 856389.2
            column = {**{k: v for k, v in column.items() if k != "tooltipField"}, "type": "rightAligned"}
        columns.append(column)
    return columns


def _numbers_only(values: Iterable[Any]) -> bool:
    present = [v for v in values if v is not None and v != ""]
    return bool(present) and all(not isinstance(v, bool) and _FILE_NUMBER.fullmatch(str(v)) for v in present)


def input_columns(specs: Iterable[Any], skip: Iterable[str] = ()) -> list[dict[str, Any]]:
    """One column per model input (``ColumnSpec``-like objects), numbers right-aligned with separators."""
    skipped = set(skip)
    return [number_column(s.name, headerTooltip=s.description, width=name_width(s.name))
            if s.kind in ("integer", "numeric")
            else text_column(s.name, headerTooltip=s.description, width=name_width(s.name))
            for s in specs if s.name not in skipped]


def name_width(name: str) -> int:
    """A column width (px) that shows a one-word header such as ``promedio_ingresos_datacredito`` whole, with
    room for its filter icon (bold 13 px text: about 8 px a character)."""
    return max(NUMBER_WIDTH["width"], min(8 * len(name) + 56, 320))


def log_columns(specs: Iterable[Any], skip: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The Logs tab's columns without grid-side sorting or filtering (its rows are read a page at a time, newest
    first, filtered in the database): the key ones first — id, time, score, class and band pinned, the warnings
    on two lines — so that at 1400 px they show without scrolling sideways; then the rest, one per model input."""
    columns = [
        {"field": "id", "headerName": "id", "width": 90, "type": "numericColumn", **HEADER_FIT, **PINNED,
         "headerTooltip": "Número del registro en el log (crece con cada predicción)"},
        text_column("scored_at", "Puntuado (UTC)", width=170, **PINNED),
        probability_column(**PINNED), predicted_class_column(), band_column(**PINNED),
        text_column("warnings", "Advertencias", width=400, **TWO_LINES),
        number_column("warnings_count", "Nº advert.", headerTooltip="Número de advertencias del registro",
                      width=100),
        text_column("source", "Origen", width=170, valueFormatter=_SOURCE_TEXT),
        text_column("loan_date", "Fecha préstamo", width=170),
        number_column("actual", "Resultado real", headerTooltip="Pago_atiempo observado (conocido en el holdout)"),
        number_column("latency_ms", "Latencia (ms)", headerTooltip="Validación + puntuación de la petición"),
        text_column("request_id", "request_id", width=290),  # 32 hex characters, whole
        text_column("model_version", "Versión del modelo", width=200),
        *input_columns(specs, skip=skip),
    ]
    return [{**column, "sortable": False, "filter": False} for column in columns]
