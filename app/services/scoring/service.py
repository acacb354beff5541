"""The one scoring path: raw records → schema validation → the bundle's pipeline → warnings → prediction log.

Used by the JSON routes, the dashboard's batch tab and the hold-out seeding alike.
"""
from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from app.observability.metrics import log_write as observed_log_write
from app.services.log.store import PredictionLog
from app.services.log.values import day_keys
from app.services.profiles import ProfileLayout, ProfileStore, ScoredRows, build_fragments
from app.services.scoring.log_values import actual_values, log_rows, problem_dict
from app.services.scoring.records import RecordValidator, ValidatedRecords
from app.services.selection import SOURCES
from modeling.artifacts import Bundle
from modeling.data.columns import DATE_COLUMN
from modeling.data.input_warnings import input_warnings
from modeling.drift import SCORE_NAME
from modeling.inference import score_and_derive

RESULT_COLUMNS = ("prob_default", "Pago_atiempo_pred", "risk_band", "warnings")
FOLD_EVERY = 64  # fragments this process appends between two folds of the profiles


@dataclass(frozen=True)
class LogWrite:
    """What one scoring call writes in one transaction: the ``predictions`` rows, and what their profile
    fragments are built from."""

    rows: dict[str, Any]
    profiled: ScoredRows


@dataclass(frozen=True)
class ScoredBatch:
    """What one scoring call produced.

    ``results`` is indexed by the input position of every scored record (columns ``RESULT_COLUMNS``);
    ``errors`` lists the records that could not be scored: ``{"index": i, "problems": [...]}``.
    """

    request_id: str
    model_version: str
    n_records: int
    results: pd.DataFrame
    errors: list[dict[str, Any]]
    latency_ms: float

    @property
    def summary(self) -> dict[str, Any]:
        """Counts and timing for the response envelope."""
        bands = self.results["risk_band"].value_counts().to_dict() if len(self.results) else {}
        return {"received": self.n_records, "scored": len(self.results), "rejected": len(self.errors),
                "risk_bands": {str(k): int(v) for k, v in bands.items()},
                "model_version": self.model_version, "request_id": self.request_id,
                "latency_ms": round(self.latency_ms, 3)}


