"""The filters of a drift view (sources, loan-date range, model version) and the evolution window size."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from app.services.selection import SOURCES
from modeling.drift import MIN_ROWS

DEFAULT_SOURCES: tuple[str, ...] = ("holdout", "api", "batch")
PERIOD_WINDOWS: tuple[str, ...] = ("M", "W", "D")
MAX_EVOLUTION_WINDOWS = 1000


class FilterError(ValueError):
    """A filter value cannot be used; ``field`` names it, the message says what was expected."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class WindowError(ValueError):
    """The chosen window splits the data into too many windows to show."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(f"freq: {count} windows (maximum {limit}); choose a coarser window")
        self.count = count
        self.limit = limit


def _as_date(value: Any, field: str) -> date | None:
    if value is None or value == "":
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise FilterError(field, f"expected an ISO date such as 2025-01-31, found {value!r}") from None
    if pd.isna(stamp):
        return None
    return stamp.date()


@dataclass(frozen=True)
class DriftFilters:
    """Which logged rows form the current sample. Dates are inclusive loan dates (scoring date when absent);
    ``model_version`` None means the loaded model's. Sources are kept sorted so equal filters hash equal."""

    sources: tuple[str, ...] = DEFAULT_SOURCES
    start: date | None = None
    end: date | None = None
    model_version: str | None = None

    def __post_init__(self) -> None:
        sources = (self.sources,) if isinstance(self.sources, str) else tuple(self.sources or ())
        unknown = sorted(set(sources) - set(SOURCES))
        if unknown:
            raise FilterError("sources", f"expected some of {list(SOURCES)}, found {unknown}")
        object.__setattr__(self, "sources", tuple(sorted(set(sources))))
        object.__setattr__(self, "start", _as_date(self.start, "start"))
        object.__setattr__(self, "end", _as_date(self.end, "end"))
        if self.start and self.end and self.start > self.end:
            raise FilterError("end", f"expected a date on or after start {self.start}, found {self.end}")

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Rows of a current frame (columns ``source`` and ``time``) that pass the source and date filters."""
        keep = frame["source"].isin(self.sources).to_numpy()
        times = frame["time"].to_numpy(dtype="datetime64[ns]")
        if self.start is not None:
            keep &= times >= np.datetime64(self.start, "ns")
        if self.end is not None:
            keep &= times < np.datetime64(self.end, "ns") + np.timedelta64(1, "D")
        return keep


def window_freq(choice: str, rows: Any = None) -> str | int:
    """``"M"``/``"W"``/``"D"`` as given; ``"N"`` becomes the int ``rows`` (at least ``MIN_ROWS``)."""
    if choice in PERIOD_WINDOWS:
        return choice
    if choice != "N":
        raise FilterError("window", f"expected one of {[*PERIOD_WINDOWS, 'N']}, found {choice!r}")
    problem = FilterError("rows", f"expected a whole number of rows >= {MIN_ROWS}, found {rows!r}")
    try:
        size = float(rows)
    except (TypeError, ValueError):
        raise problem from None
    if not size.is_integer() or size < MIN_ROWS:
        raise problem
    return int(size)
