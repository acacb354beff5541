"""/metrics (one process; gunicorn's multiprocess mode is covered by test_gunicorn_faults.py): requests by route
and status, latency histograms, rows scored, log write failures, job states, model version, the bearer token."""
from __future__ import annotations

import base64
import dataclasses
import os
import stat

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app import create_app
from app.config import LOG_FILENAME
from app.observability.metrics import log_write
from app.services.log.store import DuplicateRowsError, PredictionLogError


def samples(client, headers: dict[str, str] | None = None) -> dict[tuple[str, frozenset], float]:
    """Every sample /metrics shows, keyed by (name, labels)."""
    response = client.get("/metrics", headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True)) for s in family.samples}


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def test_requests_are_counted_by_route_and_status_and_timed(client, record):
    before = samples(client)
    assert client.post("/predict", json=record).status_code == 200
    assert client.post("/predict", json={}).status_code == 422
    assert client.delete("/metrics").status_code == 405  # no URL rule matched: one "unmatched" series
    after = samples(client)
    ok = {"method": "POST", "route": "/predict", "status": "200"}
    bad = {**ok, "status": "422"}
    assert value(after, "http_requests_total", **ok) - value(before, "http_requests_total", **ok) == 1
    assert value(after, "http_requests_total", **bad) - value(before, "http_requests_total", **bad) == 1
    unmatched = {"method": "DELETE", "route": "unmatched", "status": "405"}
    assert value(after, "http_requests_total", **unmatched) - value(before, "http_requests_total", **unmatched) == 1
    timed = {"method": "POST", "route": "/predict"}
    count = "http_request_duration_seconds_count"
    assert value(after, count, **timed) - value(before, count, **timed) == 2
    inf = value(after, "http_request_duration_seconds_bucket", **timed, le="+Inf")
    assert inf == value(after, count, **timed)
    assert value(after, "http_request_duration_seconds_sum", **timed) > 0


def test_rows_scored_count_logged_rows_only(client, services, record):
    before = samples(client)
    body = client.post("/predict_batch", json=[record, record, {"edad_cliente": "x"}]).get_json()
    assert body["summary"]["scored"] == 2
    after = samples(client)
    rows = "credit_risk_rows_scored_total"
    assert value(after, rows, source="api") - value(before, rows, source="api") == 2


def test_model_version_is_published(client, services):
    found = samples(client)
    assert value(found, "credit_risk_model_info", model_version=services.bundle.model_version) == 1


def test_job_states_come_from_the_jobs_table_and_transitions_are_counted(client, services):
    store = services.jobs.store
    before = samples(client)
    transitions = "credit_risk_job_transitions_total"
    for job_id in ("metrics-a", "metrics-b"):
        store.create(job_id, filename="x.csv", upload_path="/nonexistent", upload_bytes=1, engine="test")
    store.cancel("metrics-b")
    after = samples(client)
    assert value(after, transitions, state="queued") - value(before, transitions, state="queued") == 2
    assert value(after, transitions, state="cancelled") - value(before, transitions, state="cancelled") == 1
    counts = store.counts()
    assert value(after, "credit_risk_jobs", state="queued") == counts["queued"] >= 1
    assert value(after, "credit_risk_jobs", state="cancelled") == counts["cancelled"] >= 1
    assert value(after, "credit_risk_jobs", state="done") == counts["done"]
    store.cancel("metrics-a")


def test_log_write_failures_are_counted(settings, app, record):
    path = settings.predictions_dir / LOG_FILENAME
    app.extensions["credit_risk"].log.dispose()
    if os.geteuid() != 0:
        path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    read_only = create_app(dataclasses.replace(settings, database_url=f"sqlite:///file:{path}?mode=ro&uri=true",
                                               seed_holdout=False)).test_client()
    try:
        before = samples(read_only)
        assert read_only.post("/predict", json=record).status_code == 503
        after = samples(read_only)
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    failures = "credit_risk_log_write_failures_total"
    assert value(after, failures, source="api") - value(before, failures, source="api") == 1
    failed = {"method": "POST", "route": "/predict", "status": "503"}
    assert value(after, "http_requests_total", **failed) - value(before, "http_requests_total", **failed) == 1


def test_metrics_token_is_a_bearer_token(make_app):
    client = make_app(metrics_token="scrape-secret").test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "scrape-secret"}):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert samples(client, {"Authorization": "Bearer scrape-secret"})


@pytest.mark.parametrize("changes", [{"api_key": "k"}, {"dashboard_user": "u", "dashboard_password": "p"}])
def test_without_a_token_metrics_stay_open_whatever_else_is_on(make_app, changes):
    client = make_app(**changes).test_client()
    assert samples(client)
    if "dashboard_user" in changes:  # and the dashboard login still counts its own 401s
        assert client.get("/").status_code == 401
        login = {"Authorization": "Basic " + base64.b64encode(b"u:p").decode()}
        assert client.get("/", headers=login).status_code == 200
        found = samples(client)
        assert value(found, "http_requests_total", method="GET", route="/", status="401") >= 1


def test_a_refused_duplicate_is_not_a_log_failure(client):
    failures = "credit_risk_log_write_failures_total"
    before = value(samples(client), failures, source="batch")
    for error in (DuplicateRowsError("duplicate (request_id, row)"), PredictionLogError("database down")):
        with pytest.raises(PredictionLogError), log_write("batch", 3):
            raise error
    assert value(samples(client), failures, source="batch") - before == 1
