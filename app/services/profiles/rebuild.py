"""Rebuild the profiles of an existing log from its rows: one streamed pass, bounded memory, all cores.

Each version's id range is cut into chunks of ``chunk_rows`` ids; worker processes (forked, one per core) read a
chunk in one statement (:mod:`app.services.profiles.chunks`) and turn it into fragments; the parent merges them
per (version, source, day) — memory grows with days × cells, never with rows. The swap is one transaction that
first blocks writers (PostgreSQL: table locks; SQLite: ``BEGIN IMMEDIATE``), adds the rows logged since the pass
started, checks that no row committed late behind the pass (else the pass runs again), then replaces the rebuilt
versions' fragments. Versions whose bundle cannot be loaded keep their fragments.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.services.log.bulk import insert_dicts
from app.services.log.engine import create_log_engine
from app.services.log.store import PredictionLog
from app.services.log.tables import predictions, profile_fragments
from app.services.profiles.accumulate import Accumulator
from app.services.profiles.build import GroupedCounts, count_rows
from app.services.profiles.chunks import RowChunk, read_chunk
from app.services.profiles.layout import ProfileLayout
from app.services.profiles.rows import scored_rows
from app.services.profiles.store import ProfileStore
from app.services.profiles.survey import id_span, model_versions, request_rows, version_rows
from modeling.artifacts import Bundle

logger = logging.getLogger(__name__)
CHUNK_ROWS = 100_000
MAX_PASSES = 3
_P = predictions.c
_Versions = dict[str, tuple[Bundle, ProfileLayout]]
_worker: dict[str, Any] = {}  # per worker process: its own engine, the layouts and request sizes (see _start_worker)


@dataclass
class RebuildReport:
    """What a rebuild did: rows per rebuilt version, rows of versions skipped (no bundle), fragments written."""

    rows: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    fragments: int = 0
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def rebuild_profiles(log: PredictionLog, load_bundle: Callable[[str], Bundle | None], *,
                     chunk_rows: int = CHUNK_ROWS, workers: int | None = None) -> RebuildReport:
    """Rebuild every version's profiles from the log's rows (versions ``load_bundle`` returns None for are kept);
    ``workers`` processes (default: one per core; 1 = in this process)."""
    started = time.perf_counter()
    store = ProfileStore(log.engine)
    with log.engine.connect() as conn:
        versions = model_versions(conn)
    contexts: _Versions = {}
    report = RebuildReport()
    for version in versions:
        bundle = load_bundle(version)
        if bundle is None:
            with log.engine.connect() as conn:
                report.skipped[version] = count = version_rows(conn, version)
            logger.warning("rebuild-profiles: no bundle for %s; its %d rows keep their profiles", version, count)
            continue
        layout = ProfileLayout.for_bundle(version, bundle.reference_profile, bundle.risk_bands["labels"])
        store.register(layout)
        contexts[version] = (bundle, store.layout(version) or layout)
    for _ in range(MAX_PASSES):
        if _one_pass(log, contexts, chunk_rows, workers or os.cpu_count() or 1, report):
            break
    else:
        raise RuntimeError("rebuild-profiles: rows kept committing behind the pass; try again when writes are quieter")
    report.seconds = time.perf_counter() - started
    return report


def _one_pass(log: PredictionLog, contexts: _Versions, chunk_rows: int, workers: int, report: RebuildReport) -> bool:
    with log.engine.connect() as conn:
        top = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(_P.id), 0))).scalar_one())
        spans = {version: id_span(conn, version, top) for version in contexts}
        multi = request_rows(conn)
    tasks = [(version, after, min(after + chunk_rows, span[1])) for version, span in spans.items() if span
             for after in range(span[0] - 1, span[1], chunk_rows)]
    accumulated = {version: Accumulator(layout) for version, (_, layout) in contexts.items()}
    streamed = 0
    report.rows.clear()
    for version, rows, counted in _profiled(log.engine, contexts, multi, tasks, workers):
        streamed += rows
        report.rows[version] = report.rows.get(version, 0) + rows
        accumulated[version].add(counted)
    with log.engine.connect() as conn:
        _lock_writers(conn)
        behind = conn.execute(sa.select(sa.func.count()).where(_P.id <= top, _P.model_version.in_(list(contexts))))
        if behind.scalar_one() != streamed:
            conn.rollback()
            return False
        multi.update(request_rows(conn, after=top))
        for version, (bundle, layout) in contexts.items():
            tail = read_chunk(conn, version, multi, after=top)
            if len(tail):
                accumulated[version].add(_counted(bundle, layout, tail))
                report.rows[version] = report.rows.get(version, 0) + len(tail)
        if contexts:
            conn.execute(sa.delete(profile_fragments).where(profile_fragments.c.model_version.in_(list(contexts))))
        rows = [fragment.row() for version, sums in accumulated.items() for fragment in sums.fragments(version)]
        insert_dicts(conn, profile_fragments, rows)
        conn.commit()
    report.fragments = len(rows)
    return True


def _profiled(engine: Engine, contexts: _Versions, multi: dict[str, int], tasks: list[tuple[str, int, int]],
              workers: int) -> Iterator[tuple[str, int, GroupedCounts]]:
    """(version, rows, counts) of every chunk task, in worker processes when there are several tasks."""
    if workers <= 1 or len(tasks) <= 1:
        _worker.update(engine=engine, contexts=contexts, multi=multi)
        try:
            yield from map(_profile_task, tasks)
        finally:
            _worker.clear()
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=_start_worker, initargs=(engine, contexts, multi)) as pool:
        yield from pool.map(_profile_task, tasks)


def _start_worker(engine: Engine, contexts: _Versions, multi: dict[str, int]) -> None:
    """In a forked worker: drop the parent's pooled connections without closing them, open an engine of its own;
    Arrow parses on this worker's core only (the workers already use every core)."""
    engine.dispose(close=False)
    pa.set_cpu_count(1)
    _worker.update(engine=create_log_engine(engine.url.render_as_string(hide_password=False)),
                   contexts=contexts, multi=multi)


def _profile_task(task: tuple[str, int, int]) -> tuple[str, int, GroupedCounts]:
    version, after, until = task
    with _worker["engine"].connect() as conn:
        chunk = read_chunk(conn, version, _worker["multi"], after=after, until=until)
    bundle, layout = _worker["contexts"][version]
    return version, len(chunk), _counted(bundle, layout, chunk)


def _counted(bundle: Bundle, layout: ProfileLayout, chunk: RowChunk) -> GroupedCounts:
    profiled = scored_rows(bundle, layout, chunk.rows, chunk.request_rows, inputs=chunk.inputs,
                           warnings=chunk.warnings)
    return count_rows(layout, profiled)


def _lock_writers(conn: sa.Connection) -> None:
    """Block new predictions and folds until this connection commits."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("LOCK TABLE predictions IN SHARE ROW EXCLUSIVE MODE"))
        conn.execute(sa.text("LOCK TABLE profile_fragments IN EXCLUSIVE MODE"))
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
