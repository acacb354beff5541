"""Load test of ``POST /predict`` against gunicorn with its default settings, driven by ``wrk``, then reconciled.

For each log database (SQLite; PostgreSQL when ``--postgres-url`` or ``TEST_DATABASE_URL`` is set): start
``gunicorn -c gunicorn.conf.py wsgi:server`` on a fresh log, run ``wrk`` with ``--connections`` keep-alive clients
for ``--duration`` seconds (a Lua script posts JSON records, each request with a unique ``X-Request-ID``, and
writes the id of every 200 answer), then check the log: exactly one row per answered request id.
The model floors (1-row and 64-row ``predict_proba``) are measured in the same run and printed beside, and so is
the CPU time per request of the server (gunicorn's processes) and of wrk: on a busy machine wall-clock rates
vary with the neighbours, CPU per request much less, and ``cores / CPU per request`` is the rate the cores allow.

Usage: ``python benchmarks/bench_load.py [--models-dir models] [--duration 30] [--connections 32]``.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.services import build_services  # noqa: E402
from benchmarks.bench_api import cpu_seconds, free_port, sample_records, start_gunicorn, timed  # noqa: E402
from modeling.data.coercion import coerce_frame  # noqa: E402
from modeling.data.input_warnings import stored_specs  # noqa: E402

LUA = r"""
local records = {%(records)s}
local counter, out = 0, nil
local started = 0
function setup(thread)
  thread:set("tid", started)
  started = started + 1
end
function init(args)
  out = io.open("%(folder)s/answered-" .. tid .. ".txt", "w")
