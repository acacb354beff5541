"""Desempeño tab, challenger section: choose a bundle to score in shadow, compare it with the champion on the same
loans (score agreement, band changes, score drift, realised and estimated performance), promote it or roll back.

The actions go through :class:`~app.services.models.ModelControl` (the same as ``POST /models/...`` and the CLI):
a pointer file in ``MODELS_DIR`` changes and every worker of every host follows within seconds. The comparison
reads ``shadow_scores`` joined to the logged predictions (:class:`~app.services.shadow.ComparisonService`).
"""
from __future__ import annotations

import logging
from datetime import date
from enum import StrEnum
from typing import Any

import dash_bootstrap_components as dbc
import flask
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from app.dashboard.components import empty_state, kpi_card
from app.dashboard.figures import performance_challenger as figures
from app.dashboard.formatting import decimal, integer, percent
from app.dashboard.guard import error_alert, guarded
from app.dashboard.messages import promotion_text
from app.dashboard.style import GRAPH_CONFIG
from app.services import Services
from app.services.models import ModelControl, PromotionError
from app.services.shadow import ComparisonService

logger = logging.getLogger(__name__)

NO_PAIRS = ("Sin puntajes del retador para estos filtros: active un retador y espere nuevas predicciones (cada "
            "predicción registrada se puntúa también con él, sin afectar la respuesta).")


class Ids(StrEnum):
    VERSION = "challenger-version"
    SET = "challenger-set"
    STOP = "challenger-stop"
    PROMOTE = "challenger-promote"
    ROLLBACK = "challenger-rollback"
    CONFIRM_PROMOTE = "challenger-confirm-promote"
    CONFIRM_ROLLBACK = "challenger-confirm-rollback"
    STATUS = "challenger-status"
    MESSAGE = "challenger-message"
    ACTED = "challenger-acted"
    CONTENT = "challenger-content"


def section() -> html.Div:
    """Controls (version, activate, stop, promote, roll back), status line and the comparison."""
    buttons = [dbc.Button("Activar como retador", id=Ids.SET, color="primary", size="sm", n_clicks=0),
               dbc.Button("Detener retador", id=Ids.STOP, color="outline-secondary", size="sm", n_clicks=0),
               dbc.Button("Promover a campeón", id=Ids.PROMOTE, color="success", size="sm", n_clicks=0),
               dbc.Button("Revertir al anterior", id=Ids.ROLLBACK, color="outline-danger", size="sm", n_clicks=0)]
    return html.Div([
        dcc.Store(id=Ids.ACTED, data=0),
        dcc.ConfirmDialog(id=Ids.CONFIRM_PROMOTE), dcc.ConfirmDialog(id=Ids.CONFIRM_ROLLBACK),
        dbc.Row([dbc.Col([dbc.Label("Modelo retador", className="small text-muted fw-semibold mb-1"),
                          dcc.Dropdown(id=Ids.VERSION, clearable=False, placeholder="Elija una versión",
                                       className="version-dropdown", optionHeight=60)],
                         xs=12, xl=5),
                 dbc.Col(html.Div(buttons, className="d-flex flex-wrap gap-2"), xs=12, xl=7,
                         className="d-flex align-items-end")], className="g-2 align-items-end mb-2"),
        html.Div(id=Ids.STATUS, className="small text-muted mb-1"),
        html.Div(id=Ids.MESSAGE),
        dcc.Loading(html.Div(id=Ids.CONTENT), type="circle", delay_show=300),
    ])


