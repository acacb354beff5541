"""Job state in the log database: claim once, progress and heartbeat, cancel, stale running jobs failed with the
rows done stated (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.services.jobs import JobStore
from app.services.jobs.store import utcnow
from app.services.log import PredictionLog
from app.services.log.tables import jobs


def _store(log_url: str, stale: float = 30.0) -> JobStore:
    return JobStore(PredictionLog.from_url(log_url).engine, stale_seconds=stale)


def test_a_job_is_claimed_once_and_reports_progress(log_url):
    store = _store(log_url)
    store.create("a" * 32, filename="c.csv", upload_path="/x", upload_bytes=10, engine="local", rows_total=100)
    assert store.start("a" * 32, "host:1", "v1").state == "running"
    assert store.start("a" * 32, "host:2", "v1") is None  # a second worker cannot take it
    assert store.progress("a" * 32, rows_done=40, summary={"received": 40}) is False
    job = store.get("a" * 32)
    assert (job.rows_done, job.rows_total, job.summary, job.worker) == (40, 100, {"received": 40}, "host:1")
    assert job.to_dict()["progress"]["rows_done"] == 40
    store.cancel("a" * 32)
    assert store.progress("a" * 32, rows_done=60) is True  # the runner stops at its next chunk
    store.finish("a" * 32, "cancelled")
    assert store.get("a" * 32).state == "cancelled"


def test_a_queued_job_is_cancelled_at_once(log_url):
    store = _store(log_url)
    store.create("b" * 32, filename="c.csv", upload_path="/x", upload_bytes=10, engine="celery")
    assert store.cancel("b" * 32).state == "cancelled"
    assert store.start("b" * 32, "host:1", "v1") is None


def test_a_silent_running_job_is_failed_stating_its_rows(log_url):
    store = _store(log_url, stale=5)
    store.create("c" * 32, filename="c.csv", upload_path="/x", upload_bytes=10, engine="celery", rows_total=9000)
    store.start("c" * 32, "worker-3:77", "v1")
    store.progress("c" * 32, rows_done=4000)
    assert store.get("c" * 32).state == "running"
    with store.engine.begin() as conn:
        conn.execute(sa.update(jobs).values(heartbeat_at=utcnow() - timedelta(seconds=6)))
    job = store.recent()[0]
    assert job.state == "failed" and job.finished_at is not None
    assert "worker-3:77" in job.error and "after 4,000 of 9,000 rows" in job.error
    assert store.fail_stale() == 0  # once


def test_a_queued_local_job_whose_web_process_died_is_failed(log_url):
    import socket
    import subprocess
    import sys

    store = _store(log_url)
    store.create("d" * 32, filename="c.csv", upload_path="/x", upload_bytes=10, engine="local")
    assert store.get("d" * 32).state == "queued"  # queued by this (live) process
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with store.engine.begin() as conn:
        conn.execute(sa.update(jobs).values(worker=f"{socket.gethostname()}:{gone.pid}"))
    job = store.get("d" * 32)
    assert job.state == "failed" and "submit the file again" in job.error
