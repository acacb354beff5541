"""The Dash dashboard mounted at ``/`` on the Flask server (shell page until the dashboard issue lands)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, html
from flask import Flask

from app.config import Settings
from app.services import Services
from modeling.config import PROJECT_ROOT

TITLE = "MLOps Pipeline – Monitoreo y Data Drift"
TAB_LABELS = ("Gráficas", "Data Drift", "Logs", "Predicciones por Lotes")


def init_dashboard(server: Flask, services: Services, settings: Settings) -> Dash:
    """Mount the dashboard on ``server``; callbacks are registered on this instance (``app.callback``)."""
    app = Dash(__name__, server=server, url_base_pathname="/", title=TITLE,
               assets_folder=str(PROJECT_ROOT / "assets"), external_stylesheets=[dbc.themes.BOOTSTRAP])
    app.layout = _layout(services)
    return app


def _layout(services: Services) -> dbc.Container:
    tabs = [dbc.Tab(html.P(f"{label}: en construcción.", className="mt-3 text-muted"), label=label,
                    tab_id=f"tab-{i}") for i, label in enumerate(TAB_LABELS)]
    return dbc.Container([
        html.H1(TITLE, className="h3 my-3"),
        html.P(f"Modelo {services.scoring.model_version}", className="text-muted"),
        dbc.Tabs(tabs, id="shell-tabs", active_tab="tab-0"),
    ], fluid=True)
