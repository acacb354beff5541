"""JSON log lines: one object per line with time, level, logger, message, request_id, route, status, duration."""
from __future__ import annotations

import io
import json
import logging
from datetime import datetime

import pytest

from app.observability.json_logs import REQUEST_LOGGER, json_handler, logconfig_dict


@pytest.fixture
def log_lines():
    """What the app logs at INFO, through the JSON handler gunicorn is configured with, as parsed lines."""
    stream = io.StringIO()
    handler = json_handler(stream)
    logger = logging.getLogger("app")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(previous)


def test_one_json_line_per_request_with_its_id_route_status_and_duration(client, record, log_lines):
    client.post("/predict", json=record, headers={"X-Request-ID": "req-42"})
    client.post("/predict_batch", json=[{}], headers={"X-Request-ID": "req-43"})
    lines = [line for line in log_lines() if line["logger"] == REQUEST_LOGGER]
    assert [(line["request_id"], line["route"], line["status"]) for line in lines] == [
        ("req-42", "/predict", 200), ("req-43", "/predict_batch", 422)]
    for line in lines:
        assert line["level"] == "INFO" and line["message"] == "request" and line["method"] == "POST"
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
        assert datetime.fromisoformat(line["time"]).utcoffset().total_seconds() == 0


def test_errors_logged_inside_a_request_carry_its_id(app, record, log_lines):
    with app.extensions["credit_risk"].log.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE predictions")
    response = app.test_client().post("/predict", json=record, headers={"X-Request-ID": "req-broken"})
    assert response.status_code == 503
    errors = [line for line in log_lines() if line["level"] == "ERROR"]
    assert errors and errors[0]["request_id"] == "req-broken" and errors[0]["route"] == "/predict"
    assert "exc_info" in errors[0]  # the stack trace is in the server log (never in the response)
    assert "Traceback" not in response.get_data(as_text=True)


def test_outside_a_request_the_request_fields_are_null():
    stream = io.StringIO()
    logger = logging.getLogger("app.test_json_logs")
    logger.addHandler(json_handler(stream))
    try:
        logger.warning("café %d", 1)
    finally:
        logger.handlers.clear()
    line = json.loads(stream.getvalue())
    assert line["message"] == "café 1" and line["level"] == "WARNING" and line["logger"] == "app.test_json_logs"
    assert line["request_id"] is None and line["route"] is None


def test_gunicorn_config_routes_everything_through_the_json_handler():
    config = logconfig_dict("DEBUG")
    assert config["root"] == {"level": "DEBUG", "handlers": ["json"]}
    assert config["handlers"]["json"]["()"] is json_handler
    assert config["loggers"]["gunicorn.error"]["propagate"] is True
    assert config["loggers"]["gunicorn.access"]["propagate"] is False  # the app's per-request line replaces it
