"""Attach real outcomes (``Pago_atiempo``) to logged predictions and keep their profiles in step.

One call is one transaction: read the predictions of every key, decide each item's status (see
:mod:`app.services.outcomes.report`), set ``actual`` where it changes (compare-and-set on the value read), append
the profile delta fragments of those rows, and store the answer under the ``Idempotency-Key`` when one was sent.
SQLite takes the write lock first (``BEGIN IMMEDIATE``), so the read and the writes see one state; on PostgreSQL a
concurrent change to one of the rows makes the compare-and-set fall short and the call runs again.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from app.services.log.bulk import insert_dicts
from app.services.log.tables import profile_fragments
from app.services.outcomes import sql
from app.services.outcomes.idempotency import IdempotentCall, claim_answer, stored_answer
from app.services.outcomes.items import CheckedItems, check_items
from app.services.outcomes.report import OutcomeReport
from app.services.profiles.outcome_delta import OutcomeChanges, outcome_fragments
from app.services.profiles.store import ProfileStore

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
FOLD_EVERY = 4096  # delta fragments hold a few cells each: readers sum thousands of them cheaply


class OutcomeRaceError(RuntimeError):
    """The rows of a call kept changing under concurrent calls; nothing was written."""


@dataclass(frozen=True)
class OutcomeAnswer:
    """HTTP status and JSON body of a call; ``report`` is None when the answer was replayed from its key."""

    status: int
    body: bytes
    report: OutcomeReport | None


class OutcomeService:
    """Records outcomes in the log database of ``store``."""

    def __init__(self, engine: Engine, store: ProfileStore) -> None:
        self.engine = engine
        self.store = store
        self._unfolded = 0
        self._lock = threading.Lock()

    def record(self, items: Sequence[Any], *, overwrite: bool = False,
               idempotent: IdempotentCall | None = None) -> OutcomeAnswer:
        """Check and apply ``items``; raises ``IdempotencyConflict`` for a key used with another body or route."""
        checked = check_items(items)
        for _ in range(MAX_ATTEMPTS):
            answer, fragments = self._attempt(checked, overwrite, idempotent)
            if answer is not None:
                self._after_write(fragments)
                return answer
        raise OutcomeRaceError("the outcomes' rows kept changing under concurrent calls; retry")

    def _attempt(self, checked: CheckedItems, overwrite: bool,
                 idempotent: IdempotentCall | None) -> tuple[OutcomeAnswer | None, int]:
        with self.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            if idempotent is not None:
                stored = stored_answer(conn, idempotent)
                if stored is not None:
                    conn.rollback()
                    return OutcomeAnswer(*stored, None), 0
            found = sql.lookup(conn, checked.request_id, checked.row) if len(checked) else None
            status, previous, changes = _plan(checked, found, overwrite)
            ids = changes["id"].to_numpy(np.int64)
            if ids.size and sql.update(conn, ids, changes["value"].to_numpy(np.int64),
                                       changes["actual"].to_numpy(np.float64)) != ids.size:
                conn.rollback()
                return None, 0
            fragments = self._fragments(changes)
            insert_dicts(conn, profile_fragments, fragments)
            report = OutcomeReport(_results(checked, status, previous), overwrite)
            answer = OutcomeAnswer(report.status_code, report.to_json(), report)
            if idempotent is not None and not claim_answer(conn, idempotent, answer.status, answer.body):
                conn.rollback()  # a concurrent call with the same key committed first: answer as it did
                return self._replayed(idempotent), 0
            conn.commit()
        return answer, len(fragments)

    def _replayed(self, idempotent: IdempotentCall) -> OutcomeAnswer:
        with self.engine.connect() as conn:
            stored = stored_answer(conn, idempotent)
        assert stored is not None  # the key was taken by a committed call
        return OutcomeAnswer(*stored, None)

    def _fragments(self, changes: pd.DataFrame) -> list[dict[str, Any]]:
        rows = []
        versions = changes["model_version"].to_numpy(object)
        for version in pd.unique(versions):
            part = changes[versions == version]
            layout = self.store.layout(str(version))
            if layout is None:
                logger.warning("outcomes: model version %s has no profile layout; its profiles are not updated",
                               version)
                continue
            delta = OutcomeChanges(
                part["source"].to_numpy(object), _days(part["day"].to_numpy(object)),
                part["prob_default"].to_numpy(np.float64), part["Pago_atiempo_pred"].to_numpy(np.int64),
                part["risk_band"].to_numpy(object), part["actual"].to_numpy(np.float64),
                part["value"].to_numpy(np.float64))
            rows += [fragment.row() for fragment in outcome_fragments(layout, delta)]
        return rows

    def _after_write(self, fragments: int) -> None:
        with self._lock:
            self._unfolded += fragments
            due = self._unfolded >= FOLD_EVERY
            if due:
                self._unfolded = 0
        if due:
            self.store.fold_quietly()


def _days(values: np.ndarray) -> np.ndarray:
    """Dates as read (``date`` objects, or ISO text from SQLite) → datetime64[D]."""
    return np.asarray([str(v) for v in values] if len(values) and isinstance(values[0], str) else values,
                      dtype="datetime64[D]")


def _plan(checked: CheckedItems, found: pd.DataFrame | None, overwrite: bool
          ) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Per usable item its status and stored outcome (NaN: none), and the rows to change (with ``value``)."""
    n = len(checked)
    status = np.full(n, "unknown", dtype=object)
    previous = np.full(n, np.nan)
    if found is None or found.empty:
        return status, previous, pd.DataFrame(columns=[*sql.COLUMNS, "value"])
    position = found["position"].to_numpy(np.int64)
    old = found["actual"].to_numpy(np.float64)
    new = checked.value[position]
    previous[position] = old
    same, empty = old == new, np.isnan(old)
    status[position] = np.where(same, "unchanged", np.where(empty, "recorded",
                                                            "overwritten" if overwrite else "conflict"))
    apply = empty | (~same & overwrite)
    return status, previous, found[apply].assign(value=new[apply]).sort_values("id")  # index locality


def _results(checked: CheckedItems, status: np.ndarray, previous: np.ndarray) -> list[dict[str, Any]]:
    """One result per item, in call order."""
    results: list[dict[str, Any] | None] = [None] * checked.received
    shown = ("overwritten", "conflict", "unchanged")
    for i, rid, row, s, old in zip(checked.index.tolist(), checked.request_id.tolist(), checked.row.tolist(),
                                   status.tolist(), previous.tolist(), strict=True):
        result = {"index": i, "request_id": rid, "row": row, "status": s}
        if s in shown:
            result["previous"] = int(old)
        results[i] = result
    for i, s in checked.repeated.items():
        rid, row = checked.keys[i]
        results[i] = {"index": i, "request_id": rid, "row": row, "status": s}
    for i, problems in checked.problems.items():
        rid, row = checked.keys.get(i, (None, None))
        results[i] = {"index": i, "request_id": rid, "row": row, "status": "invalid", "problems": problems}
    return results  # type: ignore[return-value]
