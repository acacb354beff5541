"""Rebuild the profiles of an existing log from its rows: one streamed pass in id order, bounded memory.

Rows are read in keyset chunks (``id > last``), turned into fragments per model version and merged per
(version, source, day) in memory — the merged counts grow with days × cells, never with rows. The swap is one
transaction that first blocks writers (PostgreSQL: table locks; SQLite: ``BEGIN IMMEDIATE``), adds the rows
logged since the pass started, checks that no row committed late behind the pass (else the pass runs again),
then replaces the rebuilt versions' fragments. Versions whose bundle cannot be loaded keep their fragments.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by

from app.services.log.store import PredictionLog
from app.services.log.tables import predictions, profile_fragments
from app.services.profiles.build import build_fragments
from app.services.profiles.fragment import Fragment, merge
from app.services.profiles.layout import ProfileLayout
from app.services.profiles.rows import scored_rows
from app.services.profiles.store import ProfileStore
from modeling.artifacts import Bundle

logger = logging.getLogger(__name__)
CHUNK_ROWS = 50_000
MAX_PASSES = 3
_P = predictions.c
_TIMES = ("scored_at", "loan_date", "day")  # read as driver values (text on SQLite), parsed in one vectorised call
_READ = tuple(sa.type_coerce(_P[name], sa.String).label(name) if name in _TIMES else _P[name] for name in (
    "id", "request_id", "scored_at", "loan_date", "day", "source", "model_version", "prob_default",
    "Pago_atiempo_pred", "risk_band", "latency_ms", "actual"))


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


class _Accumulator:
    """Fragments merged per (version, source, day)."""

    def __init__(self) -> None:
        self.merged: dict[tuple, Fragment] = {}

    def add(self, fragments: list[Fragment]) -> None:
        for fragment in fragments:
            key = (fragment.model_version, fragment.source, fragment.day)
            kept = self.merged.get(key)
            self.merged[key] = fragment if kept is None else merge([kept, fragment])


def rebuild_profiles(log: PredictionLog, load_bundle: Callable[[str], Bundle | None], *,
                     chunk_rows: int = CHUNK_ROWS) -> RebuildReport:
    """Rebuild every version's profiles from the log's rows (versions ``load_bundle`` returns None for are kept)."""
    started = time.perf_counter()
    store = ProfileStore(log.engine)
    with log.engine.connect() as conn:
        versions = dict(conn.execute(sa.select(_P.model_version, sa.func.count()).group_by(_P.model_version)).all())
    layouts: dict[str, tuple[Bundle, ProfileLayout]] = {}
    report = RebuildReport()
    for version, count in versions.items():
        bundle = load_bundle(version)
        if bundle is None:
            report.skipped[version] = int(count)
            logger.warning("rebuild-profiles: no bundle for %s; its %d rows keep their profiles", version, count)
            continue
        layout = ProfileLayout.for_bundle(version, bundle.reference_profile, bundle.risk_bands["labels"])
        store.register(layout)
        layouts[version] = (bundle, store.layout(version) or layout)
    for _ in range(MAX_PASSES):
        if _one_pass(log, layouts, chunk_rows, report):
            break
    else:
        raise RuntimeError("rebuild-profiles: rows kept committing behind the pass; try again when writes are quieter")
    report.seconds = time.perf_counter() - started
    return report


def _one_pass(log: PredictionLog, layouts: dict, chunk_rows: int, report: RebuildReport) -> bool:
    with log.engine.connect() as conn:
        top = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(_P.id), 0))).scalar_one())
        multi = _request_rows(conn)
    accumulated, streamed = _Accumulator(), 0
    for version in layouts:
        for chunk in _chunks(log, version, after=0, until=top, size=chunk_rows):
            streamed += len(chunk.rows)
            _add_chunk(chunk, layouts[version], multi, accumulated, report)
    with log.engine.connect() as conn:
        _lock_writers(conn)
        behind = conn.execute(sa.select(sa.func.count()).where(_P.id <= top, _P.model_version.in_(list(layouts))))
        if behind.scalar_one() != streamed:
            conn.rollback()
            report.rows.clear()
            return False
        for version in layouts:
            tail = _read_chunk(conn, version, after=top, until=None, size=None)
            if len(tail.rows):
                multi.update(_request_rows(conn, tail.rows["request_id"].unique().tolist()))
                _add_chunk(tail, layouts[version], multi, accumulated, report)
        if layouts:
            conn.execute(sa.delete(profile_fragments).where(profile_fragments.c.model_version.in_(list(layouts))))
        rows = [fragment.row() for fragment in accumulated.merged.values()]
        if rows:
            conn.execute(profile_fragments.insert(), rows)
        conn.commit()
    report.fragments = len(rows)
    return True


@dataclass(frozen=True)
class _Chunk:
    """Rows of one version (text columns left out) with their ``inputs`` joined by newlines and ``warnings``."""

    rows: pd.DataFrame
    inputs: bytes
    warnings: pa.Array


def _add_chunk(chunk: _Chunk, context: tuple[Bundle, ProfileLayout], multi: dict[str, int],
               accumulated: _Accumulator, report: RebuildReport) -> None:
    bundle, layout = context
    profiled = scored_rows(bundle, layout, chunk.rows, multi, inputs=chunk.inputs, warnings=chunk.warnings)
    accumulated.add(build_fragments(layout, profiled))
    report.rows[layout.model_version] = report.rows.get(layout.model_version, 0) + len(chunk.rows)


def _chunks(log: PredictionLog, version: str, *, after: int, until: int, size: int) -> Iterator[_Chunk]:
    """The version's rows with ``after < id <= until`` in id order, ``size`` at a time (keyset queries)."""
    while after < until:
        with log.engine.connect() as conn:
            chunk = _read_chunk(conn, version, after=after, until=until, size=size)
        if chunk.rows.empty:
            return
        after = int(chunk.rows["id"].iloc[-1])
        yield chunk


