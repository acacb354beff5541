"""Liveness and readiness: /health/live, /health/ready (model loaded, log writable) and /health as readiness.

A read-only log is a real one: the same SQLite file opened read-only (``mode=ro``), which refuses writes with
the same error a file without write permission gives (tests run as root here, where chmod alone does not stop
writes); when the tests do not run as root, the file is also made read-only with chmod.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import stat

import pytest
import sqlalchemy as sa

from app import create_app
from app.config import LOG_FILENAME

INTERNALS = ("sqlite", "readonly", "OperationalError", "Traceback", ".sqlite", "127.0.0.1", "5432", "psycopg")


def assert_no_internals(response) -> None:
    text = response.get_data(as_text=True)
    body = response.get_json()
    text_without_backend = text.replace(f'"backend":"{body.get("database", {}).get("backend")}"', "")
    for word in INTERNALS:
        assert word not in text_without_backend, (word, text)


def test_live_answers_while_the_process_is_up(client):
    response = client.get("/health/live")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/health", "/health/ready"])
def test_ready_when_model_loaded_and_log_writable(client, services, path):
    response = client.get(path)
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["model_version"] == services.bundle.model_version
    assert body["model"] == {"loaded": True}
    assert body["database"] == {"reachable": True, "writable": True, "backend": "sqlite"}


def test_the_write_probe_leaves_nothing_behind(client, services):
    before = services.log.count()
    for _ in range(3):
        assert client.get("/health/ready").status_code == 200
    assert services.log.count() == before
    assert services.log.count(source="probe") == 0


@pytest.fixture
def read_only_client(settings, app):
    """A second app on the first app's (migrated, seeded) log file, opened read-only."""
    path = settings.predictions_dir / LOG_FILENAME
    app.extensions["credit_risk"].log.dispose()
    if os.geteuid() != 0:
        path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    read_only = dataclasses.replace(settings, database_url=f"sqlite:///file:{path}?mode=ro&uri=true",
                                    seed_holdout=False)
    yield create_app(read_only).test_client()
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)


@pytest.mark.parametrize("path", ["/health", "/health/ready"])
def test_read_only_log_is_not_ready(read_only_client, path, caplog):
    with caplog.at_level(logging.ERROR):
        response = read_only_client.get(path)
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    body = response.get_json()
    assert body["status"] == "error" and body["error"] == "not_ready"
    assert body["database"] == {"reachable": True, "writable": False, "backend": "sqlite"}
    assert_no_internals(response)
    assert "readonly" in caplog.text  # the detail is in the server log
    assert read_only_client.get("/health/live").status_code == 200


def test_read_only_log_refuses_predictions_with_a_generic_503(read_only_client, record, caplog):
    with caplog.at_level(logging.ERROR):
        response = read_only_client.post("/predict", json=record)
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
    assert response.get_json()["error"] == "prediction_log_unavailable"
    assert_no_internals(response)
    assert "readonly" in caplog.text


def test_missing_table_is_not_ready_and_says_nothing_internal(client, services):
    with services.log.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE predictions"))
    response = client.get("/health/ready")
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
    assert response.get_json()["database"] == {"reachable": False, "writable": False, "backend": "sqlite"}
    assert_no_internals(response)
    assert client.get("/health/live").status_code == 200

