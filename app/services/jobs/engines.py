"""Where jobs run. One setting decides: without ``CELERY_BROKER_URL``, a process pool of this web process
(the standard library's ``ProcessPoolExecutor``, fresh interpreters started by ``spawn``: nothing to install, a job
cannot slow down or crash the web worker); with it, Celery workers (``make worker``) reached through that broker.

Either way the job's state lives in the ``jobs`` table, so the engine is only a way to start
:func:`app.services.jobs.runner.run_job` somewhere.
"""
from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Protocol

from app.config import Settings
from app.services.jobs.store import JobStore

if TYPE_CHECKING:
    from celery import Celery

logger = logging.getLogger(__name__)
TASK_NAME = "credit_risk.run_job"


class JobEngine(Protocol):
    """Starts queued jobs and says whether it can."""

    name: str

    def submit(self, job_id: str) -> None: ...

    def warm(self) -> None: ...

    def ping(self) -> bool: ...


def run_in_process(job_id: str, settings: Settings) -> str | None:
    """Entry point of a pool process: run the job with this process's context."""
    from app.services.jobs.runner import context_for, run_job

    return run_job(job_id, context_for(settings))


def warm_up(settings: Settings) -> None:
    """Entry point of a pool process started ahead of a job: load the bundle and open the log."""
    from app.services.jobs.runner import context_for

    context_for(settings)


class LocalEngine:
    """``JOB_WORKERS`` job processes per web process, started when the first upload begins and kept."""

    name = "local"

    def __init__(self, settings: Settings, store: JobStore) -> None:
        self.settings, self.store = settings, store
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _pool(self) -> tuple[ProcessPoolExecutor, bool]:
        with self._lock:
            fresh = self._executor is None
            if fresh:
                self._executor = ProcessPoolExecutor(self.settings.job_workers,
                                                     mp_context=multiprocessing.get_context("spawn"))
            return self._executor, fresh

    def warm(self) -> None:
        """Start the job process while the file is still uploading (a fresh interpreter takes seconds)."""
        executor, fresh = self._pool()
        if fresh:
            executor.submit(warm_up, self.settings)

    def submit(self, job_id: str) -> None:
        executor, _ = self._pool()
        future = executor.submit(run_in_process, job_id, self.settings)
        future.add_done_callback(lambda done: self._finished(job_id, executor, done))

    def _finished(self, job_id: str, executor: ProcessPoolExecutor, future: Future) -> None:
        error = future.exception()
        if error is None:
            return
        if isinstance(error, BrokenProcessPool):  # the job process was killed: this pool cannot run more
            with self._lock:
                if self._executor is executor:
                    self._executor = None
            self.store.fail_queued(job_id, "the job process could not start or was killed before the job began")
            message = "the job process stopped unexpectedly (killed or out of memory)"
        else:
            logger.error("job %s: %s", job_id, error, exc_info=error)
            message = "unexpected error while running the job; it has been logged"
        job = self.store.get(job_id)
        if job is not None and job.state == "running":
            total = "" if job.rows_total is None else f" of {job.rows_total:,}"
            self.store.finish(job_id, "failed", error=f"{message} after {job.rows_done:,}{total} rows; no results "
                              "file was published, the rows done are logged")

    def ping(self) -> bool:
        return True  # nothing to reach: the pool is started on demand

    def shutdown(self) -> None:
        """Stop the pool (tests); running jobs finish first."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)


class CeleryEngine:
    """Sends each job to the Celery workers listening on ``CELERY_BROKER_URL`` (task ``credit_risk.run_job``)."""

    name = "celery"

    def __init__(self, broker_url: str) -> None:
        self.celery = make_celery(broker_url)

    def submit(self, job_id: str) -> None:
        self.celery.send_task(TASK_NAME, args=[job_id])

    def warm(self) -> None:
        """Nothing to start: the workers run on their own."""

    def ping(self) -> bool:
        """Whether the broker answers within two seconds."""
        try:
            with self.celery.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
        except Exception:  # kombu raises driver-specific errors
            logger.exception("readiness: the Celery broker cannot be reached")
            return False
        return True


def make_celery(broker_url: str) -> Celery:
    """A Celery app on ``broker_url`` with this project's settings (the web side sends, workers run)."""
    from celery import Celery

    app = Celery("credit_risk", broker=broker_url)
    app.conf.update(task_ignore_result=True, task_acks_late=False, worker_prefetch_multiplier=1,
                    broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
                    task_serializer="json", accept_content=["json"], broker_connection_timeout=2)
    return app


def select_engine(settings: Settings, store: JobStore) -> JobEngine:
    """Celery when ``CELERY_BROKER_URL`` is set, else the local process pool."""
    if settings.celery_broker_url:
        return CeleryEngine(settings.celery_broker_url)
    return LocalEngine(settings, store)
