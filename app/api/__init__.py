"""The JSON side of the server: routes, OpenAPI document, Swagger UI and JSON error handlers."""
from __future__ import annotations

from flask import Flask

from app.api.errors import register_error_handlers
from app.api.health import create_health_blueprint
from app.api.jobs import create_jobs_blueprint
from app.api.models import create_models_blueprint
from app.api.openapi import build_openapi, create_docs_blueprint
from app.api.outcomes import create_outcomes_blueprint
from app.api.routes import create_api_blueprint
from app.services import Services


def register_api(server: Flask, services: Services) -> None:
    """Attach the routes, /openapi.json, /docs and the JSON error handlers to ``server``."""
    register_error_handlers(server)
    server.register_blueprint(create_api_blueprint(services))
    server.register_blueprint(create_outcomes_blueprint(services))
    server.register_blueprint(create_health_blueprint(services))
    if services.models is not None:
        server.register_blueprint(create_models_blueprint(services))
    if services.jobs is not None:
        server.register_blueprint(create_jobs_blueprint(services))
    document = build_openapi(services.bundle.schema, model_version=services.scoring.model_version,
                             max_batch_rows=services.settings.max_batch_rows,
                             api_key=bool(services.settings.api_key))
    server.register_blueprint(create_docs_blueprint(document))
