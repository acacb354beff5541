"""Job state in the log database (the ``jobs`` table): any web host answers for any job.

The process running a job moves it ``queued → running → done | failed | cancelled`` and stamps ``heartbeat_at``
with every chunk. A ``running`` job whose heartbeat is older than ``stale_seconds`` lost its process (killed
worker, host gone): whoever reads it first marks it ``failed``, stating the rows done so far. A queued local job
whose web process died (its job pool with it) is failed the same way.
"""
from __future__ import annotations

import json
import os
import socket
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.observability.metrics import job_entered
from app.services.jobs.job import STATES, Job, utcnow
from app.services.log.tables import idempotency_keys, jobs


class JobStore:
    """Create, read and move jobs; every method is one short transaction."""

    def __init__(self, engine: Engine, *, stale_seconds: float = 30.0) -> None:
        self.engine = engine
        self.stale_seconds = stale_seconds

    def create(self, job_id: str, *, filename: str, upload_path: str, upload_bytes: int, engine: str,
               rows_total: int | None = None, idempotency: tuple[str, str, bytes] | None = None) -> Job:
        """Insert a queued job; with ``idempotency`` = (key, body sha256, answer) the key is stored in the same
        transaction (``sa.exc.IntegrityError`` if the key exists)."""
        now = utcnow()
        values = {"id": job_id, "filename": filename[:255], "upload_path": upload_path, "upload_bytes": upload_bytes,
                  "state": "queued", "engine": engine, "created_at": now, "rows_total": rows_total,
                  "worker": this_process()}  # until a job process claims it: the process that queued it
        with self.engine.begin() as conn:
            if idempotency is not None:
                key, digest, answer = idempotency
                conn.execute(idempotency_keys.insert().values(key=key, route="/jobs", body_sha256=digest,
                                                              status=202, response=answer, created_at=now))
            conn.execute(jobs.insert().values(**values))
        job_entered("queued")
        return Job(**{k: v for k, v in values.items()})

    def counts(self) -> dict[str, int]:
        """How many jobs are in each state now (every state listed, zeros included)."""
        with self.engine.connect() as conn:
            found = dict(conn.execute(sa.select(jobs.c.state, sa.func.count()).group_by(jobs.c.state)).all())
        return {state: int(found.get(state, 0)) for state in STATES}

    def idempotent_answer(self, key: str) -> tuple[str, str, bytes] | None:
        """(route, body sha256, stored answer) of an idempotency key already stored, else None."""
        query = sa.select(idempotency_keys.c.route, idempotency_keys.c.body_sha256, idempotency_keys.c.response
                          ).where(idempotency_keys.c.key == key)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else (row.route, row.body_sha256, bytes(row.response))

    def get(self, job_id: str) -> Job | None:
        """The job (a stale running job is failed first), or None."""
        self.fail_stale()
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).mappings().first()
        return None if row is None else _job(row)

    def recent(self, limit: int = 20) -> list[Job]:
        """The newest jobs first."""
        self.fail_stale()
        query = sa.select(jobs).order_by(jobs.c.created_at.desc(), jobs.c.id).limit(limit)
        with self.engine.connect() as conn:
            return [_job(row) for row in conn.execute(query).mappings()]

    def start(self, job_id: str, worker: str, model_version: str) -> Job | None:
        """Claim a queued job for this process; None when it is not queued (cancelled, taken, finished)."""
        now = utcnow()
        with self.engine.begin() as conn:
            claimed = conn.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.state == "queued").values(
                state="running", started_at=now, heartbeat_at=now, worker=worker[:128], model_version=model_version,
                finished_at=None, error=None)).rowcount
        if not claimed:
            return None
        job_entered("running")
        return self.get(job_id)

    def progress(self, job_id: str, **values: Any) -> bool:
        """Record progress (columns of ``jobs``) and the heartbeat; return whether a cancel was requested."""
        for name in ("row_errors", "summary"):
            if name in values:
                values[name] = json.dumps(values[name], ensure_ascii=False, default=str)
        with self.engine.begin() as conn:
            conn.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.state == "running")
                         .values(heartbeat_at=utcnow(), **values))
            return bool(conn.execute(sa.select(jobs.c.cancel_requested).where(jobs.c.id == job_id)).scalar())

    def finish(self, job_id: str, state: str, **values: Any) -> None:
        """Move a running job to ``state`` (done / failed / cancelled) with its last values."""
        for name in ("row_errors", "summary"):
            if name in values:
                values[name] = json.dumps(values[name], ensure_ascii=False, default=str)
        with self.engine.begin() as conn:
            moved = conn.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.state == "running")
                                 .values(state=state, finished_at=utcnow(), heartbeat_at=utcnow(), **values))
        if moved.rowcount:
            job_entered(state)

    def fail_queued(self, job_id: str, error: str) -> None:
        """A queued job that can never start (its engine refused it)."""
        with self.engine.begin() as conn:
            moved = conn.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.state == "queued")
                                 .values(state="failed", finished_at=utcnow(), error=error))
        if moved.rowcount:
            job_entered("failed")

    def cancel(self, job_id: str) -> Job | None:
        """Cancel: a queued job at once, a running one at its next chunk (``cancel_requested``)."""
        with self.engine.begin() as conn:
            moved = conn.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.state == "queued")
                                 .values(state="cancelled", finished_at=utcnow(), cancel_requested=True))
            conn.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.state == "running")
                         .values(cancel_requested=True))
        if moved.rowcount:
            job_entered("cancelled")
        return self.get(job_id)

    def requeue(self, job_id: str) -> bool:
        """Put a failed job back in the queue (a re-run skips the chunks already logged)."""
        with self.engine.begin() as conn:
            moved = bool(conn.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.state == "failed").values(
                state="queued", error=None, finished_at=None, cancel_requested=False)).rowcount)
        if moved:
            job_entered("queued")
        return moved

    def fail_stale(self) -> int:
        """Mark running jobs whose heartbeat is older than ``stale_seconds`` failed; return how many."""
        limit = utcnow() - timedelta(seconds=self.stale_seconds)
        stale = sa.select(jobs.c.id, jobs.c.heartbeat_at, jobs.c.rows_done, jobs.c.rows_total, jobs.c.worker).where(
            jobs.c.state == "running", jobs.c.heartbeat_at < limit)
        failed = self._fail_orphans()
        with self.engine.begin() as conn:
            for row in conn.execute(stale).all():
                total = "" if row.rows_total is None else f" of {row.rows_total:,}"
                error = (f"the job process stopped ({row.worker or 'unknown worker'} silent for more than "
                         f"{self.stale_seconds:g} s) after {row.rows_done:,}{total} rows; no results file was "
                         "published, the rows done are logged")
                failed += conn.execute(jobs.update().where(jobs.c.id == row.id, jobs.c.state == "running",
                                                           jobs.c.heartbeat_at == row.heartbeat_at)
                                       .values(state="failed", finished_at=utcnow(), error=error)).rowcount
        for _ in range(failed):
            job_entered("failed")
        return failed

    def _fail_orphans(self) -> int:
        """Queued local jobs whose web process (on this host) is gone: its job pool went with it, they never start."""
        host = socket.gethostname()
        queued = sa.select(jobs.c.id, jobs.c.worker).where(jobs.c.state == "queued", jobs.c.engine == "local",
                                                           jobs.c.worker.like(f"{host}:%"))
        failed = 0
        with self.engine.begin() as conn:
            for row in conn.execute(queued).all():
                if _alive(int(row.worker.rsplit(":", 1)[1])):
                    continue
                failed += conn.execute(jobs.update().where(jobs.c.id == row.id, jobs.c.state == "queued").values(
                    state="failed", finished_at=utcnow(), error="the job process could not start: the web process "
                    "that queued the job stopped first (restart or crash); submit the file again")).rowcount
        return failed


def this_process() -> str:
    """``host:pid`` of the current process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _job(row: Any) -> Job:
    values = dict(row)
    values["row_errors"] = json.loads(values.get("row_errors") or "[]")
    values["summary"] = json.loads(values.get("summary") or "{}")
    values["cancel_requested"] = bool(values.get("cancel_requested"))
    return Job(**values)
