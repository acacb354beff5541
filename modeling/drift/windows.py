"""Split rows into time windows by their loan date: calendar month, week, day, or every N rows."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

PERIOD_FREQS = {"M": "month", "MS": "month", "ME": "month", "W": "week", "D": "day"}
MAX_WINDOWS = 100_000
_EPOCH_WEEKDAY_SHIFT = 3  # 1970-01-01 was a Thursday: day + 3 counts from the Monday before it


@dataclass(frozen=True)
class Windows:
    """Window index of every row plus, per window, its label and its start and end.

    Periods (month/week/day) cover every period from the first to the last date, empty ones included;
    their label is the period start and their end the next period's start (exclusive). Row chunks are
    labelled 0, 1, … and span their first to last date (inclusive).
    """

    ids: np.ndarray
    labels: list
    starts: np.ndarray
    ends: np.ndarray

    @property
    def count(self) -> int:
        """Number of windows."""
        return len(self.labels)


def _as_datetimes(dates: object) -> np.ndarray:
    """Dates as naive datetime64[ns] (UTC if they carried a time zone); ``ValueError`` on missing/bad dates."""
    series = pd.Series(dates).reset_index(drop=True)
    try:
        parsed = series if pd.api.types.is_datetime64_any_dtype(series) else pd.to_datetime(
            series, errors="raise", format="ISO8601")
    except (TypeError, ValueError) as error:
        raise ValueError(f"dates: expected dates (datetime or ISO text), found unparseable values ({error})") from error
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    missing = np.flatnonzero(parsed.isna().to_numpy())
    if missing.size:
        raise ValueError(f"dates: {missing.size} row(s) have no date (first at row {int(missing[0])}); "
                         f"expected a date on every row (fill with the scoring time or drop them)")
    return parsed.to_numpy(dtype="datetime64[ns]")


def _period_windows(values: np.ndarray, unit: str) -> Windows:
    if unit == "month":
        index = values.astype("datetime64[M]").astype(np.int64)
    else:
        index = values.astype("datetime64[D]").astype(np.int64)
        if unit == "week":
            index = (index + _EPOCH_WEEKDAY_SHIFT) // 7
    first, last = int(index.min()), int(index.max())
    count = last - first + 1
    if count > MAX_WINDOWS:
        raise ValueError(f"freq: {count} {unit} windows between the first and last date (maximum {MAX_WINDOWS}); "
                         f"use a coarser freq")
    bounds = np.arange(first, last + 2)
    if unit == "month":
        edges = bounds.astype("datetime64[M]")
    elif unit == "week":
        edges = (bounds * 7 - _EPOCH_WEEKDAY_SHIFT).astype("datetime64[D]")
    else:
        edges = bounds.astype("datetime64[D]")
    edges = edges.astype("datetime64[ns]")
    return Windows(index - first, list(pd.DatetimeIndex(edges[:-1])), edges[:-1], edges[1:])


def _chunk_windows(values: np.ndarray, size: int) -> Windows:
    order = np.argsort(values, kind="stable")
    ids = np.empty(values.size, dtype=np.int64)
    ids[order] = np.arange(values.size) // size
    ordered = values[order]
    starts = ordered[::size]
    ends = ordered[np.minimum(np.arange(size - 1, values.size + size - 1, size), values.size - 1)]
    return Windows(ids, list(range(starts.size)), starts, ends)


def assign_windows(dates: object, freq: str | int) -> Windows:
    """Window of every row: ``freq`` is ``"M"`` (month), ``"W"`` (week from Monday), ``"D"`` (day) or an
    int ``N`` (consecutive chunks of N rows in date order, the last one possibly shorter)."""
    values = _as_datetimes(dates)
    if isinstance(freq, (int, np.integer)) and not isinstance(freq, bool):
        if freq < 1:
            raise ValueError(f"freq: expected a positive number of rows, found {freq}")
        return _chunk_windows(values, int(freq))
    unit = PERIOD_FREQS.get(str(freq).upper()) if isinstance(freq, str) else None
    if unit is None:
        raise ValueError(f"freq: expected 'M', 'W', 'D' or a positive int, found {freq!r}")
    if values.size == 0:
        empty = np.empty(0, dtype="datetime64[ns]")
        return Windows(np.empty(0, dtype=np.int64), [], empty, empty)
    return _period_windows(values, unit)
