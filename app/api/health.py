"""Health routes: ``/health/live`` (the process answers), ``/health/ready`` and ``/health`` (it can serve).

Bodies carry stable codes only; the reason of a failure (host, driver message) is in the server log.
"""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from app.api.errors import RETRY_AFTER_SECONDS
from app.services import Services
from app.services.readiness import probe_log


def create_health_blueprint(services: Services) -> Blueprint:
    """Blueprint with the liveness and readiness routes bound to ``services``."""
    bp = Blueprint("health", __name__)

    @bp.get("/health/live")
    def live() -> Response:
        return jsonify({"status": "ok"})

    @bp.get("/health")
    @bp.get("/health/ready")
    def ready() -> tuple[Response, int, dict[str, str]]:
        model_loaded = services.bundle is not None and bool(services.scoring.model_version)
        log = probe_log(services.log)
        jobs = services.jobs.engine_reachable() if services.jobs is not None else True
        ok = model_loaded and log.reachable and log.writable and jobs
        body: dict[str, object] = {
            "status": "ok" if ok else "error", "model_version": services.scoring.model_version,
            "model": {"loaded": model_loaded},
            "database": {"reachable": log.reachable, "writable": log.writable, "backend": log.backend},
            "jobs": {"engine": services.jobs.engine.name if services.jobs is not None else None,
                     "reachable": jobs}}
        if ok:
            return jsonify(body), 200, {"Cache-Control": "no-store"}
        body.update(error="not_ready", message="the service cannot take predictions now; retry later")
        return jsonify(body), 503, {"Cache-Control": "no-store", "Retry-After": str(RETRY_AFTER_SECONDS)}

    return bp
