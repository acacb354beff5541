"""Shadow scoring: a challenger bundle scores every record the champion logged, off the request path.

:meth:`ShadowScorer.submit` is called after the champion's log write (the :class:`ScoringService` hook): it only
appends the write to a queue bounded in rows — when that is full the rows are dropped and counted
(``credit_risk_shadow_rows_total{outcome="dropped"}``), so a request never waits for the challenger. A background
thread wakes every ``FLUSH_SECONDS``, takes everything queued, scores it with one call of the challenger's pipeline
(the same validated records: the champion's inputs, dates defaulted alike) and writes the ``shadow_scores`` rows
in one transaction of its own. Nothing of it reaches a client.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from app.services.log.bulk import insert_dicts
from app.services.models.tables import shadow_scores
from app.services.shadow.metrics import count
from modeling.data.schema import FEATURE_COLUMNS
from modeling.inference import score_and_derive

if TYPE_CHECKING:
    from app.services.scoring.service import LogWrite
    from modeling.artifacts import Bundle

logger = logging.getLogger(__name__)
FLUSH_SECONDS = 0.25  # the thread scores what queued during this interval in one call (one transaction)


class ShadowScorer:
    """One per process: the current challenger (one reference, swapped by the model watcher) and its queue."""

    def __init__(self, engine: Engine, max_rows: int = 50_000) -> None:
        self.engine, self.max_rows = engine, max_rows
        self.challenger: Bundle | None = None
        self._queue: deque[tuple[Bundle, LogWrite]] = deque()
        self._queued = 0
        self._busy = False
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None

    @property
    def version(self) -> str | None:
        challenger = self.challenger
        return challenger.model_version if challenger is not None else None

    def submit(self, write: LogWrite) -> None:
        """Queue the champion's logged rows for the challenger (O(1); drops and counts them when full)."""
        challenger = self.challenger
        if challenger is None:
            return
        rows = len(write.profiled.prob)
        with self._lock:
            if self._queued + rows > self.max_rows:
                dropped = True
            else:
                dropped = False
                self._queue.append((challenger, write))
                self._queued += rows
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="shadow-scoring", daemon=True)
                    self._thread.start()
        if dropped:
            count("dropped", rows)

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until everything queued so far is scored and written (tests, benchmarks); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._queue or self._busy:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(min(remaining, FLUSH_SECONDS))
        return True

    def _run(self) -> None:
        while True:
            time.sleep(FLUSH_SECONDS)
            with self._lock:
                taken, self._queue, self._queued, self._busy = list(self._queue), deque(), 0, True
            try:
                for challenger, writes in _by_challenger(taken):
                    self._score(challenger, writes)
            finally:
                with self._idle:
                    self._busy = False
                    self._idle.notify_all()

    def _score(self, challenger: Bundle, writes: list[LogWrite]) -> None:
        rows = sum(len(w.profiled.prob) for w in writes)
        try:
            records = shadow_rows(challenger, writes)
            with self.engine.begin() as conn:  # rows a replayed write already scored are skipped
                insert_dicts(conn, shadow_scores, records, skip_duplicates=True)
        except Exception:  # the champion's answers are out already; this only loses the comparison rows
            logger.exception("shadow scoring of %d rows by %s failed", rows, challenger.model_version)
            count("failed", rows)
            return
        count("scored", rows)


def shadow_rows(challenger: Bundle, writes: list[LogWrite]) -> list[dict]:
    """The ``shadow_scores`` rows of the champion's ``writes`` as scored by ``challenger`` (one model call)."""
    frames = [w.profiled.variables[list(FEATURE_COLUMNS)] for w in writes]
    scores, _ = score_and_derive(challenger, pd.concat(frames, ignore_index=True))
    keys = [_keys(w) for w in writes]
    request_ids = np.concatenate([k[0] for k in keys])
    positions = np.concatenate([k[1] for k in keys])
    champions = np.concatenate([np.full(len(w.profiled.prob), str(w.rows["model_version"]), dtype=object)
                                for w in writes])
    scored_at = np.concatenate([np.full(len(w.profiled.prob), w.profiled.scored_at, dtype=object) for w in writes])
    days = np.concatenate([np.asarray(w.profiled.days, dtype="datetime64[D]") for w in writes]).astype(object)
    version = challenger.model_version
    return [{"request_id": r, "row": int(p), "challenger_version": version, "champion_version": c,
             "scored_at": s, "day": d, "prob_default": float(prob), "Pago_atiempo_pred": int(pred),
             "risk_band": str(band)}
            for r, p, c, s, d, prob, pred, band in zip(
                request_ids, positions, champions, scored_at, days, scores["prob_default"].tolist(),
                scores["Pago_atiempo_pred"].tolist(), scores["risk_band"].tolist(), strict=True)]


def _keys(write: LogWrite) -> tuple[np.ndarray, np.ndarray]:
    n = len(write.profiled.prob)
    request_id = write.rows["request_id"]
    ids = (np.full(n, request_id, dtype=object) if isinstance(request_id, str)
           else np.asarray(request_id, dtype=object))
    return ids, np.broadcast_to(np.asarray(write.rows["row"]), (n,))


def _by_challenger(taken: list[tuple[Bundle, LogWrite]]) -> list[tuple[Bundle, list[LogWrite]]]:
    groups: dict[int, tuple[Bundle, list[LogWrite]]] = {}
    for challenger, write in taken:
        groups.setdefault(id(challenger), (challenger, []))[1].append(write)
    return list(groups.values())

