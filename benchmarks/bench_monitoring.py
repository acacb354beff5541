"""Monitoring at any log size: start-up, memory and every monitoring view at 0.1 M, 1 M and 10 M logged rows, on
SQLite and PostgreSQL, plus the cost of writing profiles with the rows and of rebuild-profiles. Prints figures;
not a test.

    .venv/bin/python benchmarks/bench_monitoring.py --models-dir models \
        [--sizes 100000,1000000,10000000] [--backends sqlite,postgresql] [--pg-url postgresql+psycopg://…]

The log grows through the bulk path of ``log_fill.py`` (production profile code, synthetic scores). At each
size a fresh process (``monitoring_views.py``) measures start-up, resident memory and each view's first,
repeated and after-1,000-new-rows times; the Logs figures come from ``bench_logs.measure``. Targets (issue
"Monitoring at any log size"): start-up ≤ 3 s, memory ≤ 600 MB, first render ≤ 300 ms, repeated ≤ 50 ms,
after 1,000 rows ≤ 150 ms, each window ≤ 300 ms, Logs page ≤ 150 ms, export ≥ 100,000 rows/s, profiles ≤ 1.3×
the rows' write cost, rebuild ≥ 200,000 rows/s.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import sqlalchemy as sa  # noqa: E402
from bench_logs import measure  # noqa: E402
from log_fill import fill, make_pool  # noqa: E402

from app.config import Settings  # noqa: E402
from app.services import build_services  # noqa: E402
from app.services.log.query import LogQuery  # noqa: E402
from app.services.profiles.rebuild import rebuild_profiles  # noqa: E402
from app.services.selection import Selection  # noqa: E402


def views_in_fresh_process(models_dir: Path, url: str, folder: str) -> dict:
    output = subprocess.run([sys.executable, str(HERE / "monitoring_views.py"), str(models_dir), url, folder],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def print_views(figures: dict) -> None:
    print(f"  worker start-up (create_app) {figures['startup_s']:.2f} s after the master's imports "
          f"({figures['imports_s']:.1f} s, paid once) · memory after start {figures['rss_after_start_mb']:.0f} MB, "
          f"after every view {figures['rss_after_views_mb']:.0f} MB (targets ≤ 3 s, ≤ 600 MB)")
    print(f"  {'view':30s} {'first':>9s} {'repeated':>9s} {'+1,000 rows':>12s}   (targets 300 / 50 / 150 ms)")
    for name, first in figures["first_ms"].items():
        print(f"  {name:30s} {first:8.1f}  {figures['repeated_ms'][name]:8.1f}  "
              f"{figures['after_1000_rows_ms'][name]:11.1f}")
    windows = " · ".join(f"{w} {v:.0f} ms" for w, v in figures["evolution_ms"].items())
    timelines = " · ".join(f"{w} {v:.0f} ms" for w, v in figures["timeline_ms"].items())
    print(f"  drift evolution by window: {windows}; Gráficas timeline: {timelines} (target ≤ 300 ms)")


def print_logs(services) -> None:
    for label, query in (("all rows", LogQuery(selection=Selection())),
                         ("api, one quarter", LogQuery(selection=Selection(sources=("api",), start="2025-04-01",
                                                                           end="2025-06-30")))):
        figures = measure(services.logs, query)  # the export streams every matching row (the target's figure)
        print(f"  Logs {label}: " + " · ".join(f"{k} {v:,.1f}" for k, v in figures.items()))


def write_cost(services, repeats: int = 5) -> None:
    """Batch of 10,000: rows alone vs rows + profile fragments (built and written), same transaction size."""
    scoring = services.scoring
    pool = make_pool(scoring, rows=10_000)
    frame = pool.raw
    rows_only, with_profiles = [], []
    for _ in range(repeats):
        _, write = scoring.prepare(frame, source="batch")
        started = time.perf_counter()
        services.log.append(write.rows)
        rows_only.append(time.perf_counter() - started)
        _, write = scoring.prepare(frame, source="batch")
        started = time.perf_counter()
        services.log.append(write.rows, fragments=scoring.fragment_rows(write))
        with_profiles.append(time.perf_counter() - started)
    a, b = statistics.median(rows_only), statistics.median(with_profiles)
    print(f"  write 10,000 rows: alone {a * 1e3:.0f} ms, with profiles {b * 1e3:.0f} ms → ratio {b / a:.2f} "
          f"(target ≤ 1.3)")


def concurrent_writers(services, threads: int = 4, requests: int = 150) -> None:
    """Single-record writes from several threads: rows alone vs rows + profiles (no shared hot row)."""
    scoring = services.scoring
    frames = [row.to_frame().T.infer_objects() for _, row in make_pool(scoring, rows=threads * requests).raw.iterrows()]

    def run(with_profiles: bool) -> float:
        def work(part: int) -> None:
            for frame in frames[part * requests:(part + 1) * requests]:
                _, write = scoring.prepare(frame, source="api")
                if with_profiles:
                    scoring.write(write)
                else:
                    services.log.append(write.rows)
        workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return threads * requests / (time.perf_counter() - started)
    alone, profiled = run(False), run(True)
    print(f"  {threads} concurrent writers, 1 record each: rows alone {alone:,.0f}/s, with profiles "
          f"{profiled:,.0f}/s → {alone / profiled:.2f}× the time")


def rebuild(services, models_dir: Path) -> None:
    report = rebuild_profiles(services.log, lambda v: services.bundle if v == services.bundle.model_version else None)
    print(f"  rebuild-profiles: {report.total_rows:,} rows in {report.seconds:.1f} s → "
          f"{report.total_rows / report.seconds:,.0f} rows/s (target ≥ 200,000)")


def database(backend: str, pg_url: str, folder: str) -> tuple[str, callable]:
    """A fresh database URL for ``backend`` and a function that drops it."""
    if backend == "sqlite":
        return f"sqlite:///{folder}/bench_log.sqlite", lambda: None
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    return f"{pg_url}?options=-csearch_path%3D{schema}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", required=True, type=Path)
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL",
                                                           "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--rebuild-up-to", type=int, default=1_000_000,
                        help="time rebuild-profiles at the sizes up to this one")
    parser.add_argument("--database-url", help="use (and keep) this database instead of a fresh one: a second run "
                                               "on a filled log measures without filling again")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as folder:
            url, drop = (args.database_url, lambda: None) if args.database_url else database(backend, args.pg_url,
                                                                                             folder)
            try:
                services = build_services(Settings(models_dir=args.models_dir, predictions_dir=folder,
                                                   database_url=url, seed_holdout=False))
                for size in sizes:
                    seconds = fill(services.scoring, size)
                    print(f"\n[{backend}] {services.log.count():,} logged rows (filled in {seconds:.0f} s)")
                    print_views(views_in_fresh_process(args.models_dir, url, folder))
                    print_logs(services)
                    if size <= args.rebuild_up_to:
                        rebuild(services, args.models_dir)
                write_cost(services)
                concurrent_writers(services)
                services.log.dispose()
            finally:
                drop()


if __name__ == "__main__":
    main()