def register_callbacks(app: Dash, services: Services, filters: list[Input]) -> None:
    """Wire the section on ``app``; ``filters`` are the tab's source, date and refresh inputs."""
    control: ModelControl = services.models  # type: ignore[assignment]
    comparison = ComparisonService(services.log.engine, services.settings.models_dir,
                                   services.settings.performance_min_late)
    actor = f"dashboard:{services.settings.dashboard_user}" if services.settings.dashboard_user else "dashboard"

    @app.callback(Output(Ids.VERSION, "options"), Output(Ids.VERSION, "value"), Output(Ids.STATUS, "children"),
                  Input(Ids.ACTED, "data"), *filters, State(Ids.VERSION, "value"))
    @guarded(lambda message: (no_update, no_update, error_alert(message)), "performance")
    def _versions(_acted, *args):
        status = control.status()
        shadowed = comparison.versions()
        rows = dict(zip(shadowed["version"], shadowed["rows"], strict=True))
        choices = [v for v in status["versions"] if v != status["served"]]
        active = status["challenger"] if status["challenger"] != status["served"] else None  # promoted: champion
        options = [{"label": _option(v, active, rows.get(v)), "value": v} for v in choices]
        kept = args[-1]
        value = next((v for v in (kept, active, *shadowed["version"]) if v in choices), None)
        line = (f"Campeón (servido): {status['served']} · Retador activo: {active or 'ninguno'} · "
                f"Anterior: {status['previous'] or '—'}")
        return options, value, line

    @app.callback(Output(Ids.SET, "disabled"), Output(Ids.PROMOTE, "disabled"), Output(Ids.ROLLBACK, "disabled"),
                  Input(Ids.VERSION, "value"), Input(Ids.STATUS, "children"))
    @guarded(lambda message: (no_update, no_update, no_update), "performance")
    def _buttons(version, _status):
        return button_states(control.status(), version)

    @app.callback(Output(Ids.CONFIRM_PROMOTE, "displayed"), Output(Ids.CONFIRM_PROMOTE, "message"),
                  Input(Ids.PROMOTE, "n_clicks"), State(Ids.VERSION, "value"), prevent_initial_call=True)
    @guarded(lambda message: (False, no_update), "performance")
    def _ask_promote(_clicks, version):
        if not version:
            return False, no_update
        return True, (f"¿Promover {version} a campeón? Todos los servidores lo servirán en segundos; se puede "
                      "revertir con «Revertir al anterior».")

    @app.callback(Output(Ids.CONFIRM_ROLLBACK, "displayed"), Output(Ids.CONFIRM_ROLLBACK, "message"),
                  Input(Ids.ROLLBACK, "n_clicks"), prevent_initial_call=True)
    @guarded(lambda message: (False, no_update), "performance")
    def _ask_rollback(_clicks):
        previous = control.registry.previous()
        if previous is None:
            return False, no_update
        return True, f"¿Volver a servir {previous} (campeón anterior)?"

    @app.callback(Output(Ids.ACTED, "data"), Output(Ids.MESSAGE, "children"),
                  Input(Ids.SET, "n_clicks"), Input(Ids.STOP, "n_clicks"),
                  Input(Ids.CONFIRM_PROMOTE, "submit_n_clicks"), Input(Ids.CONFIRM_ROLLBACK, "submit_n_clicks"),
                  State(Ids.VERSION, "value"), State(Ids.ACTED, "data"), prevent_initial_call=True)
    @guarded(lambda message: (no_update, error_alert(message)), "performance")
    def _act(_set, _stop, _promote, _rollback, version, acted):
        who = _who(actor)
        try:
            if ctx.triggered_id == Ids.SET and version:
                switch, text = control.set_challenger(version, who), f"{version} puntúa ahora en sombra."
            elif ctx.triggered_id == Ids.STOP:
                switch, text = control.set_challenger(None, who), "Retador detenido."
            elif ctx.triggered_id == Ids.CONFIRM_PROMOTE and version:
                switch, text = control.promote(version, who), f"{version} es ahora el campeón."
            elif ctx.triggered_id == Ids.CONFIRM_ROLLBACK and control.registry.previous():
                target = control.registry.previous()
                switch, text = control.promote(target, who), f"Revertido: {target} es de nuevo el campeón."
            else:
                return no_update, no_update
        except PromotionError as exc:
            logger.info("model switch refused: %s", exc)
            return no_update, dbc.Alert(f"No se hizo el cambio: {promotion_text(exc.code)}.", color="danger",
                                        id="challenger-alert")
        note = f" (antes: {switch.from_version or 'ninguno'}; registrado por {switch.actor})"
        return (acted or 0) + 1, dbc.Alert(text + note, color="success", id="challenger-alert", duration=15000)

    @app.callback(Output(Ids.CONTENT, "children"), Input(Ids.VERSION, "value"), *filters)
    @guarded(lambda message: empty_state(message, icon="exclamation-circle"), "performance")
    def _content(version, sources, start, end, *_):
        if not version:
            return empty_state(NO_PAIRS, icon="people")
        found = comparison.compare(version, sources=tuple(sources or ()), start=_day(start), end=_day(end))
        return comparison_view(found) if found is not None else empty_state(NO_PAIRS, icon="people")