def _read_chunk(conn: sa.Connection, version: str, *, after: int, until: int | None, size: int | None) -> _Chunk:
    """One keyset chunk: the plain columns row by row, the two JSON text columns as one joined string each (no
    per-row text objects). Should the two reads disagree (a row committed between them), it is read again."""
    where = [_P.model_version == version, _P.id > after] + ([_P.id <= until] if until is not None else [])
    result = conn.execute(sa.select(*_READ).where(*where).order_by(_P.id).limit(size))
    rows = _frame(result)
    if rows.empty:
        return _Chunk(rows, b"", pa.array([], pa.string()))
    last = int(rows["id"].iloc[-1])
    span = [_P.model_version == version, _P.id > after, _P.id <= last]
    if conn.dialect.name == "postgresql":
        newline = sa.literal_column("E'\\n'")
        joined = sa.select(*(sa.func.string_agg(c, aggregate_order_by(newline, _P.id))
                             for c in (_P.inputs, _P.warnings))).where(*span)
    else:
        ordered = sa.select(_P.inputs, _P.warnings).where(*span).order_by(_P.id).subquery()
        joined = sa.select(*(sa.func.group_concat(ordered.c[c], "\n") for c in ("inputs", "warnings")))
    inputs, warnings = conn.execute(joined).one()
    split = pc.split_pattern(pa.array([warnings], pa.string()), "\n").flatten()
    if len(split) != len(rows) or inputs.count("\n") + 1 != len(rows):
        return _read_chunk(conn, version, after=after, until=last, size=None)
    return _Chunk(rows, inputs.encode("utf-8"), split)


def _frame(result: sa.Result) -> pd.DataFrame:
    """Result rows as a frame, times parsed in one call per column."""
    frame = pd.DataFrame.from_records(result.cursor.fetchall(), columns=list(result.keys()))
    for name in _TIMES:
        frame[name] = pd.to_datetime(frame[name], format="ISO8601")
    return frame.astype({"id": "int64", "prob_default": "float64", "latency_ms": "float64",
                         "Pago_atiempo_pred": "int64"})


def _request_rows(conn: sa.Connection, requests: list[str] | None = None) -> dict[str, int]:
    """Rows per request for the requests that logged more than one row (batches, hold-out seeding); only
    ``requests`` when given."""
    query = sa.select(_P.request_id, sa.func.count()).group_by(_P.request_id).having(sa.func.count() > 1)
    if requests is not None:
        query = query.where(_P.request_id.in_(requests))
    return {str(request): int(n) for request, n in conn.execute(query)}


def _lock_writers(conn: sa.Connection) -> None:
    """Block new predictions and folds until this connection commits."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("LOCK TABLE predictions IN SHARE ROW EXCLUSIVE MODE"))
        conn.execute(sa.text("LOCK TABLE profile_fragments IN EXCLUSIVE MODE"))
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
