"""Structured logs: one JSON object per line (python-json-logger) with the request's id, route and outcome.

Every record carries ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message`` and, inside a request,
``request_id`` and ``route``; the one line written per request (logger ``app.requests``) adds ``method``,
``path``, ``status`` and ``duration_ms``. ``logconfig_dict()`` is handed to gunicorn (``gunicorn.conf.py``), which
applies it in the master before the workers fork, so the workers, gunicorn's own messages and the app all write
this format. gunicorn's access log is off: the app's per-request line replaces it and knows the request id.
"""
from __future__ import annotations

import logging
import time
from typing import IO, Any

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

REQUEST_LOGGER = "app.requests"
_CONTEXT_FIELDS = ("request_id", "route")


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``route`` (the URL rule) to every record; ``None`` outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        in_request = has_request_context()
        if getattr(record, "request_id", None) is None:
            record.request_id = g.get("request_id") if in_request else None
        if getattr(record, "route", None) is None:
            rule = request.url_rule if in_request else None
            record.route = rule.rule if rule is not None else None
        return True


def json_handler(stream: IO[str] | None = None) -> logging.Handler:
    """A handler writing JSON lines (``time``, ``level``, ``logger``, ``message``, request fields) to ``stream``."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(["levelname", "name", "message", *_CONTEXT_FIELDS],
                                       rename_fields={"levelname": "level", "name": "logger"}, timestamp="time",
                                       json_ensure_ascii=False))
    handler.addFilter(RequestContextFilter())
    return handler


def logconfig_dict(level: str = "INFO") -> dict[str, Any]:
    """``logging.config.dictConfig`` settings: JSON lines on stdout for the root, gunicorn and the app."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"json": {"()": json_handler, "stream": "ext://sys.stdout"}},
        "root": {"level": level, "handlers": ["json"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }


def register_request_log(server: Flask) -> None:
    """Write one INFO line per request of ``server`` (logger ``app.requests``) once its response is ready."""
    logger = logging.getLogger(REQUEST_LOGGER)

    @server.before_request
    def _start_clock() -> None:
        g.log_started = time.perf_counter()

    @server.after_request
    def _log_request(response: Response) -> Response:
        started = g.pop("log_started", None)
        if logger.isEnabledFor(logging.INFO):
            duration = None if started is None else round((time.perf_counter() - started) * 1000.0, 3)
            logger.info("request", extra={"method": request.method, "path": request.path,
                                          "status": response.status_code, "duration_ms": duration})
        return response
