"""Request metrics and the ``/metrics`` route: every request of the Flask server counted and timed."""
from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Mapping

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST

from app.api.errors import ApiError
from app.observability.metrics import LATENCY, MODEL_INFO, REQUESTS, scrape, set_job_counts

UNMATCHED_ROUTE = "unmatched"  # 404s: the path itself is not a label (it would make one series per URL)


def register_metrics(server: Flask, model_version: str, token: str | None = None,
                     job_counts: Callable[[], Mapping[str, int]] | None = None) -> None:
    """Time and count every request of ``server``; serve ``/metrics`` (``Bearer token`` required when set), with
    the jobs per state read by ``job_counts`` at each scrape (the jobs table: the same from every host).

    Register it before any hook that may answer early (the dashboard login), so those answers are counted too.
    """
    MODEL_INFO.labels(model_version=model_version).set(1)
    expected = f"Bearer {token}".encode() if token else None

    @server.before_request
    def _start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @server.after_request
    def _count(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        route = request.url_rule.rule if request.url_rule is not None else UNMATCHED_ROUTE
        REQUESTS.labels(method=request.method, route=route, status=str(response.status_code)).inc()
        if started is not None:
            LATENCY.labels(method=request.method, route=route).observe(time.perf_counter() - started)
        return response

    bp = Blueprint("metrics", __name__)

    @bp.get("/metrics")
    def metrics() -> Response:
        if expected is not None:
            given = request.headers.get("Authorization", "").encode("utf-8", "replace")
            if not hmac.compare_digest(given, expected):
                raise ApiError(401, "unauthorized", "missing or wrong bearer token (METRICS_TOKEN)",
                               headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
        if job_counts is not None:
            set_job_counts(job_counts())
        return Response(scrape(), mimetype=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})

    server.register_blueprint(bp)
