"""The PSI table of the Data Drift tab (AG Grid columns and rows) and the text explaining PSI (no callbacks)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from app.dashboard import ids
from app.dashboard.components import data_grid
from app.dashboard.formatting import decimal, percent
from app.dashboard.grid_columns import grid_options
from app.services.drift import DriftView
from modeling.drift import STATUS_INSUFFICIENT

TYPE_LABELS = {"numeric": "numérica", "categorical": "categórica", "derived": "derivada", "score": "puntaje"}
PSI_HELP = ("PSI (Population Stability Index): cuánto se ha movido la distribución actual de una variable respecto "
            "a la del entrenamiento, sobre los mismos bins congelados al entrenar (deciles, «Faltante» y, en "
            "categóricas, «Nueva»). PSI = Σ (act − ref) · ln(act / ref).")
BANDS_HELP = "Bandas: < {low} Bajo · {low}–{high} Moderado · > {high} Alto."
NOISE_HELP = ("Nivel de ruido (95 %): el PSI que el azar del muestreo alcanza por sí solo con estos tamaños de "
              "muestra y bins (sin ningún cambio real lo supera solo un 5 % de las veces). Una variable está en "
              "drift si su PSI está en banda Moderado o Alto y por encima de ese nivel; si el ruido llega a la "
              "primera banda (muestras pequeñas), el estado es «datos insuficientes» y no genera alerta.")
VARIABLE_WIDTH = 290  # shows the longest name (promedio_ingresos_datacredito, 29 characters) whole
TYPE_WIDTH = 125  # "categórica" whole (cell padding included), not cut to "categóri…"
_FIT = {"flex": 1, "wrapHeaderText": True, "autoHeaderHeight": True}
_NUMBER = "params.value == null ? '—' : params.value.toFixed({digits}).replace('.', ',')"
_COUNT = "params.value == null ? '—' : d3.format(',d')(params.value).replace(/,/g, '.')"
_PERCENT = "params.value == null ? '—' : (100 * params.value).toFixed(1).replace('.', ',') + ' %'"
_STATUS_STYLES = [
    {"condition": "params.data.status_key == 'drift' && params.data.band == 'Alto'",
     "style": {"backgroundColor": "#ffebee", "color": "#b71c1c", "fontWeight": "600"}},
    {"condition": "params.data.status_key == 'drift'",
     "style": {"backgroundColor": "#fff8e1", "color": "#8d6e00", "fontWeight": "600"}},
    {"condition": "params.data.status_key == 'insufficient data'", "style": {"color": "#757575",
                                                                           "fontStyle": "italic"}},
    {"condition": "params.data.status_key == 'stable'", "style": {"backgroundColor": "#e8f5e9", "color": "#1b5e20"}},
]


def bands_help(bands: tuple[float, float]) -> str:
    """The band limits in words, Spanish decimals: ``< 0,10 Bajo · 0,10–0,25 Moderado · > 0,25 Alto``."""
    return BANDS_HELP.format(low=decimal(bands[0], 2), high=decimal(bands[1], 2))


def _number_column(field: str, header: str, formatter: str, tooltip: str, **extra: object) -> dict:
    return {"field": field, "headerName": header, "headerTooltip": tooltip, "type": "rightAligned",
            "filter": "agNumberColumnFilter", "valueFormatter": {"function": formatter}, **_FIT, **extra}


def columns(bands: tuple[float, float]) -> list[dict]:
    """AG Grid column definitions (Spanish headers, tooltips on every header)."""
    band_help = bands_help(bands)
    return [
        {"field": "variable", "headerName": "Variable", "pinned": "left", "minWidth": VARIABLE_WIDTH, **_FIT,
         "headerTooltip": "Variable de entrada, derivada por el pipeline, o el puntaje del modelo (prob_default)."},
        {"field": "type", "headerName": "Tipo", "minWidth": TYPE_WIDTH, **_FIT,
         "headerTooltip": "numérica, categórica, derivada (calculada por el pipeline: grupoEdad, es_independiente, "
                          "total_creditos) o puntaje."},
        _number_column("psi", "PSI", _NUMBER.format(digits=3), PSI_HELP, sort="desc", minWidth=100),
        {"field": "band_label", "headerName": "Banda", "minWidth": 115, **_FIT, "headerTooltip": band_help,
         "cellStyle": {"styleConditions": _STATUS_STYLES}},
        _number_column("noise_level", "Nivel de ruido (95 %)", _NUMBER.format(digits=3), NOISE_HELP, minWidth=95),
        {"field": "status", "headerName": "Estado", "minWidth": 180, **_FIT, "headerTooltip": NOISE_HELP,
         "cellStyle": {"styleConditions": _STATUS_STYLES}},
        _number_column("n_cur", "n actual", _COUNT, "Filas actuales comparadas (filtros aplicados).", minWidth=100),
        {"field": "missing_change", "headerName": "% faltantes ref → act", "minWidth": 165, **_FIT,
         "headerTooltip": "Porcentaje de valores faltantes en la referencia y en los datos actuales."},
        _number_column("out_of_range_share", "% fuera de rango", _PERCENT, "Valores actuales fuera del rango "
                       "[mín, máx] visto en el entrenamiento (solo numéricas).", minWidth=95),
        _number_column("unseen_share", "% categ. nuevas", _PERCENT, "Valores actuales de categorías que no "
                       "existían en el entrenamiento (solo categóricas).", minWidth=105),
    ]


def status_label(status: str, alert: bool) -> str:
    """Spanish status (the cell's colour marks it: no emoji, which some browsers cannot draw)."""
    if status == STATUS_INSUFFICIENT:
        return "Datos insuficientes"
    return "Drift" if alert else "Estable"


def rows(view: DriftView) -> list[dict]:
    """One grid row per variable: raw numbers for sorting, Spanish labels for the text columns."""
    table = view.table
    if table.empty:
        return []
    labelled = table.assign(
        type=table["type"].map(TYPE_LABELS),
        band_label=[b if isinstance(b, str) else "—" for b in table["band"]],
        status_key=table["status"],
        status=[status_label(s, bool(a)) for s, a in zip(table["status"], table["alert"], strict=True)],
        missing_change=[f"{percent(r)} → {percent(c)}" for r, c in zip(table["missing_share_ref"],
                                                                         table["missing_share_cur"], strict=True)],
    )
    keep = ["variable", "type", "psi", "band", "band_label", "noise_level", "status", "status_key", "alert", "n_cur",
            "missing_change", "out_of_range_share", "unseen_share"]
    frame = labelled[keep]
    return frame.astype(object).where(pd.notna(frame), None).to_dict(orient="records")


def psi_table(view: DriftView | None, bands: tuple[float, float]) -> html.Div:
    """The grid (rows filled by a callback) and the always-visible explanation of PSI, bands and noise."""
    options = grid_options("Sin predicciones para estos filtros.", tooltipShowDelay=200,
                           suppressRowVirtualisation=True)
    grid = data_grid(ids.Drift.GRID, rows(view) if view is not None else [], columns(bands), height="520px",
                     page_size=50, **options)
    legend = html.Div([html.Div(PSI_HELP), html.Div(bands_help(bands),
                                                    className="fw-semibold"), html.Div(NOISE_HELP)],
                      className="small text-muted mt-2", id=ids.Drift.TABLE_HELP)
    return html.Div([grid, legend])


def info_icon(target: str, bands: tuple[float, float]) -> html.Span:
    """An ⓘ icon with a hover popover explaining PSI, its bands and the noise level."""
    return html.Span([
        html.I(className="bi bi-info-circle text-primary ms-2", id=target, style={"cursor": "help"}),
        dbc.Popover([dbc.PopoverHeader("¿Cómo leer el PSI?"), dbc.PopoverBody([
            html.P(PSI_HELP, className="mb-2"),
            html.P(bands_help(bands), className="mb-2 fw-semibold"),
            html.P(NOISE_HELP, className="mb-0"),
        ])], target=target, trigger="hover focus", placement="bottom"),
    ])
