"""Data Drift tab: the logged predictions compared with the training period, variable by variable and over time.

Every callback reads one view of the monitoring service (cached per log state) and hands it to one builder.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update

from app.dashboard import ids
from app.dashboard.components import SOURCE_LABELS, empty_state
from app.dashboard.figures import drift as figures
from app.dashboard.figures import drift_evolution as evolution_figures
from app.dashboard.tabs.drift_summary import day, number, summary
from app.dashboard.tabs.drift_table import info_icon, psi_table, rows
from app.services import Services
from app.services.drift.filters import DEFAULT_SOURCES, DriftFilters, FilterError, WindowError, window_freq
from modeling.drift import SCORE_NAME

LABEL = "Data Drift"
TAB_ID = "tab-drift"
WINDOW_OPTIONS = [{"label": "Mes", "value": "M"}, {"label": "Semana", "value": "W"}, {"label": "Día", "value": "D"},
                  {"label": "Cada N filas", "value": "N"}]
FIELD_MESSAGES = {"rows": "Filas por ventana: escriba un número entero de al menos 30.",
                  "start": "La fecha inicial no es válida.", "end": "La fecha final no es válida.",
                  "sources": "Fuente desconocida.", "window": "Ventana desconocida."}
GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
logger = logging.getLogger(__name__)


def layout(services: Services) -> html.Div:
    """Filters, status summary, PSI table and bars, per-bin view and the evolution over time."""
    monitoring = services.monitoring
    view = monitoring.report(DriftFilters())
    ranked = [v for v in view.table["variable"] if v != SCORE_NAME]
    options = [{"label": f"{name} (score)" if kind == "score" else name, "value": name}
               for name, kind in monitoring.variables()]
    bands = monitoring.bands
    return html.Div(id=ids.Drift.ROOT, children=[
        _intro(services),
        _filters(services, view.source_counts),
        dcc.Loading(html.Div(id=ids.Drift.SUMMARY), type="circle", delay_show=300),
        _card(["Tabla de PSI por variable", info_icon(ids.Drift.TABLE_INFO, bands)], psi_table(None, bands),
              _downloads()),
        dbc.Row([
            dbc.Col(_card("PSI por variable", _graph(ids.Drift.BARS), _note(
                "Barras: PSI (gris = datos insuficientes); trazo negro: nivel de ruido (95 %).")), xs=12, xl=5),
            dbc.Col(_card("Distribución por bin", [
                dcc.Dropdown(id=ids.Drift.VARIABLE, options=options, value=ranked[0] if ranked else None,
                             clearable=False, className="mb-2", style={"maxWidth": "420px"}),
                _graph(ids.Drift.BINS)], _note("Filas por bin congelado al entrenar: referencia (gris) frente a "
                                                "actual (azul); abajo, lo que aporta cada bin al PSI.")), xs=12, xl=7),
        ], className="g-3"),
        html.H5("Evolución en el tiempo", className="mt-4 mb-0"),
        html.Div("PSI de cada ventana frente a la misma referencia, por fecha del préstamo. La ventana se elige en "
                 "los filtros.", className="small text-muted mb-2"),
        _card("Mapa de calor del PSI", _graph(ids.Drift.HEATMAP)),
        _card("PSI por ventana", [
            dcc.Dropdown(id=ids.Drift.LINE_VARIABLES, options=[o for o in options if o["value"] != SCORE_NAME],
                         value=ranked[:3], multi=True, placeholder="Variables a mostrar (el score siempre se muestra)",
                         className="mb-2"),
            _graph(ids.Drift.LINES)]),
        dcc.Download(id=ids.Drift.CSV_DOWNLOAD), dcc.Download(id=ids.Drift.JSON_DOWNLOAD),
    ])


def register_callbacks(app: Dash, services: Services) -> None:
    """Wire this tab's callbacks on ``app`` (never the global ``dash.callback``)."""
    monitoring = services.monitoring
    bands = monitoring.bands
    filters = [Input(ids.Drift.SOURCES, "value"), Input(ids.Drift.DATES, "start_date"),
               Input(ids.Drift.DATES, "end_date"), Input(ids.Drift.VERSION, "value"),
               Input(ids.Drift.REFRESH, "n_clicks")]
    window = [Input(ids.Drift.WINDOW, "value"), Input(ids.Drift.ROWS, "value")]
    states = [State(i.component_id, i.component_property) for i in filters[:4]]

    @app.callback(Output(ids.Drift.SUMMARY, "children"), *filters)
    @_guarded(lambda message: empty_state(message, icon="exclamation-circle"))
    def _summary(sources, start, end, version, _refresh):
        return summary(monitoring.report(_filters_of(sources, start, end, version)))

    @app.callback(Output(ids.Drift.GRID, "rowData"), *filters)
    @_guarded(lambda message: [])
    def _table(sources, start, end, version, _refresh):
        return rows(monitoring.report(_filters_of(sources, start, end, version)))

    @app.callback(Output(ids.Drift.BARS, "figure"), *filters)
    @_guarded(figures.empty_figure)
    def _bars(sources, start, end, version, _refresh):
        return figures.psi_bars(monitoring.report(_filters_of(sources, start, end, version)).table, bands)

    @app.callback(Output(ids.Drift.BINS, "figure"), *filters, Input(ids.Drift.VARIABLE, "value"))
    @_guarded(figures.empty_figure)
    def _bins(sources, start, end, version, _refresh, variable):
        return figures.bin_shares(monitoring.variable(_filters_of(sources, start, end, version), variable))

    @app.callback(Output(ids.Drift.HEATMAP, "figure"), *filters, *window)
    @_guarded(figures.empty_figure)
    def _heatmap(sources, start, end, version, _refresh, choice, size):
        freq = window_freq(choice, size)
        frame = monitoring.evolution(_filters_of(sources, start, end, version), freq)
        return evolution_figures.psi_heatmap(frame, bands, freq)

    @app.callback(Output(ids.Drift.LINES, "figure"), *filters, *window, Input(ids.Drift.LINE_VARIABLES, "value"))
    @_guarded(figures.empty_figure)
    def _lines(sources, start, end, version, _refresh, choice, size, variables):
        freq = window_freq(choice, size)
        frame = monitoring.evolution(_filters_of(sources, start, end, version), freq)
        return evolution_figures.psi_lines(frame, variables or [], bands, freq)

    @app.callback(Output(ids.Drift.ROWS, "disabled"), Input(ids.Drift.WINDOW, "value"))
    def _rows_enabled(choice):
        return choice != "N"

    @app.callback(Output(ids.Drift.CSV_DOWNLOAD, "data"), Input(ids.Drift.CSV_BUTTON, "n_clicks"), *states,
                  prevent_initial_call=True)
    @_guarded(lambda message: no_update)
    def _csv(_clicks, sources, start, end, version):
        text = monitoring.report_csv(_filters_of(sources, start, end, version))
        return dcc.send_string(text, "drift_psi.csv", type="text/csv")

    @app.callback(Output(ids.Drift.JSON_DOWNLOAD, "data"), Input(ids.Drift.JSON_BUTTON, "n_clicks"), *states,
                  prevent_initial_call=True)
    @_guarded(lambda message: no_update)
    def _json(_clicks, sources, start, end, version):
        text = monitoring.report_json(_filters_of(sources, start, end, version))
        return dcc.send_string(text, "drift_report.json", type="application/json")


