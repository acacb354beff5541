"""Benchmark of the Logs tab's queries on a large prediction log. Prints figures; not a test.

    .venv/bin/python benchmarks/bench_logs.py [--rows 1000000] [--models-dir models] [--keep PATH]

Builds a temporary SQLite log: a few thousand synthetic loans scored by the real ScoringService (hold-out,
API and batch sources), then doubled with ``INSERT … SELECT`` until it holds ``--rows`` rows, and the
``profile_fragments`` rows the filter controls read. Without a bundle in ``--models-dir`` a fast one is
trained into a temporary folder first. For each query it prints the first page, a middle page reached by a
cursor, the last page, a jump by offset, the totals, and the export's rows per second and memory growth.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from app.services.log.browse import LogService
from app.services.log.query import LogQuery, parse_query
from app.services.log.store import PredictionLog
from app.services.log.tables import LOG_COLUMNS
from app.services.scoring.service import ScoringService
from modeling.artifacts import BundleNotFoundError, load_bundle
from modeling.data.columns import TARGET
from modeling.synthetic import generate_loans

SEED_ROWS = 4_000
PAGE = 100


def seconds(action: Callable[[], object], repeats: int = 3) -> float:
    """Best of ``repeats`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def measure(service: LogService, query: LogQuery, *, export_rows: int | None = None) -> dict[str, float]:
    """Milliseconds of the first page, a middle page reached by cursor, the last page, a jump by offset to the
    middle and the totals; the export's rows per second and the growth of resident memory while it ran, in MB
    (the export stops after ``export_rows`` rows when given)."""
    totals = service.totals(query)
    middle = totals.count // 2
    cursor = service.page(query, skip=max(middle - PAGE, 0), size=PAGE).last_id
    figures = {"rows": float(totals.count),
               "first_page_ms": seconds(lambda: service.page(query, size=PAGE)) * 1e3,
               "middle_page_by_cursor_ms": seconds(lambda: service.page(query, before_id=cursor, size=PAGE)) * 1e3,
               "last_page_ms": seconds(lambda: service.page(query, last=True, size=PAGE)) * 1e3,
               "jump_to_middle_by_offset_ms": seconds(lambda: service.page(query, skip=middle, size=PAGE), 1) * 1e3,
               "totals_ms": seconds(lambda: service.totals(query), 1) * 1e3}
    before = peak = resident_mb()
    started, rows = time.perf_counter(), -1  # the header line is not a row
    for piece in service.export(query):
        rows += piece.count(b"\n")
        peak = max(peak, resident_mb())
        if export_rows is not None and rows >= export_rows:
            break
    elapsed = time.perf_counter() - started
    figures.update(export_rows=float(rows), export_rows_per_s=rows / elapsed if elapsed else 0.0,
                   export_memory_growth_mb=peak - before)
    return figures


def resident_mb() -> float:
    """Proportional resident memory (PSS: shared pages split between their users) of this process and its children
    (the SQLite export's reader), in MB (Linux ``/proc``)."""
    children = " ".join(p.read_text() for p in Path("/proc/self/task").glob("*/children")).split()
    kilobytes = 0
    for pid in ["self", *children]:
        with contextlib.suppress(OSError, StopIteration):  # a child that has just ended
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
            kilobytes += int(next(line for line in rollup if line.startswith("Pss:")).split()[1])
    return kilobytes / 1e3


def build_log(url: str, models_dir: Path, n_rows: int) -> PredictionLog:
    """A log of about ``n_rows`` rows: real scoring of ``SEED_ROWS`` loans, then doubled in SQL."""
    log = PredictionLog.from_url(url)
    scoring = ScoringService(load_bundle(models_dir), log)
    loans = generate_loans(n_rows=SEED_ROWS, seed=21)
    third = SEED_ROWS // 3
    scoring.score_frame(loans.iloc[:third], source="holdout", actual=loans[TARGET].iloc[:third])
    scoring.score_frame(loans.iloc[third:2 * third], source="batch")
    for start in range(2 * third, SEED_ROWS, 50):
        scoring.score_frame(loans.iloc[start:start + 50], source="api")
    columns = ", ".join(f'"{c}"' for c in (*LOG_COLUMNS, "day"))
    with log.engine.begin() as conn:
        count = conn.execute(sa.text("SELECT count(*) FROM predictions")).scalar_one()
        while count < n_rows:
            limit = min(count, n_rows - count)
            copied = columns.replace('"request_id"', f"printf('%s-%d', substr(request_id, 1, 32), id + {count})")
            conn.execute(sa.text(f"INSERT INTO predictions ({columns}) SELECT {copied} FROM predictions "
                                 f"ORDER BY id LIMIT {limit}"))  # each copy its own request id: (request_id, row)
            count += limit
        if not conn.execute(sa.text("SELECT count(*) FROM profile_fragments")).scalar_one():  # no profile writer
            conn.execute(sa.text("INSERT INTO profile_fragments (model_version, source, day, rows, counts, sums) "
                                 "SELECT model_version, source, day, count(*), X'', X'' FROM predictions "
                                 "GROUP BY model_version, source, day"))
    return log


def bundle_dir(models_dir: Path, scratch: Path) -> Path:
    """``models_dir`` when it holds a bundle, else a fast bundle trained into ``scratch``."""
    try:
        load_bundle(models_dir)
        return models_dir
    except BundleNotFoundError:
        from modeling.train import TrainOptions, train
        print(f"no bundle in {models_dir}: training a fast one (2 trials, 3 folds)")
        train(TrainOptions(models_dir=scratch, trials=2, folds=3))
        return scratch


QUERIES = {
    "no filter": {},
    "source api": {"sources": ["api"]},
    "sources api+batch": {"sources": ["api", "batch"]},
    "band Alto": {"bands": ["Alto"]},
    "predicted 0": {"predicted": [0]},
    "one month": {"start": "2025-03-01", "end": "2025-03-31"},
    "source batch, bands Medio+Alto, 6 months": {"sources": ["batch"], "bands": ["Medio", "Alto"],
                                                  "start": "2025-01-01", "end": "2025-06-30"},
    "request_id prefix": {"request_id": "b"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--models-dir", type=Path, default=Path("models"))
    parser.add_argument("--keep", type=Path, help="build (or reuse) the SQLite file here instead of a temporary one")
    parser.add_argument("--export-rows", type=int, default=None, help="stop each export after this many rows")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        models_dir = bundle_dir(args.models_dir, Path(folder) / "models")
        path = args.keep or Path(folder) / "log.sqlite"
        started = time.perf_counter()
        if path.exists():
            log = PredictionLog.from_url(f"sqlite:///{path}")
        else:
            log = build_log(f"sqlite:///{path}", models_dir, args.rows)
        size_mb, built_s = path.stat().st_size / 1e6, time.perf_counter() - started
        print(f"log: {log.count():,} rows in {size_mb:,.0f} MB ({built_s:.0f} s)")
        bundle = load_bundle(models_dir)
        labels = bundle.risk_bands["labels"]
        service = LogService(log, labels, bundle.model_version)
        print(f"options (profile_fragments): {seconds(service.options) * 1e3:.1f} ms")
        for name, values in QUERIES.items():
            figures = measure(service, parse_query(version="*", band_labels=labels, **values),
                              export_rows=args.export_rows)
            print(f"{name}: " + ", ".join(f"{k} {v:,.1f}" for k, v in figures.items()))
        log.dispose()


if __name__ == "__main__":
    main()
