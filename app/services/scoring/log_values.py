"""The values one scoring call writes: ``predictions`` rows column by column, inputs as JSON lines, outcomes and
problems in JSON-safe form."""
from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import orjson
import pandas as pd

from modeling.data.columns import DATE_COLUMN
from modeling.data.schema import Problem


def log_rows(results: pd.DataFrame, request_id: str, model_version: str, latency_ms: float, source: str,
             scored_at: Any, inputs: pd.DataFrame, warnings: list[list[dict[str, str]]],
             actual: list[Any]) -> dict[str, Any]:
    """The ``predictions`` rows of scored ``results``, column by column (single values apply to every row)."""
    return {"request_id": request_id, "row": results.index.to_numpy(), "scored_at": scored_at,
            "loan_date": inputs[DATE_COLUMN].to_numpy(),
            "source": source, "model_version": model_version, "inputs": json_lines(inputs),
            "prob_default": results["prob_default"].to_numpy(), "Pago_atiempo_pred": results["Pago_atiempo_pred"]
            .to_numpy(), "risk_band": results["risk_band"].tolist(), "latency_ms": latency_ms,
            "warnings": [json.dumps(w, ensure_ascii=False) if w else "[]" for w in warnings], "actual": actual}


def json_lines(frame: pd.DataFrame) -> list[str]:
    """One JSON object per row (numbers in full precision, dates as ISO text to the second, missing as null)."""
    if frame.empty:
        return []
    names = [str(name) for name in frame.columns]
    columns = []
    for name in frame.columns:
        values = frame[name]
        if pd.api.types.is_datetime64_any_dtype(values):
            stamps = values.to_numpy(dtype="datetime64[s]")
            text = np.datetime_as_string(stamps, unit="s").astype(object)
            text[np.isnat(stamps)] = None
            columns.append(text.tolist())
        elif values.dtype == object:
            text = values.to_numpy()
            missing = pd.isna(text)
            if missing.any():
                text = np.where(missing, None, text)
            columns.append(text.tolist())
        else:
            columns.append(values.tolist())  # float NaN is written as null
    dumps = orjson.dumps
    return [dumps(dict(zip(names, row, strict=True))).decode() for row in zip(*columns, strict=True)]


def actual_values(actual: pd.Series | None, positions: np.ndarray) -> list[Any]:
    """The known outcome of each scored row (None when unknown)."""
    if actual is None:
        return [None] * len(positions)
    values = pd.Series(actual).reset_index(drop=True).iloc[positions]
    return [None if pd.isna(v) else int(v) for v in values.tolist()]


def problem_dict(problem: Problem) -> dict[str, Any]:
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
