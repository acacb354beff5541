"""Every error leaves the server as JSON: ``{"error", "message", "problems"?, "request_id"?}``."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from app.services.log import PredictionLogError

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5  # what every 503 tells clients (and load balancers) to wait before retrying


class ApiError(Exception):
    """A client-visible failure with its HTTP status and, when useful, the list of problems."""

    def __init__(self, status: int, error: str, message: str, problems: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message
        self.problems = problems
        self.headers = headers or {}


def error_response(status: int, error: str, message: str, problems: list[dict[str, Any]] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    """The JSON error body every handler returns."""
    body: dict[str, Any] = {"error": error, "message": message}
    if problems is not None:
        body["problems"] = problems
    request_id = g.get("request_id")
    if request_id:
        body["request_id"] = request_id
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def register_error_handlers(app: Flask) -> None:
    """JSON for API errors, HTTP errors (400/404/405/413/415…), log failures (503) and anything unexpected."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.error, exc.message, exc.problems, exc.headers)

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge) -> Response:
        limit = app.config.get("MAX_CONTENT_LENGTH")
        detail = f" (limit {limit / 1024 / 1024:g} MiB, MAX_UPLOAD_MB)" if limit else ""
        return error_response(413, "payload_too_large", f"request body too large{detail}")

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        headers = {k: v for k, v in exc.get_headers() if k.lower() == "allow"}
        status = exc.code or 500
        if status == 503:
            headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return error_response(status, _slug(exc.name), exc.description or exc.name, headers=headers)

    @app.errorhandler(PredictionLogError)
    def _log_unavailable(exc: PredictionLogError) -> Response:
        logger.error("prediction log failure: %s", exc, exc_info=exc.__cause__ or exc)
        return error_response(503, "prediction_log_unavailable",
                              "the prediction could not be recorded, so it is not returned; retry later",
                              headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        logger.exception("unhandled error")
        return error_response(500, "internal_error", "unexpected server error; it has been logged")


def _slug(name: str) -> str:
    return "_".join(name.lower().replace("-", " ").split())
