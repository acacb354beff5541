"""The one scoring path: raw records → schema validation → the bundle's pipeline → warnings → prediction log.

Used by the JSON routes, the dashboard's batch tab and the hold-out seeding alike.
"""
from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from app.observability.metrics import log_write as observed_log_write
from app.services.log.store import PredictionLog
from app.services.log.values import day_keys
from app.services.profiles import ProfileLayout, ProfileStore, ScoredRows, build_fragments
from app.services.scoring.column_table import ColumnTable
from app.services.scoring.log_values import actual_values, log_rows, problem_dict
from app.services.scoring.model_call import score_columns
from app.services.scoring.records import RecordValidator, ValidatedRecords
from app.services.scoring.scored import RESULT_COLUMNS, LogWrite, ScoredBatch
from app.services.scoring.soft_checks import SoftChecks
from app.services.selection import SOURCES
from modeling.artifacts import Bundle
from modeling.data.columns import DATE_COLUMN
from modeling.drift import SCORE_NAME
from modeling.inference import risk_band

__all__ = ["FOLD_EVERY", "RESULT_COLUMNS", "LogWrite", "ScoredBatch", "ScoringService"]

FOLD_EVERY = 64  # fragments this process appends between two folds of the profiles


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
        self.soft_checks = SoftChecks(bundle.schema)
        self._threshold, bands = bundle.threshold, bundle.risk_bands
        self._cuts, self._labels = bands["cuts"], bands["labels"]
        self.layout = ProfileLayout.for_bundle(bundle.model_version, bundle.reference_profile,
                                               bundle.risk_bands["labels"])
        self.profiles = profiles or ProfileStore(log.engine)
        self.profiles.register(self.layout)
        self._code_position = {code: j for j, code in enumerate(self.layout.warning_codes)}
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
        raw, positions = checked.columns, checked.positions
        date_defaulted = np.isnat(raw[DATE_COLUMN])
        features = {**raw, DATE_COLUMN: np.where(date_defaulted, np.datetime64(scored_at, "ns"), raw[DATE_COLUMN])} \
            if date_defaulted.any() else raw
        prob, derived = score_columns(self.bundle, features)
        warnings = self.soft_checks.warnings(features, date_defaulted)
        for row, fields in enumerate(checked.ignored):
            if fields:
                warnings[row].extend({"field": f, "code": "ignored_field", "message": "not a model input: ignored"}
                                     for f in fields)
        latency_ms = (time.perf_counter() - started) * 1000.0

        pred = np.where(prob >= self._threshold, 0, 1).astype("int64")
        band = risk_band(prob, self._cuts, self._labels)
        errors = [{"index": i, "problems": [problem_dict(p) for p in problems]}
                  for i, problems in checked.errors.items()]
        batch = ScoredBatch(request_id, self.model_version, checked.n_records, positions, prob, pred, band, warnings,
                            errors, latency_ms)
        outcomes = actual_values(actual, positions)
        rows = log_rows((positions, prob, pred, band), request_id, self.model_version, latency_ms, source, scored_at,
                        raw, warnings, outcomes)
        if row_offset:
            rows["row"] = rows["row"] + row_offset
        if request_ids is not None:  # one request per record
            rows["request_id"] = np.asarray(request_ids, dtype=object)[positions].tolist()
            rows["row"] = np.zeros(len(prob), dtype=np.int64)
        scored = ScoredRows(
            variables=ColumnTable({**features, **derived, SCORE_NAME: prob}), prob=prob, pred=pred, band=band,
            days=day_keys(rows["loan_date"], scored_at, len(prob)), source=source,
            actual=np.array([np.nan if v is None else v for v in outcomes], dtype=np.float64),
            warning_codes=self._code_matrix(warnings), latency_ms=latency_ms,
            request_rows=1 if request_ids is not None else max(len(prob), 1), scored_at=scored_at)
        return batch, LogWrite(rows, scored)

    def _code_matrix(self, warnings: list[list[dict[str, str]]]) -> np.ndarray:
        """(records × the layout's warning codes) booleans: which codes each record's warnings carry."""
        matrix = np.zeros((len(warnings), len(self._code_position)), dtype=bool)
        for row, found in enumerate(warnings):
            for warning in found:
                column = self._code_position.get(warning["code"])
                if column is not None:
                    matrix[row, column] = True
        return matrix
