"""Data Drift tab: the logged predictions compared with the training period, variable by variable and over time.

The layout holds only controls and placeholders (its one read is the served version's date bounds). Every callback
turns the controls into one :class:`~app.services.selection.Selection`, reads one view of the drift service
(computed from the log's profiles, cached per profile state) and hands it to one builder.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update

from app.dashboard import ids
from app.dashboard.components import empty_state
from app.dashboard.figures import drift as figures
from app.dashboard.figures import drift_evolution as evolution_figures
from app.dashboard.guard import guarded
from app.dashboard.tabs.drift_controls import card, downloads, filter_card, graph, intro, note
from app.dashboard.tabs.drift_peaks import peaks_section
from app.dashboard.tabs.drift_summary import summary
from app.dashboard.tabs.drift_table import info_icon, psi_table, rows
from app.services import Services
from app.services.selection import Selection
from modeling.drift import SCORE_NAME

LABEL = "Data Drift"
TAB_ID = "tab-drift"
LINE_DEFAULT = 3  # variables drawn in the PSI lines until the user picks others


def layout(services: Services) -> html.Div:
    """Controls, status summary, PSI table and bars, per-bin view and the evolution over time (no report here)."""
    drift = services.drift
    options = [{"label": f"{name} (puntaje)" if kind == "score" else name, "value": name}
               for name, kind in drift.variables()]
    bands = drift.bands
    return html.Div(id=ids.Drift.ROOT, children=[
        intro(services),
        filter_card(services),
        dcc.Loading(html.Div(id=ids.Drift.SUMMARY), type="circle", delay_show=300),
        card(["Tabla de PSI por variable", info_icon(ids.Drift.TABLE_INFO, bands)], psi_table(None, bands),
             downloads()),
        dbc.Row([
            dbc.Col(card("PSI por variable", graph(ids.Drift.BARS), note(
                "Barras: PSI (gris = datos insuficientes); trazo negro: nivel de ruido (95 %).")), xs=12, xl=5),
            dbc.Col(card("Distribución por bin", [
                dcc.Dropdown(id=ids.Drift.VARIABLE, options=options, value=None, clearable=False,
                             placeholder="Variable", className="mb-2", style={"maxWidth": "420px"}),
                graph(ids.Drift.BINS)], note("Filas por bin congelado al entrenar: referencia (gris) frente a "
                                              "actual (azul); abajo, lo que aporta cada bin al PSI.")), xs=12, xl=7),
        ], className="g-3"),
        html.H5("Evolución en el tiempo", className="mt-4 mb-0"),
        html.Div("PSI de cada ventana frente a la misma referencia, por fecha del préstamo. La ventana se elige en "
                 "los filtros.", className="small text-muted mb-2"),
        card("Evolución del PSI máximo por ventana", dcc.Loading(html.Div(id=ids.Drift.PEAKS), type="circle",
                                                                 delay_show=300)),
        card("Mapa de calor del PSI", graph(ids.Drift.HEATMAP)),
        card("PSI por ventana", [
            dcc.Dropdown(id=ids.Drift.LINE_VARIABLES, options=[o for o in options if o["value"] != SCORE_NAME],
                         value=None, multi=True, placeholder="Variables a mostrar (el puntaje siempre se muestra)",
                         className="mb-2"),
            graph(ids.Drift.LINES)]),
        dcc.Download(id=ids.Drift.CSV_DOWNLOAD), dcc.Download(id=ids.Drift.JSON_DOWNLOAD),
    ])


def register_callbacks(app: Dash, services: Services) -> None:
    """Wire this tab's callbacks on ``app`` (never the global ``dash.callback``)."""
    drift = services.drift
    bands = drift.bands
    filters = [Input(ids.Drift.SOURCES, "value"), Input(ids.Drift.DATES, "start_date"),
               Input(ids.Drift.DATES, "end_date"), Input(ids.Drift.VERSION, "value"),
               Input(ids.Drift.REFRESH, "n_clicks")]
    window = Input(ids.Drift.WINDOW, "value")
    states = [State(i.component_id, i.component_property) for i in filters[:4]]

    @app.callback(Output(ids.Drift.SUMMARY, "children"), *filters)
    @_guarded(lambda message: empty_state(message, icon="exclamation-circle"))
    def _summary(sources, start, end, version, _refresh):
        return summary(drift.report(_selection(sources, start, end, version)))

    @app.callback(Output(ids.Drift.GRID, "rowData"), *filters)
    @_guarded(lambda message: [])
    def _table(sources, start, end, version, _refresh):
        return rows(drift.report(_selection(sources, start, end, version)))

    @app.callback(Output(ids.Drift.BARS, "figure"), *filters)
    @_guarded(figures.empty_figure)
    def _bars(sources, start, end, version, _refresh):
        return figures.psi_bars(drift.report(_selection(sources, start, end, version)).table, bands)

    @app.callback(Output(ids.Drift.VARIABLE, "value"), Output(ids.Drift.LINE_VARIABLES, "value"), *filters,
                  State(ids.Drift.VARIABLE, "value"), State(ids.Drift.LINE_VARIABLES, "value"))
    @_guarded(lambda message: (no_update, no_update))
    def _first_choices(sources, start, end, version, _refresh, variable, lines):
        if variable is not None and lines is not None:
            return no_update, no_update
        table = drift.report(_selection(sources, start, end, version)).table
        ranked = [name for name in table["variable"] if name != SCORE_NAME]
        if not ranked:
            return no_update, no_update
        return (ranked[0] if variable is None else no_update, ranked[:LINE_DEFAULT] if lines is None else no_update)

    @app.callback(Output(ids.Drift.BINS, "figure"), *filters, Input(ids.Drift.VARIABLE, "value"))
    @_guarded(figures.empty_figure)
    def _bins(sources, start, end, version, _refresh, variable):
        if variable is None:
            return figures.empty_figure("Elija una variable.", "Distribución por bin")
        return figures.bin_shares(drift.variable(_selection(sources, start, end, version), variable))

    @app.callback(Output(ids.Drift.PEAKS, "children"), *filters, window)
    @_guarded(lambda message: empty_state(message, icon="exclamation-circle"))
    def _peaks(sources, start, end, version, _refresh, chosen):
        selection = _selection(sources, start, end, version, chosen)
        return peaks_section(*drift.peaks(selection), bands, selection.window)

    @app.callback(Output(ids.Drift.HEATMAP, "figure"), *filters, window)
    @_guarded(figures.empty_figure)
    def _heatmap(sources, start, end, version, _refresh, chosen):
        selection = _selection(sources, start, end, version, chosen)
        return evolution_figures.psi_heatmap(drift.evolution(selection), bands, selection.window)

    @app.callback(Output(ids.Drift.LINES, "figure"), *filters, window, Input(ids.Drift.LINE_VARIABLES, "value"))
    @_guarded(figures.empty_figure)
    def _lines(sources, start, end, version, _refresh, chosen, variables):
        selection = _selection(sources, start, end, version, chosen)
        return evolution_figures.psi_lines(drift.evolution(selection), variables or [], bands, selection.window)

    @app.callback(Output(ids.Drift.CSV_DOWNLOAD, "data"), Input(ids.Drift.CSV_BUTTON, "n_clicks"), *states,
                  prevent_initial_call=True)
    @_guarded(lambda message: no_update)
    def _csv(_clicks, sources, start, end, version):
        text = drift.report_csv(_selection(sources, start, end, version))
        return dcc.send_string(text, "drift_psi.csv", type="text/csv")

    @app.callback(Output(ids.Drift.JSON_DOWNLOAD, "data"), Input(ids.Drift.JSON_BUTTON, "n_clicks"), *states,
                  prevent_initial_call=True)
    @_guarded(lambda message: no_update)
    def _json(_clicks, sources, start, end, version):
        text = drift.report_json(_selection(sources, start, end, version))
        return dcc.send_string(text, "drift_report.json", type="application/json")


def _selection(sources: list[str] | None, start: str | None, end: str | None, version: str | None,
               window: str | None = None) -> Selection:
    """The controls as a selection: no source chosen means every source."""
    return Selection.parse(sources, version, start, end, window)


def _guarded(fallback: Callable[[str], Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return guarded(fallback, "drift")
