"""SQLite log writes beside a busy Python thread: the log's multi-row INSERT statements against the ``executemany``
they replaced, in the same run. Prints figures; not a test.

    .venv/bin/python benchmarks/bench_write_contention.py [--models-dir models] [--rows 2000]

``sqlite3``'s ``executemany`` releases the GIL around each row's step and waits to win it back; while another
thread runs Python (a request being validated, a batch job scoring its next chunk) that wait is the interpreter's
switch interval (5 ms) per row. The rows are real: records from the bundle's hold-out period, scored by the service.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.services import build_services  # noqa: E402
from app.services.log import store  # noqa: E402
from benchmarks.bench_api import sample_records  # noqa: E402


def executemany(conn, table, columns, rows, n) -> None:
    """The replaced path: one ``executemany`` of every row."""
    quote = conn.dialect.identifier_preparer.quote
    conn.exec_driver_sql(f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
                         f"VALUES ({', '.join('?' * len(columns))})", list(rows))


def busy(stop: threading.Event) -> None:
    """Python bytecode without pause, as a thread scoring or parsing does."""
    while not stop.is_set():
        sum(range(1000))


def write_ms(log, rows, *, beside_busy_thread: bool) -> float:
    stop = threading.Event()
    thread = threading.Thread(target=busy, args=(stop,))
    if beside_busy_thread:
        thread.start()
    started = time.perf_counter()
    log.append({**rows, "request_id": uuid.uuid4().hex})
    elapsed = (time.perf_counter() - started) * 1000
    stop.set()
    if beside_busy_thread:
        thread.join()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", default=os.environ.get("MODELS_DIR", "models"))
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    services = build_services(Settings(models_dir=Path(args.models_dir), seed_holdout=False,
                                       predictions_dir=Path(tempfile.mkdtemp(prefix="bench_contention_"))))
    _, write = services.scoring.prepare_records(sample_records(services, args.rows))
    print(f"{args.rows:,} rows per write, median of {args.repeat}; "
          f"switch interval {sys.getswitchinterval() * 1000:g} ms")
    log_path = store.insert_rows_sqlite
    for label, path in (("multi-row INSERT (the log's path)", log_path), ("executemany (before)", executemany)):
        store.insert_rows_sqlite = path
        alone = statistics.median(write_ms(services.log, write.rows, beside_busy_thread=False)
                                  for _ in range(args.repeat))
        contended = statistics.median(write_ms(services.log, write.rows, beside_busy_thread=True)
                                      for _ in range(args.repeat))
        print(f"{label:36s} alone {alone:9.1f} ms · beside a busy thread {contended:9.1f} ms "
              f"({contended / alone:.1f}×)")
    store.insert_rows_sqlite = log_path


if __name__ == "__main__":
    main()
