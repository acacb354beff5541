"""The prediction log as the dashboards read it: one in-memory frame per process, kept up to date incrementally.

:class:`LogSnapshots` holds every logged row with the columns the Gráficas and Data Drift services use (all but
``warnings``) plus ``when`` (the loan date, else the scoring time). Each call costs one ``COUNT``/``MAX`` query;
when the log has changed since the last read, only the rows added after the kept max id are read if every kept
row is still there, otherwise the whole log is read again (a new *generation*). One thread reads at a time, so
callbacks firing together read the log once.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import sqlalchemy as sa

from app.services.log_tables import READ_DTYPES, predictions
from app.services.prediction_log import PredictionLog

SNAPSHOT_COLUMNS: tuple[str, ...] = tuple(c.name for c in predictions.columns if c.name != "warnings")
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
        rows, max_id = self._count_and_max_id()
        with self._lock:
            if self._whole is None or self._whole.stamp[1:] != (rows, max_id):
                self._whole = self._refreshed(self._whole)
                self._versions = {}
            if model_version is None:
                return self._whole
            if model_version not in self._versions:
                frame = self._whole.frame
                mine = frame["model_version"].to_numpy() == model_version
                self._versions[model_version] = LogSnapshot.of(self._whole.stamp.generation,
                                                               frame if mine.all() else frame[mine])
            return self._versions[model_version]

    def _refreshed(self, kept: LogSnapshot | None) -> LogSnapshot:
        if kept is None:
            return LogSnapshot.of(0, self._read())
        if not self._all_kept_rows_remain(kept.stamp):
            return LogSnapshot.of(kept.stamp.generation + 1, self._read())
        new = self._read(after_id=kept.stamp.max_id)
        if new.empty:
            return kept
        frame = new if kept.frame.empty else pd.concat([kept.frame, new], ignore_index=True)
        return LogSnapshot.of(kept.stamp.generation, frame)

    def _count_and_max_id(self) -> tuple[int, int]:
        query = sa.select(sa.func.count(), sa.func.max(predictions.c.id))
        with self.log.engine.connect() as conn:
            rows, max_id = conn.execute(query).one()
        return int(rows), int(max_id or 0)

    def _all_kept_rows_remain(self, stamp: Stamp) -> bool:
        query = sa.select(sa.func.count()).where(predictions.c.id <= stamp.max_id)
        with self.log.engine.connect() as conn:
            return int(conn.execute(query).scalar_one()) == stamp.rows

    def _read(self, after_id: int | None = None) -> pd.DataFrame:
        """Rows with ``id > after_id`` (all when None) in id order, typed, with ``when``."""
        columns = [sa.type_coerce(predictions.c[name], sa.String).label(name) if name in _TIMES
                   else predictions.c[name] for name in SNAPSHOT_COLUMNS]
        query = sa.select(*columns).order_by(predictions.c.id)
        if after_id is not None:
            query = query.where(predictions.c.id > after_id)
        with self.log.engine.connect() as conn:
            result = conn.execute(query)
            frame = pd.DataFrame(result.all(), columns=list(result.keys()))
        for name in _TIMES:
            frame[name] = pd.to_datetime(frame[name], format="ISO8601")
        frame = frame.astype(READ_DTYPES)
        frame["when"] = frame["loan_date"].fillna(frame["scored_at"])
        return frame
