"""Serves Bootstrap 5 (Bootswatch Cerulean: no web font needed) and Bootstrap Icons from bootstrap-flask."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from flask import Blueprint, Flask, send_from_directory

VENDOR_PREFIX = "/vendor/bootstrap"
THEME_CSS = f"{VENDOR_PREFIX}/css/bootswatch/cerulean/bootstrap.min.css"
ICONS_CSS = f"{VENDOR_PREFIX}/css/font/bootstrap-icons.min.css"
STYLESHEETS = [THEME_CSS, ICONS_CSS]


def bootstrap_static_dir() -> Path:
    """The Bootstrap 5 static folder shipped inside the installed bootstrap-flask package."""
    spec = importlib.util.find_spec("flask_bootstrap")
    if spec is None or spec.origin is None:
        raise RuntimeError("bootstrap-flask is not installed: run `make run` or `pip install -r requirements.txt`")
    return Path(spec.origin).parent / "static" / "bootstrap5"


def register_vendor_assets(server: Flask) -> None:
    """Serve the vendored stylesheets and fonts under ``VENDOR_PREFIX`` with a one-day cache."""
    static_dir = bootstrap_static_dir()
    blueprint = Blueprint("vendor_bootstrap", __name__)
    blueprint.add_url_rule(f"{VENDOR_PREFIX}/<path:filename>", "asset",
                           lambda filename: send_from_directory(static_dir, filename, max_age=86400))
    server.register_blueprint(blueprint)
