"""The Logs tab's CSV export as a streamed Flask route, and the one :class:`LogService` the tab and route share.

``GET /logs/export.csv?sources=api&sources=batch&version=*&start=2025-01-01&end=2025-01-31&bands=Alto&predicted=0
&request_id=abc`` streams every matching row (UTF-8 with BOM) in keyset chunks, so memory stays constant
whatever the log's size. A parameter that cannot be used gets a 400 JSON body naming it.
"""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from flask import Flask, Response, current_app, request, stream_with_context

from app.api.errors import error_response
from app.services import Services
from app.services.log import LogQuery, LogService, parse_params
from app.services.selection import SelectionError
from modeling.data.columns import DATE_COLUMN
from modeling.data.input_warnings import stored_specs

EXPORT_PATH = "/logs/export.csv"
_EXTENSION = "credit_risk.logs"  # where the shared LogService is kept on the Flask app


def register_downloads(server: Flask) -> None:
    """Add the export route to ``server`` (its services are ``server.extensions["credit_risk"]``)."""
    server.add_url_rule(EXPORT_PATH, "logs_export_csv", _export_csv, methods=["GET"])


def log_service(server: Flask) -> LogService:
    """The app's one :class:`LogService` (see :func:`build_log_service`), kept on the Flask app."""
    if _EXTENSION not in server.extensions:
        server.extensions[_EXTENSION] = build_log_service(server.extensions["credit_risk"])
    return server.extensions[_EXTENSION]


def build_log_service(services: Services) -> LogService:
    """``services.logs`` when it knows the served version, else a service over the same log and bundle (cheap:
    nothing is read until rows are asked for)."""
    shared = getattr(services, "logs", None)
    if shared is not None and shared.serving_version is not None:
        return shared
    bundle = services.bundle
    fields = [s.name for s in stored_specs(bundle.schema, roles=("feature",)) if s.name != DATE_COLUMN]
    return LogService(services.log, bundle.risk_bands["labels"], bundle.model_version, input_fields=fields)


def export_url(query: LogQuery) -> str:
    """The export route's address for ``query``."""
    params = urlencode(query.params())
    return f"{EXPORT_PATH}?{params}" if params else EXPORT_PATH


def _export_csv() -> Response:
    service = log_service(current_app)
    try:
        query = parse_params(request.args.items(multi=True), service.band_labels)
    except SelectionError as error:
        return error_response(400, "invalid_parameter", str(error),
                              problems=[{"field": error.field, "message": str(error)}])
    name = f"monitoring_log_{datetime.now():%Y%m%d_%H%M%S}.csv"  # the original dashboard's export name
    return Response(stream_with_context(service.export(query)), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}",
                             "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
