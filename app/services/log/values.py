"""Log row values as the database drivers take them: one value per row, column by column.

A column is a sequence, an array or a single value standing for every row; times are naive datetimes (or, for
SQLite, the text SQLAlchemy stores); ``day`` is the loan date, else the scoring date. And back: the logged
``inputs`` JSON as a frame.
"""
from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from modeling.data.columns import DATE_COLUMN

FEW_ROWS = 32  # up to this many rows, times are formatted one by one (no distinct-value pass)
LogRows = pd.DataFrame | Mapping[str, Any]  # column → one value per row (or one value for all rows)


def row_count(rows: LogRows) -> int:
    return len(rows) if isinstance(rows, pd.DataFrame) else len(rows["prob_default"])


def plain_values(values: Any, n: int) -> Sequence[Any]:
    """Python values with None for missing; a single value stands for every row."""
    if isinstance(values, (pd.Series, pd.api.extensions.ExtensionArray)):
        series = pd.Series(values)
        return series.astype(object).where(series.notna(), None).tolist()
    if isinstance(values, np.ndarray):
        return values.tolist()
    if isinstance(values, (list, tuple)):
        return values
    return [values] * n


def datetime_values(values: Any, n: int, *, as_text: bool) -> list[Any]:
    """Naive datetimes (None for NaT); as SQLAlchemy's SQLite text format when ``as_text`` (each distinct time
    formatted once: a batch shares one scoring time and few loan dates)."""
    stamps = np.asarray(pd.to_datetime(values) if isinstance(values, (list, tuple)) else values,
                        dtype="datetime64[us]")
    if stamps.ndim == 0:
        return [datetime_values(stamps.reshape(1), 1, as_text=as_text)[0]] * n
    if not as_text:
        return stamps.astype(object).tolist()
    if n <= FEW_ROWS:
        uniques, codes = stamps, np.where(np.isnat(stamps), -1, np.arange(n))
    else:
        codes, uniques = pd.factorize(stamps, use_na_sentinel=True)  # NaT → -1 → None
    text = np.datetime_as_string(np.asarray(uniques, dtype="datetime64[us]"), unit="us").tolist()
    return np.array([*(t.replace("T", " ") for t in text), None], dtype=object)[codes].tolist()


def day_keys(loan_dates: Any, scored_at: Any, n: int) -> np.ndarray:
    """The ``day`` of each row as datetime64[D]: the loan date, else the scoring date."""
    loan = np.broadcast_to(np.asarray(pd.to_datetime(loan_dates) if isinstance(loan_dates, (list, tuple))
                                      else loan_dates, dtype="datetime64[us]"), (n,))
    scored = np.broadcast_to(np.asarray(scored_at, dtype="datetime64[us]"), (n,))
    return np.where(np.isnat(loan), scored, loan).astype("datetime64[D]")


def day_values(loan_dates: Any, scored_at: Any, n: int, *, as_text: bool) -> list[Any]:
    days = day_keys(loan_dates, scored_at, n)
    if not as_text:
        return days.astype(object).tolist()
    if n <= FEW_ROWS:
        return np.datetime_as_string(days).tolist()
    codes, uniques = pd.factorize(days)
    return np.array(np.datetime_as_string(np.asarray(uniques, dtype="datetime64[D]")).tolist(),
                    dtype=object)[codes].tolist()


def inputs_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The logged ``inputs`` of ``rows`` (a :meth:`PredictionLog.read` result) as a frame, same index.

    Numbers come back as float64, text as object, ``fecha_prestamo`` as datetime64 (NaT when it was left out).
    """
    if rows.empty:
        return pd.DataFrame(index=rows.index)
    frame = pd.read_json(io.StringIO("\n".join(rows["inputs"])), lines=True, dtype=False, convert_dates=False)
    frame.index = rows.index
    if DATE_COLUMN in frame.columns:
        frame[DATE_COLUMN] = pd.to_datetime(frame[DATE_COLUMN], errors="coerce")
    return frame