def button_states(status: dict[str, Any], version: str | None) -> tuple[bool, bool, bool]:
    """Whether «Activar como retador», «Promover a campeón» and «Revertir al anterior» are disabled, given
    :meth:`ModelControl.status` and the chosen version: activating needs a version that is neither the champion nor
    already the challenger, promoting one that is not the champion, rolling back a previous champion."""
    champion = status["served"]
    active = status["challenger"] if status["challenger"] != champion else None
    nothing = not version or version == champion
    return nothing or version == active, nothing, not status["previous"]


def comparison_view(cmp: Any) -> html.Div:
    """KPIs, band matrix, score pairs, drift and the metrics table of one comparison."""
    shown = integer(cmp.n) + (" más recientes" if cmp.total is None  # cut at the limit, total not counted
                              else f" de {integer(cmp.total)}" if cmp.total > cmp.n else "")
    kpis = dbc.Row([
        dbc.Col(kpi_card("Préstamos comparados", shown, f"{integer(cmp.labelled)} con resultado real",
                         card_id="challenger-kpi-n"), xs=6, xl=3),
        dbc.Col(kpi_card("Correlación de puntajes", decimal(cmp.pearson, 3),
                         f"Spearman {decimal(cmp.spearman, 3)}", card_id="challenger-kpi-corr"), xs=6, xl=3),
        dbc.Col(kpi_card("Misma decisión", percent(cmp.same_class), "misma clase predicha",
                         card_id="challenger-kpi-same"), xs=6, xl=3),
        dbc.Col(kpi_card("Diferencia media", decimal(cmp.mean_abs_diff, 3), "|prob_default campeón − retador|"),
                xs=6, xl=3)], className="g-2 mb-2")
    graphs = dbc.Row([
        dbc.Col(dcc.Graph(id="challenger-bands-graph", figure=figures.band_changes(cmp), config=GRAPH_CONFIG),
                xs=12, xl=6),
        dbc.Col(dcc.Graph(id="challenger-scores-graph", figure=figures.score_pairs(cmp), config=GRAPH_CONFIG),
                xs=12, xl=6),
        dbc.Col(dcc.Graph(id="challenger-drift-graph", figure=figures.score_drift(cmp), config=GRAPH_CONFIG),
                xs=12, xl=6),
        dbc.Col([html.Div("Desempeño en los mismos préstamos: real donde se conoce el resultado, estimado (CBPE) "
                          "en todos", className="small text-muted mb-1"),
                 dbc.Table.from_dataframe(figures.metrics_table(cmp), striped=True, hover=True, size="sm",
                                          className="small", id="challenger-metrics-table")], xs=12, xl=6),
    ], className="g-2")
    return html.Div([kpis, graphs])


def _option(version: str, challenger: str | None, rows: int | None) -> str:
    label = version + (" · retador activo" if version == challenger else "")
    return label + (f" · {integer(rows)} puntuados" if rows else "")


def _who(default: str) -> str:
    auth = flask.request.authorization if flask.has_request_context() else None
    return f"dashboard:{auth.username}" if auth is not None and auth.username else default


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None
