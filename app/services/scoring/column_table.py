"""Scored records column by column, for the readers of a write's variables.

The write path hands its scored variables to profile building (one column at a time, as arrays) and to shadow
scoring (a few columns as a frame). A DataFrame of every variable — and a Series per column read — cost more than
the rest of a one-record request; this keeps the arrays and builds a frame only when one is asked for.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd


class ColumnTable(Mapping[str, np.ndarray]):
    """Equal-length named arrays: ``table[name]`` is that column's array, ``table[[names]]`` a DataFrame."""

    __slots__ = ("arrays",)

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.arrays = dict(arrays)

    @property
    def columns(self) -> list[str]:
        """The column names, in order."""
        return list(self.arrays)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, list):
            return pd.DataFrame({name: self.arrays[name] for name in key})
        return self.arrays[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.arrays)

    def __len__(self) -> int:
        return len(self.arrays)

    def to_frame(self) -> pd.DataFrame:
        """Every column as one DataFrame (RangeIndex)."""
        return pd.DataFrame(self.arrays)
