"""Section builders of the Gráficas tab: a graph or its empty state, and the performance section."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from app.dashboard import ids
from app.dashboard.components import empty_state
from app.dashboard.figures import charts_performance as perf_figures
from app.dashboard.figures.charts import observed_vs_predicted
from app.dashboard.style import GRAPH_CONFIG
from app.dashboard.tabs.charts_kpis import NO_ROWS, metric_cards
from app.services.performance import PerformanceView

NO_OUTCOMES = ("Sin resultados reales: ninguna de las predicciones filtradas tiene el resultado conocido "
               "(Pago_atiempo). El período reservado (fuente «Período reservado») y los lotes que traen "
               "Pago_atiempo lo tienen; incluya esas predicciones para ver el desempeño del modelo.")
ONE_CLASS = ("Los resultados reales filtrados tienen una sola clase ({which}): ROC-AUC, PR-AUC y sus curvas no se "
             "pueden calcular. Amplíe el rango de fechas.")


def chart(graph_id: str, data: Any, builder: Callable[[Any], go.Figure], message: str = NO_ROWS) -> Any:
    """``dcc.Graph`` of ``builder(data)``, or an empty state with ``message`` when ``data`` is None."""
    if data is None:
        return empty_state(message, icon="bar-chart")
    return dcc.Graph(id=graph_id, figure=builder(data), config=GRAPH_CONFIG)


def card(title: str, body: Any, help_text: str | None = None) -> dbc.Card:
    """A titled card around a chart or table, with an optional explanatory line."""
    header = [html.Span(title, className="fw-semibold")]
    if help_text:
        header.append(html.Div(help_text, className="small text-muted"))
    return dbc.Card([dbc.CardHeader(header), dbc.CardBody(body, className="p-2")], className="shadow-sm h-100")


def performance_section(view: PerformanceView | None) -> Any:
    """Metric cards, confusion matrix, ROC/PR, calibration, threshold curves and observed vs predicted over time;
    an empty state when nothing matches or no outcome is known."""
    if view is None:
        return empty_state(NO_ROWS, icon="funnel")
    evaluation = view.evaluation
    if evaluation is None:
        return dbc.Alert([html.I(className="bi bi-info-circle me-2"), NO_OUTCOMES], color="info", className="mb-0")
    rows = [metric_cards(evaluation, view.training_test_metrics)]
    if not evaluation.both_classes:
        which = "solo pagos tardíos" if evaluation.n_late == evaluation.n else "solo pagos a tiempo"
        rows.append(dbc.Alert(ONE_CLASS.format(which=which), color="warning", className="mt-3 mb-0"))
    graphs = [
        (ids.Charts.CONFUSION_GRAPH, perf_figures.confusion_heatmap, "Matriz de confusión",
         "Filas: resultado real; columnas: predicción del modelo en el umbral del modelo."),
        (ids.Charts.CALIBRATION_GRAPH, perf_figures.calibration_figure, "Calibración",
         "Puntos sobre la diagonal: la probabilidad predicha coincide con la tasa real (barras: IC 95 %)."),
    ]
    if evaluation.both_classes:
        graphs[1:1] = [
            (ids.Charts.ROC_GRAPH, perf_figures.roc_figure, "Curva ROC", "El rombo marca el umbral en uso."),
            (ids.Charts.PR_GRAPH, perf_figures.pr_figure, "Curva precisión-recall",
             "Clase positiva: pago tardío. La línea gris es el azar."),
        ]
        graphs.append((ids.Charts.THRESHOLD_GRAPH, perf_figures.threshold_figure, "Efecto del umbral",
                       "Qué se detecta y cuántos préstamos se marcan con otros umbrales."))
    wide = [4, 4, 4, 6, 6] if len(graphs) == 5 else [6] * len(graphs)  # xxl: three on the first row, then two
    cols = [dbc.Col(card(title, chart(graph_id, evaluation, builder), help_text), xs=12, lg=6, xxl=width)
            for (graph_id, builder, title, help_text), width in zip(graphs, wide, strict=True)]
    rows.append(dbc.Row(cols, className="g-3 mt-1"))
    rows.append(dbc.Row(dbc.Col(card(
        "Tasa real vs predicha en el tiempo", chart(ids.Charts.OBSERVED_GRAPH, view.timeline, observed_vs_predicted),
        "Solo préstamos con resultado real; ventanas con pocos préstamos tienen intervalos amplios."), xs=12),
        className="g-3 mt-1"))
    return html.Div(rows)
