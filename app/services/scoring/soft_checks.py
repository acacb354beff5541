"""The input warnings of records about to be scored, computed only for the records that can have one.

:func:`modeling.data.input_warnings.input_warnings` words every warning but works on a DataFrame, column by
column through pandas — most of a one-record request's validation time. :class:`SoftChecks` tests each record
against the same conditions with plain comparisons (a value outside the training or plausible range, a category
or trend never seen) and hands only the records that meet one to ``input_warnings``; the others get no warning
without it. The flags may over-select (``input_warnings`` decides), never under-select: a test compares both on
thousands of odd records.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from modeling.data.columns import DATE_COLUMN
from modeling.data.input_warnings import TREND_COLUMN, input_warnings

DIRECT_MIN_ROWS = 256  # from this many records, input_warnings on the whole frame is as cheap as the flags
_DATE_NOTE = {"field": DATE_COLUMN, "code": "date_defaulted",
              "message": "fecha_prestamo missing: the scoring time was used as the loan date"}


class SoftChecks:
    """``input_warnings`` of one bundle's schema, asked only for the records some check may fire on."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        self.members: list[tuple[str, frozenset[Any]]] = []  # column, values that raise no warning
        self.bounds: list[tuple[str, float, float]] = []     # column, lowest and highest value without one
        for entry in schema["columns"]:
            name, kind, training = entry["name"], entry["kind"], entry.get("training") or {}
            if entry.get("role") != "feature":
                continue
            if name == TREND_COLUMN:
                self.members.append((name, frozenset(entry.get("categories") or ())))
            elif kind in ("code", "category") and "categories" in training:
                self.members.append((name, frozenset(training["categories"])))
            elif kind in ("integer", "numeric"):
                ranges = [(training.get("min"), training.get("max"))] \
                    if training.get("min") is not None and training.get("max") is not None else []
                ranges.append(tuple(entry.get("plausible_range") or (None, None)))
                for lo, hi in ranges:
                    self.bounds.append((name, -np.inf if lo is None else lo, np.inf if hi is None else hi))

    def warnings(self, columns: Mapping[str, np.ndarray], date_defaulted: np.ndarray) -> list[list[dict[str, str]]]:
        """One list of warnings per record of ``columns`` (``input_warnings``' words, in its order)."""
        n = len(date_defaulted)
        if n >= DIRECT_MIN_ROWS:
            return input_warnings(pd.DataFrame(columns), self.schema, date_defaulted if date_defaulted.any()
                                  else None)
        per_row: list[list[dict[str, str]]] = [[] for _ in range(n)]
        flagged = self._flags(columns, n)
        if flagged.any():
            rows = np.flatnonzero(flagged)
            found = input_warnings(pd.DataFrame({name: values[rows] for name, values in columns.items()}),
                                   self.schema)
            for row, warnings in zip(rows.tolist(), found, strict=True):
                per_row[row] = warnings
        for row in np.flatnonzero(date_defaulted).tolist():
            per_row[row].append(dict(_DATE_NOTE))
        return per_row

    def _flags(self, columns: Mapping[str, np.ndarray], n: int) -> np.ndarray:
        flagged = np.zeros(n, dtype=bool)
        for name, allowed in self.members:
            if name in columns:
                values = columns[name]
                unknown = np.fromiter((v not in allowed for v in values.tolist()), dtype=bool, count=n)
                flagged |= unknown & ~pd.isna(values)
        for name, lo, hi in self.bounds:
            if name in columns:
                number = np.asarray(columns[name], dtype="float64")
                flagged |= (number < lo) | (number > hi)
        return flagged
