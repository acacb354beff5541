"""The prediction log as the dashboards read it: one in-memory frame per process, kept up to date incrementally.

:class:`LogSnapshots` holds every logged row with the columns the Gráficas and Data Drift services use (all but
``warnings``) plus ``when`` (the loan date, else the scoring time). Each call costs one small query (row count,
max id, rows after the kept max id); when the log has changed, only the rows added after the kept max id are read
if every kept row is still there, otherwise the whole log is read again (a new *generation*). One thread reads at
a time, so callbacks firing together read the log once.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import sqlalchemy as sa

from app.services.log.tables import READ_DTYPES, predictions
from app.services.log.store import PredictionLog

SNAPSHOT_COLUMNS: tuple[str, ...] = tuple(c.name for c in predictions.columns if c.name != "warnings")
_CHUNK_ROWS = 1_000  # rows fetched at a time: short-lived row objects keep the garbage collector's old generation small
_TIMES = ("scored_at", "loan_date")  # read as driver values (text on SQLite), parsed in one vectorised call


class Stamp(NamedTuple):
    """Identifies a snapshot's rows: read generation, row count and largest id (0 when empty)."""

    generation: int
    rows: int
    max_id: int


@dataclass(frozen=True)
class LogSnapshot:
    """Logged rows in id order (``SNAPSHOT_COLUMNS`` plus ``when``) and their stamp; treat ``frame`` as read-only."""

    stamp: Stamp
    frame: pd.DataFrame

    @classmethod
    def of(cls, generation: int, frame: pd.DataFrame) -> LogSnapshot:
        max_id = int(frame["id"].iloc[-1]) if len(frame) else 0
        return cls(Stamp(generation, len(frame), max_id), frame)

    def rows_after(self, earlier: Stamp) -> pd.DataFrame | None:
        """The rows added since a snapshot stamped ``earlier`` (same selection) when it only grew; else None."""
        if earlier.generation != self.stamp.generation:
            return None
        kept = int(np.searchsorted(self.frame["id"].to_numpy(), earlier.max_id, side="right"))
        return self.frame.iloc[kept:] if kept == earlier.rows else None


class LogSnapshots:
    """The latest snapshot of one :class:`PredictionLog`, whole or for one model version; thread-safe."""

    def __init__(self, log: PredictionLog) -> None:
        self.log = log
        self._whole: LogSnapshot | None = None
        self._versions: dict[str, LogSnapshot] = {}  # views of ``_whole``, emptied when it changes
        self._lock = threading.Lock()

    def latest(self, model_version: str | None = None) -> LogSnapshot:
        """The log's rows as of now (those of ``model_version`` only, unless None)."""
        while True:
            kept = self._whole  # replaced on change, never modified
            rows, max_id, added = self._log_state(kept.stamp.max_id if kept is not None else 0)
            with self._lock:
                if self._whole is not kept:  # refreshed by another caller meanwhile: check again against it
                    continue
                if kept is None or kept.stamp[1:] != (rows, max_id):
                    self._whole = self._refreshed(kept, kept_rows_left=rows - added)
                    self._versions = {}
                return self._view(self._whole, model_version)

    def _view(self, whole: LogSnapshot, model_version: str | None) -> LogSnapshot:
        if model_version is None:
            return whole
        if model_version in self._versions:
            return self._versions[model_version]
        mine = whole.frame["model_version"].to_numpy() == model_version
        view = LogSnapshot.of(whole.stamp.generation, whole.frame if mine.all() else whole.frame[mine])
        if mine.any():  # only versions present are kept, so asking for unknown ones cannot fill memory
            self._versions[model_version] = view
        return view

    def _refreshed(self, kept: LogSnapshot | None, kept_rows_left: int) -> LogSnapshot:
        """The log read again when rows up to the kept max id vanished, else the kept rows plus the new ones."""
        if kept is None:
            return LogSnapshot.of(0, self._read())
        if kept_rows_left != kept.stamp.rows:
            return LogSnapshot.of(kept.stamp.generation + 1, self._read())
        new = self._read(after_id=kept.stamp.max_id)
        if new.empty:
            return kept
        frame = new if kept.frame.empty else pd.concat([kept.frame, new], ignore_index=True)
        return LogSnapshot.of(kept.stamp.generation, frame)

    def _log_state(self, after_id: int) -> tuple[int, int, int]:
        """Row count, max id (0 when empty) and rows with ``id > after_id``, from one consistent statement."""
        table, row_id = predictions, predictions.c.id
        query = sa.select(sa.select(sa.func.count()).select_from(table).scalar_subquery(),
                          sa.select(sa.func.max(row_id)).scalar_subquery(),
                          sa.select(sa.func.count()).select_from(table).where(row_id > after_id).scalar_subquery())
        with self.log.engine.connect() as conn:
            rows, max_id, added = conn.execute(query).one()
        return int(rows), int(max_id or 0), int(added)

    def _read(self, after_id: int | None = None) -> pd.DataFrame:
        """Rows with ``id > after_id`` (all when None) in id order, typed, with ``when``."""
        selected = [sa.type_coerce(predictions.c[name], sa.String).label(name) if name in _TIMES
                    else predictions.c[name] for name in SNAPSHOT_COLUMNS]
        query = sa.select(*selected).order_by(predictions.c.id)
        if after_id is not None:
            query = query.where(predictions.c.id > after_id)
        columns: list[list[object]] = [[] for _ in SNAPSHOT_COLUMNS]
        with self.log.engine.connect() as conn:
            for chunk in conn.execute(query).partitions(_CHUNK_ROWS):
                for values, column in zip(columns, zip(*chunk, strict=True), strict=True):
                    values.extend(column)
        frame = pd.DataFrame({name: np.array(values, dtype=object)
                              for name, values in zip(SNAPSHOT_COLUMNS, columns, strict=True)})
        for name in _TIMES:
            frame[name] = pd.to_datetime(frame[name], format="ISO8601")
        frame = frame.astype(READ_DTYPES)
        frame["when"] = frame["loan_date"].fillna(frame["scored_at"])
        return frame
