"""Benchmark of the dashboard services (Data Drift and Gráficas) on a large prediction log. Prints figures; not a test.

    .venv/bin/python benchmarks/bench_monitoring.py --models-dir /tmp/models [--rows 50000] [--repeats 5]

Synthetic loans only (seeded), scored by the real ScoringService into a temporary SQLite log (source
``batch``), on top of the hold-out rows seeded at start-up. Targets: a cold report (log read, JSON parse,
derived variables, PSI) under 2 s for 50k rows; a repeated render under 50 ms; a render after 100 new
API rows under 0.3 s (only the new rows are read); monthly / weekly / daily evolution under 0.5 s each.
The Gráficas figures time the five views its tab renders together (options, KPIs, timeline, score
distribution, performance), cold with a service of its own and with the app's services, cached, and after
100 new API rows. The peak resident memory of the process is printed last.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import Settings
from app.services import build_services
from app.services.drift.filters import DriftFilters
from app.services.performance.service import PerformanceFilters, PerformanceService
from modeling.config import LEAKAGE_COLUMNS, TARGET
from modeling.synthetic import generate_loans


def timed(action: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median and max seconds of ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def charts_render(performance: PerformanceService) -> None:
    """The views the Gráficas tab asks for on one render with its default filters."""
    filters = PerformanceFilters()
    performance.options()
    performance.summary(filters)
    performance.timeline(filters)
    performance.score_distribution(filters)
    performance.performance(filters)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", required=True, type=Path)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        services = build_services(Settings(models_dir=args.models_dir, predictions_dir=folder))
        loans = generate_loans(n_rows=args.rows, seed=123).drop(columns=[*LEAKAGE_COLUMNS, TARGET], errors="ignore")
        started = time.perf_counter()
        services.scoring.score_frame(loans, source="batch")
        print(f"log written: {services.log.count():,} rows in {time.perf_counter() - started:.1f} s")
        monitoring, filters = services.monitoring, DriftFilters()

        started = time.perf_counter()
        view = monitoring.report(filters)
        print(f"cold report ({view.n_rows:,} rows, {len(view.table)} variables): {time.perf_counter() - started:.3f} s")
        median, worst = timed(lambda: monitoring.report(filters), args.repeats)
        print(f"repeated render (cached): median {median * 1000:.1f} ms, max {worst * 1000:.1f} ms")

        def grow() -> None:
            services.scoring.score_frame(loans.head(100), source="api")
            monitoring.report(filters)
        median, worst = timed(grow, args.repeats)
        print(f"100 new API rows + render (incremental read): median {median:.3f} s, max {worst:.3f} s")

        narrower = DriftFilters(sources=("batch",), start="2025-03-01", end="2025-09-30")
        median, worst = timed(lambda: monitoring.report(narrower), 1)
        print(f"new filter (date range, one source), warm rows: {median:.3f} s")
        for freq in ("M", "W", "D", 1000):
            started = time.perf_counter()
            windows = monitoring.evolution(filters, freq)["window"].nunique()
            print(f"evolution freq={freq!r}: {windows} windows in {time.perf_counter() - started:.3f} s")

        median, _ = timed(lambda: charts_render(PerformanceService(services.bundle, services.log)), 1)
        print(f"Gráficas cold render, service of its own: {median:.3f} s")
        median, _ = timed(lambda: charts_render(services.performance), 1)
        print(f"Gráficas first render with the app's services (after Data Drift): {median:.3f} s")
        median, worst = timed(lambda: charts_render(services.performance), args.repeats)
        print(f"Gráficas repeated render (cached): median {median * 1000:.1f} ms, max {worst * 1000:.1f} ms")

        def grow_both() -> None:
            services.scoring.score_frame(loans.head(100), source="api")
            charts_render(services.performance)
            monitoring.report(filters)
        median, worst = timed(grow_both, args.repeats)
        print(f"100 new API rows + Gráficas and Data Drift renders: median {median:.3f} s, max {worst:.3f} s")
        services.log.dispose()
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
