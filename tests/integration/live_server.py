"""The app served by real gunicorn (``gunicorn.conf.py``, gthread workers) on a free port, for the load and
fault tests: start, wait until ready, find the workers, read the JSON log lines, stop."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 90.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A running gunicorn master; ``url`` is its base URL, ``log_path`` its stdout (JSON lines)."""

    process: subprocess.Popen
    url: str
    log_path: Path

    def workers(self) -> set[int]:
        """PIDs of the master's live worker processes."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()}

    def wait_for_workers(self, count: int, exclude: set[int] = frozenset(), timeout: float = 60.0) -> set[int]:
        """Wait until ``count`` workers none of which is in ``exclude`` are up and answering."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.workers()
            if len(pids) == count and not pids & exclude and self.get("/health/live").status_code == 200:
                return pids
            time.sleep(0.1)
        raise TimeoutError(f"gunicorn did not get {count} new workers in {timeout} s:\n{self.log_tail()}")

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.url + path, timeout=30, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return requests.post(self.url + path, timeout=60, **kwargs)

    def log_lines(self) -> list[dict]:
        """Every stdout line, parsed (each must be one JSON object)."""
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line.strip()]

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text()[-chars:]


@contextmanager
def live_server(models_dir: Path, folder: Path, database_url: str | None = None, workers: int = 2,
                **env: str) -> Iterator[LiveServer]:
    """gunicorn with ``workers`` workers serving a log at ``database_url`` (SQLite under ``folder`` by default)."""
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    metrics_dir = folder / "metrics"
    metrics_dir.mkdir(exist_ok=True)
    environment = {**os.environ, "MODELS_DIR": str(models_dir), "PREDICTIONS_DIR": str(folder / "predicciones"),
                   "PORT": str(port), "WORKERS": str(workers), "THREADS": "4", "SEED_HOLDOUT": "0",
                   "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), **env}
    environment.pop("DATABASE_URL", None)
    if database_url:
        environment["DATABASE_URL"] = database_url
    log_path = folder / "gunicorn.log"
    with log_path.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind",
                                    f"127.0.0.1:{port}", "wsgi:server"], cwd=ROOT, env=environment, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = LiveServer(process, f"http://127.0.0.1:{port}", log_path)
    try:
        _wait_until_up(server, workers)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_until_up(server: LiveServer, workers: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            if server.get("/health/live").status_code == 200 and len(server.workers()) == workers:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"gunicorn not up in {START_TIMEOUT_S} s:\n{server.log_tail()}")