class ScoringService:
    """Validates raw loan records against the bundle's stored schema, scores them and logs every result together
    with its profile fragments (same transaction).

    Log-write failures raise ``PredictionLogError``: the caller must not hand out an unlogged prediction.
    """

    after_write: Callable[[LogWrite], None] | None = None  # challenger hook (app.services.shadow): queues only

    def __init__(self, bundle: Bundle, log: PredictionLog, profiles: ProfileStore | None = None) -> None:
        self.bundle = bundle
        self.log = log
        self.model_version = bundle.model_version
        self.validator = RecordValidator(bundle.schema)
        self.layout = ProfileLayout.for_bundle(bundle.model_version, bundle.reference_profile,
                                               bundle.risk_bands["labels"])
        self.profiles = profiles or ProfileStore(log.engine)
        self.profiles.register(self.layout)
        self._unfolded = 0
        self._folding = False
        self._fold_lock = threading.Lock()

    def score_records(self, records: Sequence[Any], *, source: str = "api",
                      request_id: str | None = None) -> ScoredBatch:
        """Score JSON-like records (dicts) and log them; non-objects and invalid records are reported."""
        batch, write = self.prepare_records(records, source=source, request_id=request_id)
        self.write(write)
        return batch

    def prepare_records(self, records: Sequence[Any], *, source: str = "api", request_id: str | None = None,
                        request_ids: Sequence[str] | None = None) -> tuple[ScoredBatch, LogWrite]:
        """Validate and score JSON-like records without logging.

        ``request_ids`` (one per record) logs each record as its own request (``row`` 0): the micro-batched
        ``/predict`` requests of one worker, scored in one call.
        """
        started = time.perf_counter()
        return self._score(self.validator.validate_records(records), source, request_id, None, started,
                           request_ids=request_ids)

    def score_frame(self, frame: pd.DataFrame, *, source: str = "batch", request_id: str | None = None,
                    actual: pd.Series | None = None, row_offset: int = 0) -> ScoredBatch:
        """Score a table of raw records (e.g. an uploaded file) and log every scored row in one transaction."""
        batch, write = self.prepare(frame, source=source, request_id=request_id, actual=actual, row_offset=row_offset)
        self.write(write)
        return batch

    def prepare(self, frame: pd.DataFrame, *, source: str, request_id: str | None = None,
                actual: pd.Series | None = None, row_offset: int = 0) -> tuple[ScoredBatch, LogWrite]:
        """Validate and score a table without logging; return the batch and what logging it writes.

        Logged ``row`` numbers are the input positions plus ``row_offset`` (a batch job's file row numbers)."""
        started = time.perf_counter()
        return self._score(self.validator.validate_frame(frame), source, request_id, actual, started, row_offset)

    def write(self, write: LogWrite, guard: Callable[[sa.Connection], None] | None = None) -> None:
        """Log rows and fragments in one transaction; every ``FOLD_EVERY`` fragments, fold the profiles.

        ``guard(conn)`` runs first in that transaction (idempotency keys); what it raises rolls back and
        propagates."""
        fragments = self.fragment_rows(write)
        with observed_log_write(write.profiled.source, len(write.profiled.prob)):  # Prometheus counters
            self.log.append(write.rows, fragments=fragments, guard=guard)
        if self.after_write is not None:
            self.after_write(write)
        self._after_write(len(fragments))

    def fragment_rows(self, write: LogWrite) -> list[dict[str, Any]]:
        """The ``profile_fragments`` rows of ``write`` (one per source and day)."""
        return [fragment.row() for fragment in build_fragments(self.layout, write.profiled)]

    def _after_write(self, fragments: int) -> None:
        """Count appended fragments; when ``FOLD_EVERY`` are due, fold in a background thread (one at a time), so
        no request waits for it."""
        with self._fold_lock:
            self._unfolded += fragments
            due = self._unfolded >= FOLD_EVERY and not self._folding
            if due:
                self._unfolded, self._folding = 0, True
        if due:
            threading.Thread(target=self._fold, name="profile-fold", daemon=True).start()

    def _fold(self) -> None:
        try:
            self.profiles.fold_quietly()
        finally:
            with self._fold_lock:
                self._folding = False

    def _score(self, checked: ValidatedRecords, source: str, request_id: str | None,
               actual: pd.Series | None, started: float, row_offset: int = 0,
               request_ids: Sequence[str] | None = None) -> tuple[ScoredBatch, LogWrite]:
        if source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, got {source!r}")
        scored_at = pd.Timestamp.now(tz="UTC").tz_localize(None).to_pydatetime()
        request_id = request_id or uuid.uuid4().hex
        raw = checked.raw
        loan_dates = raw[DATE_COLUMN].to_numpy(dtype="datetime64[ns]")
        date_defaulted = np.isnat(loan_dates)
        features = raw.assign(**{DATE_COLUMN: np.where(date_defaulted, np.datetime64(scored_at, "ns"), loan_dates)}) \
            if date_defaulted.any() else raw
        scores, derived = score_and_derive(self.bundle, features)
        warnings = input_warnings(features, self.bundle.schema, date_defaulted if date_defaulted.any() else None)
        for row, fields in enumerate(checked.ignored):
            warnings[row].extend({"field": f, "code": "ignored_field", "message": "not a model input: ignored"}
                                 for f in fields)
        latency_ms = (time.perf_counter() - started) * 1000.0

        prob = scores["prob_default"].to_numpy(dtype="float64")
        pred = scores["Pago_atiempo_pred"].to_numpy(dtype="int64")
        band = scores["risk_band"].to_numpy(dtype=object)
        results = pd.DataFrame({"prob_default": prob, "Pago_atiempo_pred": pred, "risk_band": band,
                                "warnings": pd.Series(warnings, dtype=object).to_numpy()},
                               index=pd.Index(checked.positions, name="index"))
        errors = [{"index": i, "problems": [problem_dict(p) for p in problems]}
                  for i, problems in checked.errors.items()]
        batch = ScoredBatch(request_id, self.model_version, checked.n_records, results, errors, latency_ms)
        outcomes = actual_values(actual, checked.positions)
        rows = log_rows(results, request_id, self.model_version, latency_ms, source, scored_at, raw, warnings,
                        outcomes)
        if row_offset:
            rows["row"] = rows["row"] + row_offset
        if request_ids is not None:  # one request per record
            rows["request_id"] = np.asarray(request_ids, dtype=object)[checked.positions].tolist()
            rows["row"] = np.zeros(len(prob), dtype=np.int64)
        variables = pd.concat([features, derived, pd.DataFrame({SCORE_NAME: prob}, index=features.index)],
                              axis=1)  # validated rows: one RangeIndex for all three
        scored = ScoredRows(
            variables=variables, prob=prob, pred=pred, band=band,
            days=day_keys(rows["loan_date"], scored_at, len(prob)), source=source,
            actual=np.array([np.nan if v is None else v for v in outcomes], dtype=np.float64),
            warning_codes=[[w["code"] for w in row] for row in warnings], latency_ms=latency_ms,
            request_rows=1 if request_ids is not None else max(len(prob), 1), scored_at=scored_at)
        return batch, LogWrite(rows, scored)
