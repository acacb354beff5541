"""The values one scoring call writes: ``predictions`` rows column by column, inputs as JSON lines, outcomes and
problems in JSON-safe form."""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import orjson
import pandas as pd

from modeling.data.columns import DATE_COLUMN
from modeling.data.schema import Problem

FEW_ROWS = 32  # up to this many rows, inputs JSON is written row by row
ScoredArrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # input positions, prob, pred, band


def log_rows(scored: ScoredArrays, request_id: str, model_version: str, latency_ms: float, source: str,
             scored_at: Any, inputs: Mapping[str, np.ndarray], warnings: list[list[dict[str, str]]],
             actual: list[Any]) -> dict[str, Any]:
    """The ``predictions`` rows of ``scored`` records, column by column (single values apply to every row);
    ``inputs`` holds their validated feature columns."""
    positions, prob, pred, band = scored
    return {"request_id": request_id, "row": positions, "scored_at": scored_at, "loan_date": inputs[DATE_COLUMN],
            "source": source, "model_version": model_version, "inputs": json_lines(inputs), "prob_default": prob,
            "Pago_atiempo_pred": pred, "risk_band": band.tolist(), "latency_ms": latency_ms,
            "warnings": [json.dumps(w, ensure_ascii=False) if w else "[]" for w in warnings], "actual": actual}


def json_lines(columns: Mapping[str, Any]) -> list[str]:
    """One JSON object per row (numbers in full precision, dates as ISO text to the second, missing as null).

    The same text as ``orjson.dumps`` of each row's dict, without building the dicts: each column is encoded once
    (``orjson``; text and dates one distinct value at a time), then keys, values and braces are joined into one
    string, rows ended by newlines (never inside JSON text, which escapes them), and split."""
    arrays = [np.asarray(values) for values in columns.values()]
    if not arrays or not len(arrays[0]):
        return []
    if len(arrays[0]) <= FEW_ROWS:  # a few rows: one dict each costs less than encoding the columns
        names = [str(name) for name in columns]
        dumps = orjson.dumps
        return [dumps(dict(zip(names, row, strict=True))).decode()
                for row in zip(*map(_python_values, arrays), strict=True)]
    parts = np.empty((len(arrays[0]), 2 * len(arrays) + 1), dtype=object)
    for j, (name, values) in enumerate(zip(columns, arrays, strict=True)):
        parts[:, 2 * j] = ("{" if j == 0 else ",") + orjson.dumps(str(name)).decode() + ":"
        parts[:, 2 * j + 1] = _encoded(values)
    parts[:, -1] = "}\n"
    return "".join(parts.ravel().tolist()).split("\n")[:-1]


def _encoded(values: np.ndarray) -> np.ndarray:
    """The JSON text of every value of one column (object array)."""
    if values.dtype.kind == "f":  # distinct bit patterns: -0.0 and 0.0 stay apart, every NaN is null
        codes, uniques = pd.factorize(np.ascontiguousarray(values, dtype="float64").view(np.int64))
        if len(uniques) > len(values) // 8:
            return _numbers(values)
        return _numbers(np.asarray(uniques).view("float64"))[codes]
    if values.dtype.kind in "iub":
        return _numbers(values)
    if values.dtype.kind == "M":  # dates and text: each distinct value encoded once; None, NaN and NaT → -1
        codes, uniques = pd.factorize(values.astype("datetime64[s]"), use_na_sentinel=True)
        texts = [f'"{text}"' for text in np.datetime_as_string(np.asarray(uniques), unit="s").tolist()]
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        texts = [orjson.dumps(value).decode() for value in uniques.tolist()]
    return np.array([*texts, "null"], dtype=object)[codes]


def _python_values(values: np.ndarray) -> list[Any]:
    """The column as the Python values orjson writes as :func:`_encoded` does (dates as ISO text, None)."""
    if values.dtype.kind == "M":
        stamps = values.astype("datetime64[s]")
        text = np.datetime_as_string(stamps, unit="s").astype(object)
        text[np.isnat(stamps)] = None
        return text.tolist()
    if values.dtype == object:
        return np.where(pd.isna(values), None, values).tolist()
    return values.tolist()  # NaN is written as null


def _numbers(values: np.ndarray) -> np.ndarray:
    """orjson's text of each number (NaN and infinities as null)."""
    return np.array(orjson.dumps(values.tolist())[1:-1].decode().split(","), dtype=object)


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
