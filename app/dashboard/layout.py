"""The page frame: header with the model's identity, the tabs, the container the active tab renders in."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from app.dashboard import ids
from app.dashboard.formatting import decimal
from app.dashboard.tabs import TABS
from app.services import Services

TITLE = "MLOps Pipeline – Monitoreo y Data Drift"


def header(services: Services) -> dbc.Navbar:
    """Top bar: title, model version, decision threshold and links to the API docs and health."""
    bundle = services.bundle
    badges = [
        dbc.Badge(f"Modelo {bundle.model_version}", color="light", text_color="dark", className="me-2"),
        dbc.Badge(f"Umbral {decimal(bundle.threshold, 3)}", color="info", className="me-2"),
        html.A([html.I(className="bi bi-braces me-1"), "API"], href="/docs", target="_blank",
               className="btn btn-sm btn-outline-light me-2"),
        html.A([html.I(className="bi bi-heart-pulse me-1"), "Estado"], href="/health", target="_blank",
               className="btn btn-sm btn-outline-light"),
    ]
    return dbc.Navbar(dbc.Container([
        html.Span([html.I(className="bi bi-graph-up-arrow me-2"), TITLE], className="navbar-brand fw-semibold"),
        html.Div(badges, className="d-flex align-items-center"),
    ], fluid=True), color="primary", dark=True, className="mb-3")


def shell(services: Services) -> html.Div:
    """The whole page; the active tab's content is rendered into ``ids.Shell.CONTENT`` by a callback."""
    tabs = dbc.Tabs([dbc.Tab(label=tab.LABEL, tab_id=tab.TAB_ID) for tab in TABS],
                    id=ids.Shell.TABS, active_tab=TABS[0].TAB_ID, className="mb-3")
    return html.Div([
        header(services),
        dbc.Container([tabs, html.Div(id=ids.Shell.CONTENT)], fluid=True, className="pb-5"),
    ])


def validation_layout(services: Services) -> html.Div:
    """The shell plus every tab, so Dash can validate callbacks of tabs that are not mounted yet."""
    return html.Div([shell(services), *[tab.layout(services) for tab in TABS]])
