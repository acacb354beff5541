"""The one scoring path: raw records → schema validation → the bundle's pipeline → warnings → prediction log.

Used by the JSON routes, the dashboard's batch tab and the hold-out seeding alike.
"""
from __future__ import annotations

import dataclasses
import json
import math
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from app.services.prediction_log import PredictionLog
from modeling.artifacts import Bundle
from modeling.config import DATE_COLUMN
from modeling.inference import score_frame
from modeling.input_checks import input_warnings, stored_specs
from modeling.schema import Problem
from modeling.validation import coerce_frame, match_columns

RESULT_COLUMNS = ("prob_default", "Pago_atiempo_pred", "risk_band", "warnings")


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
    """Validates raw loan records against the bundle's stored schema, scores them and logs every result."""

    def __init__(self, bundle: Bundle, log: PredictionLog) -> None:
        self.bundle = bundle
        self.log = log
        self.model_version = bundle.model_version
        features = stored_specs(bundle.schema, roles=("feature",))
        self._feature_specs = tuple(dataclasses.replace(s, nullable=True) if s.name == DATE_COLUMN else s
                                    for s in features)
        self._known_specs = stored_specs(bundle.schema, roles=("feature", "leakage", "target"))
        self._feature_names = {s.name for s in features}

    def score_records(self, records: Sequence[Any], *, source: str = "api",
                      request_id: str | None = None) -> ScoredBatch:
        """Score JSON-like records (dicts); anything that is not an object is reported by its index."""
        is_object = np.fromiter((isinstance(r, dict) for r in records), dtype=bool, count=len(records))
        positions = np.flatnonzero(is_object)
        frame = pd.DataFrame.from_records([records[i] for i in positions]) if len(positions) else pd.DataFrame()
        not_objects = {int(i): [Problem("(record)", "not a JSON object", value=_type_name(records[i]),
                                        expected="an object with the loan's fields")]
                       for i in np.flatnonzero(~is_object)}
        return self.score_frame(frame, source=source, request_id=request_id, positions=positions,
                                n_records=len(records), prior_errors=not_objects)

    def score_frame(self, frame: pd.DataFrame, *, source: str = "batch", request_id: str | None = None,
                    actual: pd.Series | None = None, **layout: Any) -> ScoredBatch:
        """Score a table of raw records and write every scored row to the log in one transaction."""
        batch, rows = self.prepare(frame, source=source, request_id=request_id, actual=actual, **layout)
        self.log.append(rows)
        return batch

    def prepare(self, frame: pd.DataFrame, *, source: str, request_id: str | None = None,
                actual: pd.Series | None = None, positions: np.ndarray | None = None,
                n_records: int | None = None,
                prior_errors: dict[int, list[Problem]] | None = None) -> tuple[ScoredBatch, pd.DataFrame]:
        """Validate and score without logging; return the batch and its log rows.

        ``positions`` maps each frame row to its index in the caller's input (default: 0..n-1), and
        ``prior_errors`` carries problems found before the frame was built (e.g. non-object records).
        """
        started = time.perf_counter()
        scored_at = pd.Timestamp.now(tz="UTC").tz_localize(None)
        request_id = request_id or uuid.uuid4().hex
        positions = np.arange(len(frame)) if positions is None else np.asarray(positions)
        n_records = len(frame) if n_records is None else n_records

        mapping, extra = match_columns(frame.columns, self._known_specs)
        named = frame.rename(columns=mapping)
        coerced = coerce_frame(named, self._feature_specs, optional=(DATE_COLUMN,), max_problems_per_column=None)
        raw = coerced.frame
        problems_by_row = _problems_by_row(coerced.problems, len(frame))
        valid = np.ones(len(frame), dtype=bool)
        valid[list(problems_by_row)] = False

        raw = raw.loc[valid].reset_index(drop=True)
        if DATE_COLUMN not in raw.columns:
            raw[DATE_COLUMN] = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
        loan_date = raw[DATE_COLUMN].copy()
        date_defaulted = loan_date.isna().to_numpy()
        raw.loc[date_defaulted, DATE_COLUMN] = scored_at
        scores = score_frame(self.bundle, raw) if len(raw) else _empty_scores()
        warnings = input_warnings(raw, self.bundle.schema, date_defaulted)
        _note_ignored_fields(warnings, named.loc[valid].reset_index(drop=True), extra)
        latency_ms = (time.perf_counter() - started) * 1000.0

        index = pd.Index(positions[valid], name="index")
        results = pd.DataFrame({
            "prob_default": scores["prob_default"].to_numpy(dtype="float64"),
            "Pago_atiempo_pred": scores["Pago_atiempo_pred"].to_numpy(dtype="int64"),
            "risk_band": scores["risk_band"].to_numpy(dtype=object),
            "warnings": pd.Series(warnings, dtype=object).to_numpy(),
        }, index=index)
        errors = _errors(problems_by_row, positions, prior_errors or {})
        batch = ScoredBatch(request_id, self.model_version, n_records, results, errors, latency_ms)
        inputs = raw.assign(**{DATE_COLUMN: loan_date})
        rows = pd.DataFrame({
            "request_id": request_id, "scored_at": scored_at, "loan_date": loan_date.to_numpy(),
            "source": source, "model_version": self.model_version, "inputs": _json_lines(inputs),
            "prob_default": results["prob_default"].to_numpy(), "Pago_atiempo_pred": results["Pago_atiempo_pred"]
            .to_numpy(), "risk_band": results["risk_band"].to_numpy(),
            "warnings": [json.dumps(w, ensure_ascii=False) if w else "[]" for w in warnings],
            "latency_ms": latency_ms, "actual": _actual_for(actual, valid),
        })
        return batch, rows


