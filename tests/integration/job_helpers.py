"""Helpers of the batch-job tests: synthetic loan files, waiting on a job, a real Celery worker process."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from modeling.synthetic import generate_loans

ROOT = Path(__file__).resolve().parents[2]
FINISHED = ("done", "failed", "cancelled")


def loans_csv(path: Path, rows: int, seed: int = 3, bad_rows: tuple[int, ...] = ()) -> Path:
    """``rows`` synthetic loans as CSV (never the real dataset); ``bad_rows`` (0-based) get an unreadable age."""
    frame = generate_loans(n_rows=rows, seed=seed)
    if bad_rows:
        frame = frame.astype({"edad_cliente": object})
        frame.loc[list(bad_rows), "edad_cliente"] = "treinta"
    frame.to_csv(path, index=False)
    return path


def wait_job(read: Callable[[], dict], until: Callable[[dict], bool], timeout: float = 120.0) -> dict:
    """Poll ``read()`` (a job view) until ``until(view)``; fail with the last view after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    view: dict = {}
    while time.monotonic() < deadline:
        view = read()
        if until(view):
            return view
        time.sleep(0.2)
    raise AssertionError(f"job did not reach the expected state in {timeout} s: {view}")


def logged_rows(database_url: str, job_id: str) -> tuple[int, int, int, int]:
    """(rows, distinct rows, first row, last row) logged under ``job_id``."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(sa.text('SELECT count(*), count(DISTINCT "row"), min("row"), max("row") '
                                       "FROM predictions WHERE request_id = :id"), {"id": job_id}).one()
    finally:
        engine.dispose()
    return tuple(row)


@contextmanager
def celery_worker(log_path: Path, **env: str) -> Iterator[subprocess.Popen]:
    """``celery -A app.celery_app worker`` (what ``make worker`` runs) with ``env``; stopped (its whole process
    group) on exit unless it is already gone."""
    environment = {**os.environ, "SEED_HOLDOUT": "0", **env}
    with log_path.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "celery", "-A", "app.celery_app", "worker",
                                    "--loglevel=INFO", "--concurrency=1", "--without-gossip", "--without-mingle",
                                    "--without-heartbeat", "-n", f"test-{os.getpid()}-{time.monotonic_ns()}@%h"],
                                   cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while "ready." not in log_path.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL a process and all its children (a worker host lost)."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def redis_url(db: int) -> str | None:
    """``redis://127.0.0.1:6379/<db>`` when Redis answers there, else None."""
    import redis

    url = f"redis://127.0.0.1:6379/{db}"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.ping()
        client.flushdb()
    except redis.RedisError:
        return None
    return url
