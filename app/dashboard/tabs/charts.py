"""Gráficas tab."""
from __future__ import annotations

from dash import Dash, html

from app.dashboard import ids
from app.services import Services

LABEL = "Gráficas"
TAB_ID = "tab-charts"


def layout(services: Services) -> html.Div:
    """The tab's components."""
    return html.Div(id=ids.Charts.ROOT, children=html.P("En construcción.", className="text-muted mt-3"))


def register_callbacks(app: Dash, services: Services) -> None:
    """Wire this tab's callbacks on ``app`` (never the global ``dash.callback``)."""
