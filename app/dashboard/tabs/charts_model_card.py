"""The model card section of the Gráficas tab: tables built from the bundle's metadata."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from app.dashboard.formatting import decimal, integer, percent
from app.dashboard.tabs.charts_kpis import METRIC_HELP, number
from app.services.performance import ModelCard

CV_NOTE = ("Pliegues temporales del período de entrenamiento; cada candidato con sus hiperparámetros por defecto, "
           "pesos de clase y sin calibrar: recall, precisión y F1 en el umbral 0,5, y un Brier mayor que el del "
           "modelo final calibrado. El seleccionado se afinó después con Optuna.")
PERIODS = {"train": "Entrenamiento", "test": "Prueba (período reservado)"}
CARD_ONLY_METRICS = {"accuracy": "Exactitud (accuracy)"}  # reported by training, not a monitoring tile


def model_card_section(card: ModelCard) -> dbc.Row:
    """Identity and decision rule, candidate comparison, CV vs test metrics, split and data."""
    left = [_identity(card), _decision(card)]
    right = [_titled("Validación cruzada de los candidatos (media ± desviación)", _cv_table(card), CV_NOTE),
             _titled("Modelo seleccionado: validación cruzada vs prueba", _metrics_table(card)),
             _titled("Partición temporal de los datos", _split_table(card))]
    return dbc.Row([dbc.Col(left, xs=12, xl=4), dbc.Col(right, xs=12, xl=8)], className="g-3")


def _identity(card: ModelCard) -> html.Div:
    params = [(name, f"{value:.4g}".replace(".", ",") if isinstance(value, float) else str(value))
              for name, value in sorted(card.params.items())]
    data = card.data
    rows = [("Modelo", html.Strong(card.model_name or "—")), ("Versión", html.Code(card.model_version)),
            ("Creado", card.created_at or "—"),
            ("Búsqueda Optuna", f"{card.tuning_trials} ensayos" if card.tuning_trials else "—"),
            ("Datos", data.get("source") or "—"), ("Filas del archivo", _int(data.get("rows"))),
            ("sha256", html.Code(data.get("sha256_short") or "—", title=data.get("sha256") or ""))]
    return html.Div([_titled("Identidad", _pairs(rows)),
                     _titled("Hiperparámetros", _pairs(params) if params else html.P("—", className="text-muted"))])


def _decision(card: ModelCard) -> html.Div:
    cuts, labels = card.band_cuts, card.band_labels
    bands = " · ".join(_band_ranges(labels, cuts)) if len(cuts) + 1 == len(labels) else "—"
    calibration = card.calibration
    rows = [("Umbral de decisión", html.Strong(number(card.threshold, 4))),
            ("Regla del umbral", _threshold_rule(card)),
            ("Bandas de riesgo", bands),
            ("Calibración", f"{calibration.get('method', '—')} (pendiente {number(calibration.get('slope'))}, "
                            f"intercepto {number(calibration.get('intercept'))})" if calibration else "—"),
            ("Selección del candidato", _selection_rule(card))]
    return _titled("Regla de decisión", _pairs(rows))


def _cv_table(card: ModelCard) -> Any:
    table = card.cv_table
    if table.empty:
        return html.P("El bundle no guarda la comparación de candidatos.", className="text-muted")
    header = html.Thead(html.Tr([html.Th("Candidato"), *[html.Th(METRIC_HELP[m][0]) for m in METRIC_HELP],
                                 html.Th("Puntaje de selección")]))
    body = []
    for row in table.to_dict("records"):
        cells = [html.Td([row["candidate"], " ", dbc.Badge("seleccionado", color="success")] if row["selected"]
                         else row["candidate"])]
        cells += [html.Td(f"{number(row[f'{m}_mean'])} ± {number(row[f'{m}_std'])}") for m in METRIC_HELP]
        cells.append(html.Td(number(row["selection_score"])))
        body.append(html.Tr(cells, className="table-success" if row["selected"] else None))
    return _table([header, html.Tbody(body)])


def _metrics_table(card: ModelCard) -> Any:
    header = html.Thead(html.Tr([html.Th("Métrica"), html.Th("Validación cruzada (fuera de pliegue)"),
                                 html.Th("Prueba (período reservado)")]))
    body = [html.Tr([html.Td(_metric_label(row["metric"])), html.Td(number(row["cv"])),
                     html.Td(number(row["test"]))]) for row in card.metrics.to_dict("records")]
    return _table([header, html.Tbody(body)])


def _split_table(card: ModelCard) -> Any:
    header = html.Thead(html.Tr([html.Th(h) for h in ("Período", "Filas", "Usadas para ajustar",
                                                       "Descartadas (implausibles)", "Desde", "Hasta")]))
    body = [html.Tr([html.Td(PERIODS.get(row["period"], row["period"])), html.Td(_int(row["rows"])),
                     html.Td(_int(row["rows_used"])), html.Td(_int(row["dropped"])), html.Td(_day(row["start"])),
                     html.Td(_day(row["end"]))]) for row in card.split.to_dict("records")]
    return _table([header, html.Tbody(body)])


def _threshold_rule(card: ModelCard) -> str:
    if card.target_recall is None:
        return card.threshold_rule or "—"
    return (f"el umbral más alto cuyo recall clase 0 alcanza {percent(card.target_recall, 0)} en las predicciones "
            "fuera de pliegue del entrenamiento")


def _selection_rule(card: ModelCard) -> str:
    if card.selection_metric is None:
        return "—"
    metric = _metric_label(card.selection_metric)
    if card.selection_rule == "mean - std over folds":
        return f"mayor media − desviación de {metric} entre pliegues de validación cruzada temporal"
    return f"{metric}: {card.selection_rule or '—'}"


def _band_ranges(labels: tuple[str, ...], cuts: tuple[float, ...]) -> list[str]:
    bounds = [None, *cuts, None]
    parts = []
    for label, low, high in zip(labels, bounds[:-1], bounds[1:], strict=True):
        if low is None:
            parts.append(f"{label} < {decimal(high, 4)}")
        elif high is None:
            parts.append(f"{label} ≥ {decimal(low, 4)}")
        else:
            parts.append(f"{label} [{decimal(low, 4)}; {decimal(high, 4)})")
    return parts


def _titled(title: str, body: Any, note: str | None = None) -> html.Div:
    children = [html.H6(title, className="text-muted text-uppercase small fw-semibold mt-2"), body]
    if note:
        children.append(html.Div(note, className="small text-muted mt-1"))
    return html.Div(children, className="mb-3")


def _pairs(rows: list[tuple[str, Any]]) -> dbc.Table:
    return _table([html.Tbody([html.Tr([html.Th(key, className="fw-normal text-muted"), html.Td(value)])
                               for key, value in rows])])


def _table(children: list[Any]) -> dbc.Table:
    return dbc.Table(children, bordered=False, hover=True, size="sm", responsive=True, className="mb-0 small")


def _int(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else integer(int(value))


def _day(value: Any) -> str:
    stamp = pd.to_datetime(value, errors="coerce")
    return "—" if pd.isna(stamp) else f"{stamp:%Y-%m-%d}"


def _metric_label(name: str) -> str:
    """The Spanish name of a training metric."""
    return METRIC_HELP[name][0] if name in METRIC_HELP else CARD_ONLY_METRICS.get(name, name)
