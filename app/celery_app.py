"""The Celery application of the batch jobs (many machines): ``make worker`` runs
``celery -A app.celery_app worker``; web processes send ``credit_risk.run_job`` through the same broker.

Settings come from the environment, as for the web app (``CELERY_BROKER_URL``, ``DATABASE_URL``, ``MODELS_DIR``,
``PREDICTIONS_DIR`` — a volume shared with the web hosts). Job state is in the log database, so Celery keeps no
results (``task_ignore_result``). A task is acknowledged when it starts: a worker killed mid-job leaves the job
``failed`` (stale heartbeat) instead of re-running it behind the user's back.
"""
from __future__ import annotations

from celery.signals import worker_process_init

from app.config import Settings
from app.services.jobs.engines import TASK_NAME, make_celery

settings = Settings.from_env()
celery = make_celery(settings.celery_broker_url or "redis://127.0.0.1:6379/0")


@worker_process_init.connect
def _load_context(**_: object) -> None:
    """Each worker process loads the bundle and opens the log when it starts, not when its first job arrives."""
    from app.services.jobs.runner import context_for

    context_for(settings)


@celery.task(name=TASK_NAME)
def run_job_task(job_id: str) -> str | None:
    """Run one batch job in this worker process (bundle and log opened once per process)."""
    from app.services.jobs.runner import context_for, run_job

    return run_job(job_id, context_for(settings))
