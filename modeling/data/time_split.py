"""Time-ordered train/test split and the fixed plausibility rules applied to training rows only.

The split sorts by ``fecha_prestamo`` (stable sort, so ties keep file order) and takes the first 80 % as
the training period and the last 20 % as the held-out test period — no shuffling. Implausible rows (values
outside a column's ``plausible_range`` in the schema: ages above 90, terms above 60 months, absurd
salaries …) may be dropped from the training period; the rules are fixed in the schema, never computed
from the data, and the test period keeps every row because serving must score every record it receives.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from modeling.data.columns import DATE_COLUMN
from modeling.data.schema import RAW_COLUMNS, ColumnSpec

DEFAULT_TEST_SHARE = 0.2
PLAUSIBILITY_RULES: tuple[ColumnSpec, ...] = tuple(
    s for s in RAW_COLUMNS if s.role == "feature" and s.plausible_range != (None, None)
)


@dataclass(frozen=True)
class TimeSplit:
    """The two periods of a time-ordered split (each sorted by date, original index kept)."""

    train: pd.DataFrame
    test: pd.DataFrame

    def describe(self) -> dict[str, dict[str, object]]:
        """Rows and date range of each period (for ``metadata.json``)."""
        return {name: _period(frame) for name, frame in (("train", self.train), ("test", self.test))}


def _period(frame: pd.DataFrame) -> dict[str, object]:
    dates = frame[DATE_COLUMN]
    return {"rows": len(frame), "start": dates.min().isoformat(), "end": dates.max().isoformat()}


def time_split(frame: pd.DataFrame, test_share: float = DEFAULT_TEST_SHARE) -> TimeSplit:
    """Sort by ``fecha_prestamo`` and cut: the first ``1 - test_share`` of rows train, the rest test.

    Raises ``ValueError`` when a period would be empty or a date is missing.
    """
    if not 0 < test_share < 1:
        raise ValueError(f"test_share must be between 0 and 1, got {test_share}")
    if frame[DATE_COLUMN].isna().any():
        raise ValueError(f"{DATE_COLUMN} has missing values; every training row needs a loan date")
    ordered = frame.sort_values(DATE_COLUMN, kind="mergesort")
    n_train = round(len(ordered) * (1 - test_share))
    if n_train == 0 or n_train == len(ordered):
        raise ValueError(f"cannot split {len(ordered)} rows into two non-empty periods")
    return TimeSplit(train=ordered.iloc[:n_train], test=ordered.iloc[n_train:])


def implausible_mask(frame: pd.DataFrame) -> pd.DataFrame:
    """Boolean frame: True where a value lies outside its column's plausible range (missing → False)."""
    flags = {}
    for spec in PLAUSIBILITY_RULES:
        values = frame[spec.name].to_numpy(dtype="float64")
        low, high = spec.plausible_range
        outside = np.zeros(len(values), dtype=bool)
        with np.errstate(invalid="ignore"):
            if low is not None:
                outside |= values < low
            if high is not None:
                outside |= values > high
        flags[spec.name] = outside
    return pd.DataFrame(flags, index=frame.index)


def drop_implausible(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Rows with every value plausible, and how many rows each rule flagged (a row may trip several)."""
    flags = implausible_mask(frame)
    counts = {name: int(n) for name, n in flags.sum().items() if n}
    return frame.loc[~flags.any(axis=1).to_numpy()], counts
