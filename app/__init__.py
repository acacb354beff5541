"""The web application: one Flask server with the JSON API and the Dash dashboard mounted on it."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.config import Settings

if TYPE_CHECKING:
    from flask import Flask


def create_app(settings: Settings | None = None) -> Flask:
    """Composition root: settings → model bundle (loaded once) and services → JSON routes → Dash.

    Raises ``modeling.artifacts.BundleNotFoundError`` (whose message says how to train a model) when the
    models directory holds no loadable bundle.
    """
    from flask import Flask

    from app.api import register_api
    from app.api.models import register_model_pinning
    from app.cli import register_commands
    from app.dashboard import init_dashboard
    from app.login import register_dashboard_login
    from app.observability.json_logs import register_request_log
    from app.observability.metrics_http import register_metrics
    from app.security import register_security_headers
    from app.services import build_services

    settings = settings or Settings.from_env()
    services = build_services(settings)
    server = Flask(__name__)
    server.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes  # upload routes raise it to MAX_UPLOAD_MB
    server.json.sort_keys = False
    server.json.ensure_ascii = False
    server.extensions["credit_risk"] = services
    register_model_pinning(server, services.models.active)  # a request keeps its model through a promotion
    register_metrics(server, services.scoring.model_version, settings.metrics_token,  # first: counts 401s too
                     job_counts=services.jobs.store.counts if services.jobs is not None else None)
    register_request_log(server)
    if settings.dashboard_login:
        register_dashboard_login(server, settings.dashboard_user or "", settings.dashboard_password or "")
    register_api(server, services)
    register_commands(server)
    dashboard = init_dashboard(server, services, settings)
    register_security_headers(server, dashboard.csp_hashes())
    return server
