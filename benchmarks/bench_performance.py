"""Realised and estimated performance per month from the profiles, and ``/outcomes`` throughput, on SQLite and
PostgreSQL. Prints figures; not a test.

    .venv/bin/python benchmarks/bench_performance.py --models-dir models \
        [--sizes 100000,10000000] [--backends sqlite,postgresql] [--pg-url postgresql+psycopg://…] \
        [--outcomes 100000] [--per-call 10000] [--database-url URL]

The log grows through ``log_fill.py`` (production profile code; 30 % of the rows carry an outcome, so 10,000,000
rows hold 3,000,000 with outcomes). Per size: the performance view per month (realised + estimated + bands +
calibration) cold (a new process state: profiles read from the database, then computed), computed on profiles
already in memory, and cached; then outcomes for unlabelled rows sent in calls of ``--per-call`` items through
the Flask app in process (JSON parsing, checks, lookup, update, profile deltas, answer) — first as new outcomes,
then the same calls again (all ``unchanged``). Targets (issue 10): ≤ 300 ms per month view at 10 M rows;
≥ 20,000 outcomes/s.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import orjson  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from bench_monitoring import database  # noqa: E402
from log_fill import fill  # noqa: E402

from app import create_app  # noqa: E402
from app.config import Settings  # noqa: E402
from app.services.performance import PerformanceService  # noqa: E402
from app.services.profiles import ProfileReader, ProfileStore  # noqa: E402
from app.services.selection import Selection  # noqa: E402

VIEW_TARGET_MS = 300.0
OUTCOMES_TARGET = 20_000.0


def ms(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return (time.perf_counter() - started) * 1e3, result


def performance_views(services) -> None:
    selection = Selection(window="month")
    cold = PerformanceService(services.bundle, ProfileReader(ProfileStore(services.log.engine)))
    cold_ms, view = ms(lambda: cold.over_time(selection))
    warm = PerformanceService(services.bundle, cold.reader)  # profiles in memory, empty result cache
    warm_ms, _ = ms(lambda: warm.over_time(selection))
    cached_ms = min(ms(lambda: warm.over_time(selection))[0] for _ in range(5))
    week_ms, _ = ms(lambda: warm.over_time(Selection(window="week")))
    day_ms, _ = ms(lambda: warm.over_time(Selection(window="day")))
    overall = view.realised[view.realised["window"].isna()]
    labelled = int(overall["n"].iloc[0])
    print(f"  performance per month ({view.realised['window'].nunique()} windows, {labelled:,} labelled rows): "
          f"cold {cold_ms:.0f} ms (profiles read + computed), on loaded profiles {warm_ms:.0f} ms, cached "
          f"{cached_ms:.2f} ms — target ≤ {VIEW_TARGET_MS:.0f} ms: ratio {warm_ms / VIEW_TARGET_MS:.2f} "
          f"(cold {cold_ms / VIEW_TARGET_MS:.2f}); per week {week_ms:.0f} ms, per day {day_ms:.0f} ms")


def outcomes_throughput(server, services, total: int, per_call: int) -> None:
    query = (sa.select(sa.column("request_id"), sa.column("row")).select_from(sa.table("predictions"))
             .where(sa.column("actual").is_(None)).limit(total))
    with services.log.engine.connect() as conn:
        keys = conn.execute(query).all()
    if not keys:
        print("  outcomes: no unlabelled row to send")
        return
    bodies = [orjson.dumps([{"request_id": r, "row": n, "Pago_atiempo": (i % 7 != 0) * 1}
                            for i, (r, n) in enumerate(keys[start:start + per_call])])
              for start in range(0, len(keys), per_call)]
    client = server.test_client()
    for label in ("new outcomes", "same calls again (unchanged)"):
        started = time.perf_counter()
        for body in bodies:
            response = client.post("/outcomes", data=body, content_type="application/json")
            assert response.status_code == 200, response.get_data()[:300]
        seconds = time.perf_counter() - started
        rate = len(keys) / seconds
        print(f"  /outcomes {label}: {len(keys):,} outcomes in {len(bodies)} calls of ≤ {per_call:,}: "
              f"{rate:,.0f} outcomes/s — target ≥ {OUTCOMES_TARGET:,.0f}: ratio {rate / OUTCOMES_TARGET:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", required=True, type=Path)
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL",
                                                           "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--outcomes", type=int, default=100_000)
    parser.add_argument("--per-call", type=int, default=10_000)
    parser.add_argument("--database-url", help="use (and keep) this database instead of a fresh one")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as folder:
            url, drop = (args.database_url, lambda: None) if args.database_url else database(backend, args.pg_url,
                                                                                             folder)
            try:
                server = create_app(Settings(models_dir=args.models_dir, predictions_dir=folder, database_url=url,
                                             seed_holdout=False, max_batch_rows=max(args.per_call, 50_000)))
                services = server.extensions["credit_risk"]
                for size in (int(s) for s in args.sizes.split(",")):
                    present = services.log.count()
                    seconds = fill(services.scoring, size) if present < size else 0.0
                    print(f"{backend} · {size:,} logged rows (filled in {seconds:.0f} s)")
                    performance_views(services)
                    outcomes_throughput(server, services, args.outcomes, args.per_call)
            finally:
                drop()


if __name__ == "__main__":
    main()
