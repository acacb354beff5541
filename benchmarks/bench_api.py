"""Serving speed, printed side by side: the bare pipeline floor, the in-process service, and HTTP via gunicorn.

Usage: ``python benchmarks/bench_api.py [--models-dir models] [--requests 1000] [--batch 10000]``.
Needs a trained bundle (``make train``). The prediction log goes to a temporary SQLite file.
"""
from __future__ import annotations

import argparse
import gc
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import orjson
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.services import build_services  # noqa: E402
from modeling.data.coercion import coerce_frame  # noqa: E402
from modeling.data.columns import DATE_COLUMN  # noqa: E402
from modeling.data.input_warnings import stored_specs  # noqa: E402
from modeling.data.schema import FEATURE_COLUMNS  # noqa: E402


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall times in ms of ``repeat`` calls (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def cpu_seconds(root: int) -> float:
    """User + system CPU seconds of process ``root`` and its live children (gunicorn's master and workers)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        if pid == root or int(fields[1]) == root:  # fields[1]: the parent's pid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def sample_records(services, n: int) -> list[dict]:
    """``n`` JSON-ready records cycled from the bundle's held-out period."""
    frame = services.bundle.load_frame("holdout")
    frame = frame[[c for c in FEATURE_COLUMNS if c in frame.columns]]
    frame = frame.iloc[np.arange(n) % len(frame)].reset_index(drop=True)
    frame[DATE_COLUMN] = frame[DATE_COLUMN].dt.strftime("%Y-%m-%dT%H:%M:%S")
    return json.loads(frame.to_json(orient="records"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, env: dict[str, str], *, config: bool = True) -> subprocess.Popen:
    """gunicorn with ``gunicorn.conf.py`` (its defaults; ``env`` may set WORKERS / THREADS), or bare gthread."""
    command = [str(Path(sys.executable).with_name("gunicorn"))]
    if config:
        command += ["-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    else:
        command += ["--worker-class", "gthread", "--workers", env.get("WORKERS", "2"), "--threads",
                    env.get("THREADS", "4"), "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    process = subprocess.Popen([*command, "wsgi:server"], cwd=ROOT, env={**env, "LOG_LEVEL": "WARNING"},
                               stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
        if process.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
    process.terminate()
    raise SystemExit("gunicorn did not become healthy within 120 s")


def post(conn: http.client.HTTPConnection, path: str, body: bytes) -> bytes:
    conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise SystemExit(f"POST {path} answered {response.status}: {data[:300]!r}")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", default=os.environ.get("MODELS_DIR", "models"))
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench_api_")
    settings = Settings(models_dir=Path(args.models_dir), predictions_dir=Path(workdir), seed_holdout=False)
    services = build_services(settings)
    scoring, pipeline = services.scoring, services.bundle.pipeline
    records = sample_records(services, args.batch)
    one = records[:1]
    specs = stored_specs(services.bundle.schema)
    raw_many = coerce_frame(pd.DataFrame(records), specs).frame
    raw_one = raw_many.iloc[:1].copy()
    print(f"model {scoring.model_version} · {type(pipeline[-1]).__name__} · {os.cpu_count()} CPUs · "
          f"load average {os.getloadavg()[0]:.2f} (other processes skew every figure)")

    matrix_one, matrix_many = pipeline[:-1].transform(raw_one), pipeline[:-1].transform(raw_many)
    # What this process holds now (bundle, services, libraries) is frozen out of the garbage collector, as each
    # gunicorn worker does with its own after start-up (gunicorn.conf.py): otherwise a full collection walks it
    # all, inside whichever timed call allocates at that moment — here the client's decoding of a 10,000-result
    # answer took 70–260 ms instead of ~7 ms, a cost no real client (a small process) pays.
    gc.collect()
    gc.freeze()
    floor_1 = statistics.median(timed(lambda: pipeline.predict_proba(raw_one), 200))
    floor_n = statistics.median(timed(lambda: pipeline.predict_proba(raw_many), 5))
    model_1 = statistics.median(timed(lambda: pipeline[-1].predict_proba(matrix_one), 200))
    model_n = statistics.median(timed(lambda: pipeline[-1].predict_proba(matrix_many), 5))
    service_1 = statistics.median(timed(lambda: scoring.score_records(one, source="api"), 200))
    service_n = statistics.median(timed(lambda: scoring.score_records(records, source="api"), 5))
    _, prepared = scoring.prepare_records(records, source="api")  # the log write alone, under a new id each time
    fragments = scoring.fragment_rows(prepared)
    write_n = statistics.median(timed(lambda: scoring.log.append({**prepared.rows, "request_id": uuid.uuid4().hex},
                                                                 fragments=fragments), 5))

    env = {**os.environ, "MODELS_DIR": str(settings.models_dir), "PREDICTIONS_DIR": workdir, "SEED_HOLDOUT": "0"}
    env.pop("DATABASE_URL", None)
    port = free_port()
    server = start_gunicorn(port, env)  # gunicorn.conf.py defaults
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        body_1 = json.dumps(one[0]).encode()
        body_n = orjson.dumps(records)  # the client's request, encoded once
        cpu = cpu_seconds(server.pid)
        http_1 = timed(lambda: post(conn, "/predict", body_1), args.requests)
        cpu_1 = (cpu_seconds(server.pid) - cpu) * 1000 / (args.requests + 1)
        cpu = cpu_seconds(server.pid)
        http_n = statistics.median(timed(lambda: orjson.loads(post(conn, "/predict_batch", body_n)), 5))
        cpu_n = (cpu_seconds(server.pid) - cpu) * 1000 / 6
    finally:
        server.terminate()
        server.wait(timeout=30)

    p50, p99 = np.percentile(http_1, [50, 99])
    ok = lambda passed: "OK" if passed else "MISSED"  # noqa: E731
    rows = [
        ("floor: pipeline predict_proba, 1 row", floor_1, "", ""),
        (f"floor: pipeline predict_proba, {args.batch:,} rows", floor_n, "", ""),
        ("floor: model alone (float matrix), 1 row", model_1, "", ""),
        (f"floor: model alone (float matrix), {args.batch:,} rows", model_n, "", ""),
        ("service in process, 1 record", service_1, f"{service_1 / floor_1:.2f}× floor", ""),
        (f"service in process, {args.batch:,} records", service_n, f"{service_n / floor_n:.2f}× floor",
         f"≤ 4× floor {ok(service_n <= 4 * floor_n)} · {args.batch / service_n * 1000:,.0f} records/s"),
        (f"  of which the log write alone ({args.batch:,} rows + fragments)", write_n,
         f"{write_n / floor_n:.2f}× floor", "the durable part: scored, validated rows into the same SQLite log"),
        (f"POST /predict p50 ({args.requests} seq.)", p50, f"{p50 / floor_1:.2f}× floor",
         f"≤ 1.5× floor {ok(p50 <= 1.5 * floor_1)} · ≤ 8 ms {ok(p50 <= 8)}"),
        (f"POST /predict p99 ({args.requests} seq.)", p99, f"{p99 / floor_1:.2f}× floor", ""),
        (f"POST /predict_batch, {args.batch:,} records*", http_n, f"{http_n / service_n:.2f}× in-process",
         f"≤ 1.3× {ok(http_n <= 1.3 * service_n)} · {args.batch / http_n * 1000:,.0f} records/s"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'ms':>10}  {'ratio':<18}  target")
    for name, ms, ratio, target in rows:
        print(f"{name:<{width}}  {ms:>10.2f}  {ratio:<18}  {target}")
    print(f"server CPU per request (gunicorn's processes; steadier than wall times on a busy machine): /predict "
          f"{cpu_1:.2f} ms · /predict_batch of {args.batch:,} records {cpu_n:.0f} ms")
    print("floor = the bundle's whole pipeline (preprocessing + model) on an already validated frame; "
          "the service's lean path does the same preprocessing on arrays, so it can beat it")
    print("* end to end from the client's side: POST the encoded records, receive, decode the results (orjson)")


if __name__ == "__main__":
    main()
