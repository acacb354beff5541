"""Batch jobs end to end: a synthetic N-row CSV (default 1,000,000) uploaded to ``POST /jobs`` of a real gunicorn,
scored, logged (SQLite, fresh) and written to its results file, on the local engine and on Celery (Redis).

Prints, per engine: upload time, time from the 202 to the first progress read, the longest gap between two
progress changes, end-to-end seconds and rows/s, and the peak resident memory (VmHWM) of the process that ran the
job; and the in-process floor of the same run (the scoring service reading, scoring and logging the same file in
this process, no upload and no results file) with each engine's ratio to it.

    .venv/bin/python benchmarks/bench_jobs.py --models-dir models [--rows 1000000] [--engines local,celery]

The upload is sent by ``curl`` (compiled), streaming the file from disk. Targets: ≥ 20,000 rows/s end to end
(≤ 50 s for 1 M rows), peak memory of the job process ≤ 600 MB, Celery within 1.2× of the local engine, progress
first shown ≤ 1 s after the upload and updated at least every 2 s.
"""
from __future__ import annotations

import argparse
import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_csv(path: Path, rows: int) -> None:
    """Synthetic loans (the built-in generator; never the real file), written in blocks of 200,000 rows."""
    from modeling.synthetic import generate_loans

    block = 200_000
    with path.open("w") as out:
        for start in range(0, rows, block):
            frame = generate_loans(n_rows=min(block, rows - start), seed=100 + start // block)
            frame.to_csv(out, index=False, header=start == 0)


def floor(csv: Path, models_dir: Path, folder: Path, chunk_rows: int) -> float:
    """Seconds for this process to read, score and log the file through the scoring service (no upload, no file)."""
    from app.config import Settings
    from app.services.batch import known_outcomes
    from app.services.jobs.reader import open_table, typed_inputs
    from app.services.jobs.runner import context_for
    from modeling.data.schema import COLUMNS_BY_NAME

    context = context_for(Settings(models_dir=models_dir, predictions_dir=folder))
    reader = open_table(csv, csv.name, chunk_rows=chunk_rows)
    started = time.perf_counter()
    for chunk in reader.chunks():
        columns = [c for c in chunk.frame.columns if c in COLUMNS_BY_NAME]
        context.scoring.score_frame(typed_inputs(chunk.frame[columns]), source="batch", request_id="bench-floor",
                                    actual=known_outcomes(chunk.frame), row_offset=chunk.first_row)
    return time.perf_counter() - started


def peak_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def run_engine(engine: str, csv: Path, rows: int, models_dir: Path, work: Path, broker: str) -> dict[str, float]:
    folder = work / engine
    folder.mkdir()
    port = free_port()
    env = {**os.environ, "MODELS_DIR": str(models_dir), "PREDICTIONS_DIR": str(folder), "PORT": str(port),
           "WORKERS": "1", "THREADS": "4", "SEED_HOLDOUT": "0", "MAX_UPLOAD_MB": "2048",
           "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    env.pop("DATABASE_URL", None)
    processes = []
    if engine == "celery":
        env["CELERY_BROKER_URL"] = broker
        processes.append(start([sys.executable, "-m", "celery", "-A", "app.celery_app", "worker", "--concurrency=1",
                                "--loglevel=WARNING", "--without-gossip", "--without-mingle"], env,
                               folder / "worker.log"))
    processes.append(start([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind",
                            f"127.0.0.1:{port}", "wsgi:server"], env, folder / "gunicorn.log"))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(url + "/health/ready", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError((folder / "gunicorn.log").read_text()[-3000:])
            time.sleep(0.3)
        began = time.perf_counter()
        answer = subprocess.run(["curl", "-s", "-f", "-X", "POST", "-H", "Content-Type: text/csv", "--data-binary",
                                 f"@{csv}", f"{url}/jobs?filename={csv.name}"], capture_output=True, check=True)
        uploaded = time.perf_counter()
        job_id = requests.compat.json.loads(answer.stdout)["id"]
        first_seen = None
        changes, last_done, view = [], None, {}
        while True:
            view = requests.get(f"{url}/jobs/{job_id}", timeout=30).json()
            now = time.perf_counter()
            if first_seen is None and view["progress"]["rows_total"]:
                first_seen = now
            if (view["state"], view["progress"]["rows_done"]) != last_done:  # a state change counts as progress
                changes.append(now)
                last_done = (view["state"], view["progress"]["rows_done"])
            if view["state"] not in ("queued", "running"):
                break
            time.sleep(0.1)
        finished = time.perf_counter()
        if view["state"] != "done":
            raise RuntimeError(f"{engine} job ended {view['state']}: {view['error']}")
        pid = _worker_pid(folder, job_id)
        gaps = [b - a for a, b in itertools.pairwise(changes)]
        return {"upload_s": uploaded - began, "first_progress_s": (first_seen or finished) - uploaded,
                "max_gap_s": max(gaps) if gaps else 0.0, "total_s": finished - began,
                "rows_per_s": rows / (finished - began), "peak_mb": peak_mb(pid) or float("nan")}
    finally:
        for process in processes:
            stop(process)


def _worker_pid(folder: Path, job_id: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{folder / 'prediction_log.sqlite'}")
    with engine.connect() as conn:
        worker = conn.execute(sa.text("SELECT worker FROM jobs WHERE id = :id"), {"id": job_id}).scalar_one()
    engine.dispose()
    return int(worker.rsplit(":", 1)[1])


def broker_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models-dir", type=Path, default=ROOT / "models")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--engines", default="local,celery")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "bench_jobs_data")
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    csv = args.data_dir / f"cartera_{args.rows}.csv"
    if not csv.exists():
        print(f"generating {args.rows:,} synthetic rows → {csv}", flush=True)
        make_csv(csv, args.rows)
    print(f"file: {csv.stat().st_size / 2**20:.0f} MiB, {args.rows:,} rows (busy machines give noisy figures)")
    engines = args.engines.split(",")
    if "celery" in engines and not broker_answers(args.broker):
        print(f"celery skipped: no broker answering at {args.broker}")
        engines.remove("celery")
    work = Path(tempfile.mkdtemp(prefix="bench_jobs_"))
    try:
        results = {engine: run_engine(engine, csv, args.rows, args.models_dir.resolve(), work, args.broker)
                   for engine in engines}
        base = floor(csv, args.models_dir.resolve(), work / "floor", 20_000)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"floor (in process: read + score + log, no upload, no results file): {base:.1f} s, "
          f"{args.rows / base:,.0f} rows/s")
    print(f"{'engine':8} {'upload s':>9} {'1st progress s':>15} {'max gap s':>10} {'total s':>8} {'rows/s':>9} "
          f"{'× floor':>8} {'peak MB':>8}")
    for engine, r in results.items():
        print(f"{engine:8} {r['upload_s']:9.2f} {r['first_progress_s']:15.2f} {r['max_gap_s']:10.2f} "
              f"{r['total_s']:8.1f} {r['rows_per_s']:9,.0f} {r['total_s'] / base:8.2f} {r['peak_mb']:8.0f}")
    if {"local", "celery"} <= results.keys():
        print(f"celery / local: {results['celery']['total_s'] / results['local']['total_s']:.2f}× (target ≤ 1.2×)")
    print("targets: ≥ 20,000 rows/s end to end, peak ≤ 600 MB, first progress ≤ 1 s, gaps ≤ 2 s")


if __name__ == "__main__":
    main()
