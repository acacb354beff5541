"""Prometheus metrics at ``/metrics`` (prometheus-client), shared by gunicorn's workers in multiprocess mode.

The series are defined here (no Flask: the services count rows and log failures); ``metrics_http`` times
the requests and serves the text. When ``PROMETHEUS_MULTIPROC_DIR`` is set (``gunicorn.conf.py`` sets it, to a
temporary folder when unset) every worker writes its samples to files there and a scrape of any worker adds
them all up; the master marks dead workers with ``mark_process_dead``. Without it (the Flask test client, one
process) the default registry is used.

Series: ``http_requests_total{method,route,status}``, ``http_request_duration_seconds{method,route}`` (route is
the URL rule, e.g. ``/predict``, so its number of values is bounded), ``credit_risk_rows_scored_total{source}``,
``credit_risk_log_write_failures_total{source}``, ``credit_risk_job_transitions_total{state}``,
``credit_risk_jobs{state}`` and ``credit_risk_model_info{model_version}`` (1 for the served version).
"""
from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from app.services.log.store import DuplicateRowsError, PredictionLogError

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

REQUESTS = Counter("http_requests", "HTTP requests answered, by method, route (URL rule) and status",
                   ["method", "route", "status"])
LATENCY = Histogram("http_request_duration_seconds", "Time from the request's arrival in Flask to its response",
                    ["method", "route"], buckets=LATENCY_BUCKETS)
ROWS_SCORED = Counter("credit_risk_rows_scored", "Scored rows written to the prediction log, by source", ["source"])
LOG_WRITE_FAILURES = Counter("credit_risk_log_write_failures",
                             "Prediction-log writes that failed (their predictions were not returned)", ["source"])
JOB_TRANSITIONS = Counter("credit_risk_job_transitions", "Batch jobs that entered each state", ["state"])
JOBS = Gauge("credit_risk_jobs", "Batch jobs currently in each state (as last counted by any worker)", ["state"],
             multiprocess_mode="livemostrecent")
MODEL_INFO = Gauge("credit_risk_model_info", "1 for the model version this process serves", ["model_version"],
                   multiprocess_mode="livemax")


def scrape() -> bytes:
    """The exposition text: every live and dead worker's samples in multiprocess mode, else this process's."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return generate_latest(registry)


@contextmanager
def log_write(source: str, rows: int) -> Iterator[None]:
    """Count ``rows`` scored for ``source`` when the enclosed log write succeeds, one failure when the log
    refuses it (a duplicate request, refused by a unique constraint, is an answer, not a failure)."""
    try:
        yield
    except PredictionLogError as exc:
        if not isinstance(exc, DuplicateRowsError):
            LOG_WRITE_FAILURES.labels(source=source).inc()
        raise
    ROWS_SCORED.labels(source=source).inc(rows)


def job_entered(state: str) -> None:
    """Count one batch job entering ``state`` (e.g. ``queued``, ``running``, ``done``, ``failed``)."""
    JOB_TRANSITIONS.labels(state=state).inc()


def set_job_counts(counts: Mapping[str, int]) -> None:
    """Publish how many jobs are in each state now (e.g. counted from the jobs table)."""
    for state, count in counts.items():
        JOBS.labels(state=state).set(count)
