"""The tables a batch produces: the results file (every input row + its result or error) and the CSV template."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from app.services.scoring.service import RESULT_COLUMNS, ScoredBatch
from modeling.data.columns import DATE_COLUMN
from modeling.data.schema import ColumnSpec

ROW_COLUMN = "fila"
OUTPUT_COLUMNS = (*RESULT_COLUMNS, "error", "model_version", "request_id", "timestamp")  # after the input columns
OUTPUT_NAMES = frozenset((ROW_COLUMN, *OUTPUT_COLUMNS))


def batch_frame(inputs: pd.DataFrame, batch: ScoredBatch, *, first_row: int,
                scored_at: datetime | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Every input row, in order, followed by its result or its error and ``timestamp`` (when it was scored, UTC,
    ``YYYY-MM-DD HH:MM:SS``, as the original results file had); and notes on dropped columns.

    ``inputs`` holds the values as uploaded (text for CSV files); ``batch.results`` and ``batch.errors`` are
    indexed by input position. Uploaded columns whose names clash with the result columns are dropped.
    """
    clashing = [c for c in inputs.columns if str(c) in OUTPUT_NAMES]
    notes = [f"dropped uploaded column(s) named like the results: {', '.join(map(str, clashing))}"] if clashing else []
    n = len(inputs)
    positions = pd.RangeIndex(n)
    results = batch.results.reindex(positions)
    output = inputs.drop(columns=clashing).reset_index(drop=True)
    output.insert(0, ROW_COLUMN, np.arange(first_row, first_row + n))
    output["prob_default"] = results["prob_default"]
    output["Pago_atiempo_pred"] = results["Pago_atiempo_pred"].astype("Int64")
    output["risk_band"] = results["risk_band"]
    output["warnings"] = pd.Series(_joined(results["warnings"], "field", "message"), index=positions)
    error_text = {int(e["index"]): "; ".join(_problem_text(p) for p in e["problems"]) for e in batch.errors}
    output["error"] = pd.Series(error_text, index=positions, dtype=object)
    output["model_version"] = batch.model_version
    output["request_id"] = batch.request_id
    stamp = pd.Timestamp.now(tz="UTC").tz_localize(None) if scored_at is None else pd.Timestamp(scored_at)
    output["timestamp"] = f"{stamp:%Y-%m-%d %H:%M:%S}"
    return output, notes


def _joined(values: Iterable[Any], *keys: str) -> list[str | None]:
    """``"field: message; …"`` per row from lists of warning dicts (None where there are none)."""
    return ["; ".join(": ".join(str(w.get(k, "")) for k in keys) for w in items) if isinstance(items, list) and items
            else None for items in values]


def _problem_text(problem: Mapping[str, Any]) -> str:
    details = []
    if problem.get("value") is not None:
        details.append(f"found {problem['value']!r}")
    if problem.get("expected"):
        details.append(f"expected {problem['expected']}")
    suffix = f" ({', '.join(details)})" if details else ""
    return f"{problem.get('field', '?')}: {problem.get('message', '')}{suffix}"


def example_rows(specs: Sequence[ColumnSpec]) -> pd.DataFrame:
    """Two rows made from the specs' documented examples.

    The first row is the examples as they are; the second takes the next category of each text category,
    a loan date one month later, and leaves the other nullable fields empty (they may be blank).
    """
    first = {s.name: s.example for s in specs}
    second = {}
    for spec in specs:
        value = spec.example
        if spec.nullable and spec.name != DATE_COLUMN:
            value = None
        elif spec.kind == "category" and value in spec.categories:
            value = spec.categories[(spec.categories.index(value) + 1) % len(spec.categories)]
        elif spec.kind == "datetime" and value is not None:
            value = (pd.Timestamp(value) + pd.DateOffset(months=1)).isoformat()
        second[spec.name] = value
    frame = pd.DataFrame([first, second], columns=[s.name for s in specs])
    if DATE_COLUMN in frame.columns:
        frame[DATE_COLUMN] = pd.to_datetime(frame[DATE_COLUMN]).dt.strftime("%Y-%m-%d %H:%M:%S")
    return frame