def _problems_by_row(problems: list[Problem], n_rows: int) -> dict[int, list[Problem]]:
    """Group problems by frame row; a problem without a row (a missing column) applies to every row."""
    by_row: dict[int, list[Problem]] = {}
    everywhere = [dataclasses.replace(p, message="missing field") for p in problems if p.row is None]
    for problem in problems:
        if problem.row is not None:
            by_row.setdefault(problem.row, []).append(problem)
    if everywhere:
        for row in range(n_rows):
            by_row.setdefault(row, []).extend(everywhere)
    return by_row


def _errors(problems_by_row: dict[int, list[Problem]], positions: np.ndarray,
            prior: dict[int, list[Problem]]) -> list[dict[str, Any]]:
    by_index = {int(positions[row]): problems for row, problems in problems_by_row.items()}
    by_index.update(prior)
    return [{"index": i, "problems": [_problem_dict(p) for p in by_index[i]]} for i in sorted(by_index)]


def _problem_dict(problem: Problem) -> dict[str, Any]:
    """JSON-safe problem: no row (the caller groups by index), no NaN, infinities as text."""
    data = problem.to_dict()
    data.pop("row", None)
    value = data.get("value")
    if isinstance(value, float) and not math.isfinite(value):
        if math.isnan(value):
            del data["value"]
        else:
            data["value"] = str(value)
    return data


def _note_ignored_fields(warnings: list[list[dict[str, str]]], named: pd.DataFrame, extra: list[Any]) -> None:
    for column in extra:
        note = {"field": str(column), "code": "ignored_field", "message": "not a model input: ignored"}
        for pos in np.flatnonzero(named[column].notna().to_numpy()):
            warnings[pos].append(dict(note))


def _json_lines(frame: pd.DataFrame) -> list[str]:
    """One JSON object per row, serialised in one vectorised call."""
    if frame.empty:
        return []
    text = frame.to_json(orient="records", lines=True, date_format="iso", date_unit="s", double_precision=15,
                         force_ascii=False)
    return text.rstrip("\n").split("\n")


def _actual_for(actual: pd.Series | None, valid: np.ndarray) -> Any:
    if actual is None:
        return None
    values = pd.Series(actual).reset_index(drop=True).loc[valid]
    return pd.array(values.to_numpy(), dtype="Int64")


def _empty_scores() -> pd.DataFrame:
    return pd.DataFrame({"prob_default": pd.Series(dtype="float64"), "Pago_atiempo_pred": pd.Series(dtype="int64"),
                         "risk_band": pd.Series(dtype=object)})


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__
