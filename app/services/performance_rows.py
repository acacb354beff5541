"""Reading the prediction-log rows the performance service works on, with the filters applied in SQL.

Per filter the last frame read is kept with the log stamp it was read at. When the log has only grown since
(the rows added after the cached max id account for the whole change in count), only those new rows are read
and appended; otherwise the frame is read again.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa

from app.services.log_tables import predictions
from app.services.prediction_log import PredictionLog

COLUMNS = ("id", "request_id", "scored_at", "loan_date", "source", "prob_default", "Pago_atiempo_pred", "risk_band",
           "latency_ms", "actual")
_TIMES = ("scored_at", "loan_date")  # read as driver values (text on SQLite), parsed in one vectorised call
_DTYPES = {"id": "int64", "scored_at": "datetime64[ns]", "loan_date": "datetime64[ns]", "prob_default": "float64",
           "Pago_atiempo_pred": "int64", "latency_ms": "float64", "actual": "Int64"}
WHEN = sa.func.coalesce(predictions.c.loan_date, predictions.c.scored_at)

Stamp = tuple[int, int | None]


class LogRows:
    """Filtered log rows as a frame (``COLUMNS`` plus ``when`` = loan date, else scoring time)."""

    def __init__(self, log: PredictionLog, filters_kept: int = 4) -> None:
        self.log = log
        self.filters_kept = filters_kept
        self._frames: OrderedDict[Hashable, tuple[Stamp, pd.DataFrame]] = OrderedDict()
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def stamp(self) -> Stamp:
        """(row count, max id) of the log: changes whenever rows are added or removed."""
        query = sa.select(sa.func.count(predictions.c.id), sa.func.max(predictions.c.id))
        with self.log.engine.connect() as conn:
            count, max_id = conn.execute(query).one()
        return int(count), max_id

    def frame(self, key: Hashable, conditions: list[Any], stamp: Stamp) -> pd.DataFrame:
        """Rows matching ``conditions`` (see :func:`conditions`) as of ``stamp``; ``key`` names the filters."""
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:  # callbacks firing together for the same filters read once
            with self._lock:
                cached = self._frames.get(key)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            if cached is not None and self._only_appended(cached[0], stamp):
                new = self._read(conditions, after_id=cached[0][1])
                frame = pd.concat([cached[1], new], ignore_index=True) if len(new) else cached[1]
            else:
                frame = self._read(conditions)
            with self._lock:
                self._frames[key] = (stamp, frame)
                self._frames.move_to_end(key)
                while len(self._frames) > self.filters_kept:
                    self._key_locks.pop(self._frames.popitem(last=False)[0], None)
        return frame

    def _only_appended(self, old: Stamp, new: Stamp) -> bool:
        if old[1] is None or new[1] is None or new[0] < old[0]:
            return False
        query = sa.select(sa.func.count(predictions.c.id)).where(predictions.c.id > old[1])
        with self.log.engine.connect() as conn:
            added = int(conn.execute(query).scalar_one())
        return added == new[0] - old[0]

    def _read(self, conditions: list[Any], after_id: int | None = None) -> pd.DataFrame:
        columns = [sa.type_coerce(predictions.c[name], sa.String).label(name) if name in _TIMES
                   else predictions.c[name] for name in COLUMNS]
        query = sa.select(*columns).where(*conditions).order_by(predictions.c.id)
        if after_id is not None:
            query = query.where(predictions.c.id > after_id)
        with self.log.engine.connect() as conn:
            result = conn.execute(query)
            frame = pd.DataFrame(result.all(), columns=list(result.keys()))
        for name in _TIMES:
            frame[name] = pd.to_datetime(frame[name], format="ISO8601")
        frame = frame.astype(_DTYPES)
        frame["when"] = frame["loan_date"].fillna(frame["scored_at"])
        return frame


def conditions(sources: tuple[str, ...] | None, model_version: str | None, start: date | None,
               end: date | None) -> list[Any]:
    """SQL conditions: sources (None = all), model version (None = all), inclusive date range on ``WHEN``."""
    found: list[Any] = []
    when = WHEN
    if sources is not None:
        found.append(predictions.c.source.in_(sources))
    if model_version is not None:
        found.append(predictions.c.model_version == model_version)
    if start is not None:
        found.append(when >= datetime.combine(start, datetime.min.time()))
    if end is not None:
        found.append(when < datetime.combine(end + timedelta(days=1), datetime.min.time()))
    return found
