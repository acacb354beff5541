"""Logs tab."""
from __future__ import annotations

from dash import Dash, html

from app.dashboard import ids
from app.services import Services

LABEL = "Logs"
TAB_ID = "tab-logs"


def layout(services: Services) -> html.Div:
    """The tab's components."""
    return html.Div(id=ids.Logs.ROOT, children=html.P("En construcción.", className="text-muted mt-3"))


def register_callbacks(app: Dash, services: Services) -> None:
    """Wire this tab's callbacks on ``app`` (never the global ``dash.callback``)."""
