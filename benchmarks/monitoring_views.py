"""One fresh app process for ``bench_monitoring.py``: a gunicorn worker's start-up (``create_app`` after the
master's imports), every Gráficas / Data Drift / Logs view cold,
repeated and after 1,000 new rows, each evolution window; prints one JSON object. Not meant to be run alone.

    python benchmarks/monitoring_views.py MODELS_DIR DATABASE_URL PREDICTIONS_DIR
"""
from __future__ import annotations

import json
import resource
import runpy
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1e3


def rss_mb() -> float:
    """Resident memory now (not the peak), in MB."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 1e6


def views(services, selection) -> dict[str, Callable[[], object]]:
    """Every service call the Gráficas and Data Drift tabs make on one render, and a Logs page with its totals."""
    from app.services.log.query import LogQuery

    drift, performance, logs = services.drift, services.performance, services.logs
    query = LogQuery(selection=selection)
    return {
        "graficas.options": performance.options, "graficas.summary": lambda: performance.summary(selection),
        "graficas.timeline": lambda: performance.timeline(selection),
        "graficas.score_distribution": lambda: performance.score_distribution(selection),
        "graficas.performance": lambda: performance.performance(selection),
        "drift.report": lambda: drift.report(selection),
        "drift.variable": lambda: drift.variable(selection, "capital_prestado"),
        "drift.evolution": lambda: drift.evolution(selection),
        "logs.first_page": lambda: logs.page(query, size=100), "logs.totals": lambda: logs.totals(query),
    }


def main() -> None:
    models_dir, url, predictions_dir = sys.argv[1:4]
    started = time.perf_counter()
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))  # what the gunicorn master imports once, before forking workers
    from app import create_app
    from app.config import Settings
    from app.services.selection import Selection

    imported = time.perf_counter()
    server = create_app(Settings(models_dir=models_dir, predictions_dir=predictions_dir, database_url=url,
                                 seed_holdout=False))
    figures: dict[str, object] = {"imports_s": imported - started, "startup_s": time.perf_counter() - imported,
                                  "rss_after_start_mb": rss_mb()}
    services = server.extensions["credit_risk"]
    selection = Selection()
    calls = views(services, selection)
    figures["first_ms"] = {name: ms(call) for name, call in calls.items()}
    figures["repeated_ms"] = {name: min(ms(call) for _ in range(5)) for name, call in calls.items()}
    figures["rss_after_views_mb"] = rss_mb()
    import numpy as np
    from log_fill import chunk, make_pool

    pool = make_pool(services.scoring, rows=2_000)
    rows, fragments = chunk(services.scoring, pool, 1_000, np.random.default_rng(99), serial=10**6)
    services.log.append(rows, fragments=fragments)
    figures["after_1000_rows_ms"] = {name: ms(call) for name, call in calls.items()}
    figures["evolution_ms"] = {window: ms(lambda w=window: services.drift.evolution(Selection(window=w)))
                               for window in ("month", "week", "day")}
    figures["timeline_ms"] = {window: ms(lambda w=window: services.performance.timeline(Selection(window=w)))
                              for window in ("month", "week", "day")}
    figures["rss_end_mb"] = rss_mb()
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
