"""Long load test: ``wrk`` drives POST /predict (or /predict_batch) against gunicorn, then the log is reconciled.

Every request carries its own ``X-Request-ID`` (``lt-<thread>-<n>``); the Lua script writes the status and
echoed id of every answer it reads. Afterwards every request answered 200 must have exactly its rows in the log
(records per request), and any other logged request must be whole: one whose answer wrk never read (in flight
when the run stopped, or on a dropped connection). ``--kill-worker`` sends SIGKILL to one worker half-way
through, to watch a respawn under load.

Usage: ``python benchmarks/load_test.py [--models-dir models] [--duration 60] [--connections 32]
[--batch-size 1] [--database-url postgresql+psycopg://…] [--kill-worker]``.
Needs a trained bundle (``make train``) and ``wrk`` on PATH. Without ``--database-url`` the log is a temporary
SQLite file. The suite's short versions are ``tests/integration/test_gunicorn_load.py`` and
``test_gunicorn_faults.py``.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_api import free_port, sample_records, start_gunicorn  # noqa: E402

from app.config import Settings  # noqa: E402
from app.services import build_services  # noqa: E402

LUA = """
local counter, id, threads, answered = 0, 0, {}, nil
function setup(thread) id = id + 1; thread:set("tid", id); table.insert(threads, thread) end
function init(args)
  answered = io.open(string.format("%s/answered-%d.txt", OUT, tid), "w")
  answered:setvbuf("line")
end
function request()
  counter = counter + 1
  return wrk.format("POST", PATH, {["Content-Type"] = "application/json",
                                   ["X-Request-ID"] = string.format("lt-%d-%d", tid, counter)}, BODY)
end
function response(status, headers, body)
  answered:write(status, " ", headers["X-Request-ID"] or "-", "\\n")
end
function done(summary, latency, requests)
  io.write(string.format('RESULT {"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "timeouts": %d, "p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


def lua_script(path: str, body: bytes, out: Path) -> str:
    """The wrk script with the route, the body (a Lua long string) and the answers folder filled in."""
    return f"PATH = {json.dumps(path)}\nOUT = {json.dumps(str(out))}\nBODY = [==[{body.decode()}]==]\n{LUA}"


def answered_ids(folder: Path) -> tuple[Counter, set[str]]:
    """Statuses of every answer wrk read, and the request ids answered with 200."""
    statuses: Counter = Counter()
    ok: set[str] = set()
    for path in folder.glob("answered-*.txt"):
        for line in path.read_text().splitlines():
            status, request_id = line.split(" ", 1)
            statuses[status] += 1
            if status == "200":
                ok.add(request_id)
    return statuses, ok


def workers_of(master: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models-dir", default=str(ROOT / "models"))
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--batch-size", type=int, default=1, help="1: /predict; more: /predict_batch")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--workers", default="2")
    parser.add_argument("--kill-worker", action="store_true", help="SIGKILL one worker half-way through")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    folder = Path(tempfile.mkdtemp(prefix="load-test-"))
    url = args.database_url or f"sqlite:///{folder / 'log.sqlite'}"
    settings = Settings(models_dir=args.models_dir, predictions_dir=folder, database_url=url, seed_holdout=False)
    services = build_services(settings)
    records = sample_records(services, args.batch_size)
    services.log.dispose()
    path, body = ("/predict", json.dumps(records[0])) if args.batch_size == 1 else ("/predict_batch",
                                                                                     json.dumps(records))
    script = folder / "load.lua"
    script.write_text(lua_script(path, body.encode(), folder))

    port = free_port()
    env = {**os.environ, "MODELS_DIR": str(settings.models_dir), "PREDICTIONS_DIR": str(folder),
           "DATABASE_URL": url, "SEED_HOLDOUT": "0", "WORKERS": args.workers}
    server = start_gunicorn(port, env)
    killed: list[int] = []
    if args.kill_worker:
        def kill() -> None:
            victim = workers_of(server.pid)[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
        threading.Timer(args.duration / 2, kill).start()
    try:
        run = subprocess.run(["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{args.duration}s",
                              "--timeout", "30s", "-s", str(script), f"http://127.0.0.1:{port}{path}"],
                             capture_output=True, text=True, check=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    result = json.loads(re.search(r"^RESULT (.*)$", run.stdout, re.M).group(1))

    statuses, ok = answered_ids(folder)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = Counter(dict(conn.execute(sa.text(
            "SELECT request_id, count(*) FROM predictions WHERE request_id LIKE 'lt-%' GROUP BY request_id")).all()))
    engine.dispose()
    exact = all(rows[request_id] == args.batch_size for request_id in ok)
    extra = {request_id: n for request_id, n in rows.items() if request_id not in ok}
    seconds = result["duration_us"] / 1e6
    print(f"route {path}, {args.batch_size} record(s) per request, {args.connections} connections, "
          f"{args.workers} workers, {seconds:.1f} s, log {sa.make_url(url).get_backend_name()}"
          + (f", worker {killed[0]} killed at {args.duration / 2:.0f} s" if killed else ""))
    print(f"answers {sum(statuses.values()):,} ({sum(statuses.values()) / seconds:,.0f}/s), statuses "
          f"{dict(statuses)}, socket errors connect/read/write/timeout {result['connect_errors']}/"
          f"{result['read_errors']}/{result['write_errors']}/{result['timeouts']}")
    print(f"latency p50 {result['p50_us'] / 1000:.1f} ms, p99 {result['p99_us'] / 1000:.1f} ms")
    print(f"reconciliation: {len(ok):,} answers 200, each with exactly {args.batch_size} logged row(s): "
          f"{'yes' if exact else 'NO'}; {sum(rows.values()):,} rows logged in all, {len(extra):,} request(s) logged "
          f"whose answer wrk did not read (in flight when it stopped, or a dropped connection)"
          + ("" if all(n == args.batch_size for n in extra.values()) else " — SOME PARTIAL"))
    mismatch = not exact or any(n != args.batch_size for n in extra.values())
    if not args.database_url:
        shutil.rmtree(folder, ignore_errors=True)
    if mismatch:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
