"""The Dash dashboard mounted at ``/`` on the Flask server: five tabs that call the services in process."""
from __future__ import annotations

from dash import Dash, Input, Output
from flask import Flask

from app.config import Settings
from app.dashboard import ids
from app.dashboard.downloads import register_downloads
from app.dashboard.guard import error_alert, guarded
from app.dashboard.layout import TITLE, shell, validation_layout
from app.dashboard.tabs import TABS
from app.dashboard.vendor import STYLESHEETS, register_vendor_assets
from app.services import Services
from modeling.paths import PROJECT_ROOT

__all__ = ["TITLE", "init_dashboard"]


def init_dashboard(server: Flask, services: Services, settings: Settings) -> Dash:
    """Mount the dashboard on ``server``; callbacks are registered on this instance (``app.callback``)."""
    register_vendor_assets(server)
    register_downloads(server)
    app = Dash(__name__, server=server, url_base_pathname="/", title=TITLE, update_title=None,
               assets_folder=str(PROJECT_ROOT / "assets"), external_stylesheets=STYLESHEETS,
               serve_locally=True)
    app.layout = lambda: shell(services)
    app.validation_layout = validation_layout(services)
    tab_layouts = {tab.TAB_ID: tab.layout for tab in TABS}

    @app.callback(Output(ids.Shell.CONTENT, "children"), Input(ids.Shell.TABS, "active_tab"))
    @guarded(error_alert, "shell")
    def _render_tab(active_tab: str):
        return tab_layouts.get(active_tab, TABS[0].layout)(services)

    for tab in TABS:
        tab.register_callbacks(app, services)
    return app