end
function request()
  counter = counter + 1
  local id = "%(prefix)s" .. tid .. "-" .. counter
  return wrk.format("POST", "/predict", {["Content-Type"] = "application/json", ["X-Request-ID"] = id},
                    records[counter %% #records + 1])
end
function response(status, headers, body)
  if status == 200 then out:write(headers["X-Request-ID"], "\n") else out:write("status ", status, "\n") end
  out:flush()
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%d %%d %%d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def floors(models_dir: Path, records: list[dict]) -> dict[str, float]:
    """Median ``predict_proba`` times (ms) of the bundle's pipeline and of its model alone."""
    services = build_services(Settings(models_dir=models_dir, predictions_dir=Path(tempfile.mkdtemp()),
                                       seed_holdout=False))
    import pandas as pd

    pipeline = services.bundle.pipeline
    raw = coerce_frame(pd.DataFrame(records[:64]), stored_specs(services.bundle.schema)).frame
    matrix_1, matrix_64 = pipeline[:-1].transform(raw.iloc[:1]), pipeline[:-1].transform(raw)
    model = pipeline[-1]
    return {"pipeline_1": statistics.median(timed(lambda: pipeline.predict_proba(raw.iloc[:1]), 200)),
            "model_1": statistics.median(timed(lambda: model.predict_proba(matrix_1), 200)),
            "model_64": statistics.median(timed(lambda: model.predict_proba(matrix_64), 100))}


def run_wrk(port: int, records: list[dict], args: argparse.Namespace, folder: Path, prefix: str,
            server: int) -> dict[str, float]:
    """wrk's figures, plus the CPU seconds the server (``server``: gunicorn's pid) and wrk itself used."""
    bodies = ", ".join(json.dumps(json.dumps(r)) for r in records)
    script = folder / "predict.lua"
    script.write_text(LUA % {"records": bodies, "folder": folder, "prefix": prefix})
    command = ["wrk", "-t", str(args.wrk_threads), "-c", str(args.connections), "-d", f"{args.duration}s",
               "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}/predict"]
    server_before, children_before = cpu_seconds(server), resource.getrusage(resource.RUSAGE_CHILDREN)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    server_cpu, children = cpu_seconds(server) - server_before, resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = (children.ru_utime + children.ru_stime) - (children_before.ru_utime + children_before.ru_stime)
    numbers = [int(x) for x in re.search(r"^RESULT (.*)$", output, re.M).group(1).split()]
    names = ("requests", "duration_us", "p50_us", "p99_us", "max_us", "connect", "read", "write", "status", "timeout")
    return {**dict(zip(names, numbers, strict=True)), "server_cpu": server_cpu, "wrk_cpu": wrk_cpu}


def reconcile(url: str, folder: Path, prefix: str) -> dict[str, int]:
    """Answered ids (from the Lua files) against the log rows of this run."""
    answered, failed = set(), 0
    for path in folder.glob("answered-*.txt"):
        for line in path.read_text().splitlines():
            if line.startswith("status "):
                failed += 1
            elif line:
                answered.add(line)
    engine = sa.create_engine(url)
    query = sa.text("SELECT request_id, count(*) FROM predictions WHERE request_id LIKE :p GROUP BY request_id")
    calls = sa.text("SELECT count(DISTINCT scored_at) FROM predictions WHERE request_id LIKE :p")
    with engine.connect() as conn:
        counts = dict(conn.execute(query, {"p": prefix + "%"}).all())
        model_calls = conn.execute(calls, {"p": prefix + "%"}).scalar_one()
    engine.dispose()
    return {"answered": len(answered), "failed_answers": failed,
            "answered_without_row": sum(1 for i in answered if counts.get(i, 0) == 0),
            "answered_with_several_rows": sum(1 for i in answered if counts.get(i, 0) > 1),
            "rows_not_answered": sum(n for i, n in counts.items() if i not in answered),
            "logged_rows": sum(counts.values()), "model_calls": model_calls}


def one_database(name: str, url: str | None, args: argparse.Namespace, records: list[dict]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench_load_"))
    env = {**os.environ, "MODELS_DIR": str(Path(args.models_dir).resolve()), "PREDICTIONS_DIR": str(folder),
           "SEED_HOLDOUT": "0", "PORT": str(free_port())}
    env.pop("DATABASE_URL", None)
    if url:
        env["DATABASE_URL"] = url
    log_url = url or f"sqlite:///{folder / 'prediction_log.sqlite'}"
    prefix = f"load-{uuid.uuid4().hex[:8]}-"
    server = start_gunicorn(int(env["PORT"]), env, config=True)
    try:
        stats = run_wrk(int(env["PORT"]), records, args, folder, prefix, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
    check = reconcile(log_url, folder, prefix)
    seconds = stats["duration_us"] / 1e6
    errors = sum(stats[k] for k in ("connect", "read", "write", "status", "timeout"))
    exact = check["answered_without_row"] == 0 and check["answered_with_several_rows"] == 0
    print(f"\n{name}: {stats['requests']:,} requests in {seconds:.1f} s = {stats['requests'] / seconds:,.0f} req/s · "
          f"p50 {stats['p50_us'] / 1000:.1f} ms · p99 {stats['p99_us'] / 1000:.1f} ms · "
          f"max {stats['max_us'] / 1000:.0f} ms · errors {errors} (connect {stats['connect']}, "
          f"read {stats['read']}, write {stats['write']}, non-2xx {stats['status']}, timeout {stats['timeout']})")
    print(f"  reconciliation: {check['answered']:,} answered 200 · {check['logged_rows']:,} rows logged · "
          f"answered without a row {check['answered_without_row']} · with several rows "
          f"{check['answered_with_several_rows']} · rows of requests cut off when wrk stopped "
          f"{check['rows_not_answered']} → {'EXACT' if exact else 'MISMATCH'}")
    print(f"  model calls {check['model_calls']:,} → {check['logged_rows'] / max(check['model_calls'], 1):.1f} "
          "requests per call (micro-batching)")
    per_request = {k: stats[k] * 1000 / max(stats["requests"], 1) for k in ("server_cpu", "wrk_cpu")}
    cores = os.cpu_count() or 1
    print(f"  CPU per request: server {per_request['server_cpu']:.2f} ms · wrk {per_request['wrk_cpu']:.2f} ms → "
          f"{cores} cores saturate at {cores * 1000 / sum(per_request.values()):,.0f} req/s (server and wrk "
          f"sharing them), {cores * 1000 / per_request['server_cpu']:,.0f} req/s for the server alone")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", default=os.environ.get("MODELS_DIR", "models"))
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    services = build_services(Settings(models_dir=Path(args.models_dir), predictions_dir=Path(tempfile.mkdtemp()),
                                       seed_holdout=False))
    records = sample_records(services, 200)
    floor = floors(Path(args.models_dir), records)
    cores = os.cpu_count() or 1
    print(f"model {services.scoring.model_version} · {cores} CPUs · load average {os.getloadavg()[0]:.2f} · "
          f"gunicorn.conf.py defaults · wrk {args.connections} keep-alive connections, {args.duration} s")
    print(f"floors (same run): pipeline predict_proba 1 row {floor['pipeline_1']:.2f} ms · model alone 1 row "
          f"{floor['model_1']:.2f} ms · model alone 64 rows {floor['model_64']:.2f} ms → one request at a time per "
          f"core: {cores * 1000 / floor['pipeline_1']:,.0f} req/s (pipeline), {cores * 1000 / floor['model_1']:,.0f}"
          f" req/s (model alone); model throughput in 64-row calls: {cores * 64000 / floor['model_64']:,.0f} rows/s")
    targets = [("SQLite", None)]
    if args.postgres_url:
        targets.append(("PostgreSQL", args.postgres_url))
    for name, base in targets:
        if args.only and args.only != ("sqlite" if base is None else "postgresql"):
            continue
        if base is None:
            one_database(name, None, args, records)
            continue
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(base)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        try:
            one_database(name, f"{base}?options=-csearch_path%3D{schema}", args, records)
        finally:
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        time.sleep(0.5)
    print("\ntargets: ≥ 800 req/s, p99 ≤ 100 ms, zero errors, exact reconciliation (2 cores)")


if __name__ == "__main__":
    main()
