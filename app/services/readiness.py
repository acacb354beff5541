"""Readiness probes for ``/health/ready``: is the model loaded, and can the prediction log take a write?

The write probe inserts one row into ``predictions`` inside a transaction that is always rolled back, so it
checks what a prediction needs (the database up, the table there, the file or role allowed to write) and leaves
nothing behind. Failures are logged here with their detail; callers only see which check failed.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from app.services.log import PredictionLog
from app.services.log.tables import predictions

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LogProbe:
    """Whether the log answered a read and accepted a (rolled back) write."""

    reachable: bool
    writable: bool
    backend: str


def probe_log(log: PredictionLog) -> LogProbe:
    """Read one id and write one probe row that is rolled back; the reason of a failure goes to the server log."""
    try:
        with log.engine.connect() as conn:
            conn.execute(sa.select(predictions.c.id).limit(1)).all()
    except sa.exc.SQLAlchemyError:
        logger.exception("readiness: the prediction log cannot be read")
        return LogProbe(False, False, log.backend)
    try:
        with log.engine.connect() as conn:
            transaction = conn.begin()
            try:
                conn.execute(predictions.insert(), _probe_row())
            finally:
                transaction.rollback()
    except sa.exc.SQLAlchemyError:
        logger.exception("readiness: the prediction log refuses writes")
        return LogProbe(True, False, log.backend)
    return LogProbe(True, True, log.backend)


def _probe_row() -> dict[str, object]:
    now = datetime.now(UTC).replace(tzinfo=None)
    return {"request_id": f"ready-probe-{uuid.uuid4().hex[:16]}", "row": 0, "scored_at": now, "loan_date": None,
            "day": now.date(), "source": "probe", "model_version": "probe", "inputs": "{}", "prob_default": 0.0,
            "Pago_atiempo_pred": 0, "risk_band": "probe", "warnings": "[]", "latency_ms": 0.0, "actual": None}
