"""Batch jobs of any size in the background: state in the log database (``jobs``), files streamed to disk and read
in chunks, run by a local process pool (one machine) or Celery workers (many machines)."""
from app.services.jobs.engines import JobEngine, select_engine
from app.services.jobs.job import ACTIVE_STATES, STATES, Job
from app.services.jobs.service import JobError, JobService
from app.services.jobs.store import JobStore

__all__ = ["ACTIVE_STATES", "STATES", "Job", "JobEngine", "JobError", "JobService", "JobStore", "select_engine"]