def _filters_of(sources: list[str] | None, start: str | None, end: str | None, version: str | None) -> DriftFilters:
    return DriftFilters(sources=tuple(sources or ()), start=start, end=end, model_version=version or None)


def _guarded(fallback: Callable[[str], Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Turn bad filters, too many windows or an unexpected failure into ``fallback(Spanish message)``."""
    def decorate(callback: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(callback)
        def run(*args: Any) -> Any:
            try:
                return callback(*args)
            except FilterError as error:
                return fallback(FIELD_MESSAGES.get(error.field, "Filtro no válido."))
            except WindowError as error:
                return fallback(f"Demasiadas ventanas ({number(error.count)}; máximo {number(error.limit)}): "
                                "elija una ventana más amplia o acote las fechas.")
            except Exception:
                logger.exception("drift tab: %s failed", callback.__name__)
                return fallback("No se pudo calcular el drift; el error quedó registrado en el servidor.")
        return run
    return decorate


def _intro(services: Services) -> dbc.Alert:
    reference = services.monitoring.reference_period()
    excluded = ", ".join(services.monitoring.excluded) or "ninguna"
    return dbc.Alert([
        html.I(className="bi bi-bookmark-check me-2"),
        html.Strong("Referencia: "), f"período de entrenamiento del modelo, del {day(reference.start)} al "
        f"{day(reference.end)} ({number(reference.rows)} filas). ",
        html.Strong("Actual: "), "las predicciones registradas en el log que cumplen los filtros. ",
        html.Strong("Excluidas por defecto (temporales): "), excluded, "."], color="light",
        className="border small py-2 mb-3")


def _filters(services: Services, counts: dict[str, int]) -> dbc.Card:
    monitoring = services.monitoring
    bounds = monitoring.date_bounds()
    first, last = (bounds[0].date(), bounds[1].date()) if bounds else (None, None)
    sources = [{"label": f"{SOURCE_LABELS[s]} ({number(counts.get(s, 0))})", "value": s} for s in DEFAULT_SOURCES]
    versions = [{"label": v + (" · en uso" if v == monitoring.model_version else ""), "value": v}
                for v in monitoring.versions()]
    controls = [
        _control("Fuentes", dbc.Checklist(id=ids.Drift.SOURCES, options=sources, value=list(DEFAULT_SOURCES),
                                          inline=True, switch=True), md=6, xl=3),
        _control("Fecha del préstamo", dcc.DatePickerRange(
            id=ids.Drift.DATES, min_date_allowed=first, max_date_allowed=last, initial_visible_month=last,
            display_format="YYYY-MM-DD", start_date_placeholder_text="Desde", end_date_placeholder_text="Hasta",
            clearable=True, first_day_of_week=1), md=6, xl=3),
        _control("Versión del modelo", dcc.Dropdown(id=ids.Drift.VERSION, options=versions,
                                                    value=monitoring.model_version, clearable=False), md=6, xl=2),
        _control("Ventana de evolución", html.Div([
            dbc.RadioItems(id=ids.Drift.WINDOW, options=WINDOW_OPTIONS, value="M", inline=True),
            dbc.InputGroup([dbc.InputGroupText("N ="), dbc.Input(id=ids.Drift.ROWS, type="number", min=30, step=10,
                                                                 value=500, disabled=True)],
                           size="sm", style={"maxWidth": "170px"})]), md=6, xl=3),
        dbc.Col(dbc.Button([html.I(className="bi bi-arrow-clockwise me-1"), "Actualizar"], id=ids.Drift.REFRESH,
                           color="outline-primary", size="sm", n_clicks=0), md=12, xl=1,
                className="d-flex align-items-end"),
    ]
    return dbc.Card(dbc.CardBody(dbc.Row(controls, className="g-3 align-items-end")), className="shadow-sm mb-3")


def _downloads() -> html.Div:
    return html.Div([
        dbc.Button([html.I(className="bi bi-filetype-csv me-1"), "Descargar CSV"], id=ids.Drift.CSV_BUTTON,
                   color="outline-secondary", size="sm", className="me-2"),
        dbc.Button([html.I(className="bi bi-filetype-json me-1"), "Informe JSON"], id=ids.Drift.JSON_BUTTON,
                   color="outline-secondary", size="sm")])


def _note(text: str) -> html.Div:
    return html.Div(text, className="small text-muted")


def _control(label: str, control: Any, **widths: int) -> dbc.Col:
    return dbc.Col([dbc.Label(label, className="small text-muted fw-semibold mb-1"), control], xs=12, **widths)


def _graph(graph_id: str) -> dcc.Loading:
    return dcc.Loading(dcc.Graph(id=graph_id, figure=figures.empty_figure("Cargando…"), config=GRAPH_CONFIG),
                       type="circle", delay_show=300)


def _card(title: Any, body: Any, footer: Any = None) -> dbc.Card:
    header = dbc.CardHeader(html.Div([html.Span(title, className="fw-semibold"), footer],
                                     className="d-flex justify-content-between align-items-center flex-wrap gap-2"))
    return dbc.Card([header, dbc.CardBody(body, className="p-2")], className="shadow-sm h-100 mb-3")
