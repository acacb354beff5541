"""The shortcut of :mod:`app.services.scoring.records` for many records, column by column with numpy.

It accepts a list of records only when every value already has its final, valid type (numbers as JSON numbers
within range, text as strings within the length limit, ISO dates) and then builds exactly the frame the
general path (``coerce_frame``) builds; anything else returns None and the general path — the only place
problems are worded — takes the whole list. Per record it only reads values out of the dicts (one list
comprehension per field); every check and conversion is one vectorised operation per column.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from modeling.data.coercion import normalize_header
from modeling.data.schema import ColumnSpec

_NUMBER_TYPES = frozenset({int, float})
_EXACT_INT = 2.0**53


def clean_columns(records: Sequence[Any], specs: Sequence[ColumnSpec],
                  by_header: Mapping[str, str]) -> tuple[dict[str, np.ndarray], list[list[str]]] | None:
    """``(columns, ignored fields per record)`` when every record is clean, else None."""
    if set(map(type, records)) != {dict}:
        return None
    keys: dict[str, str] = {}
    extra: list[str] = []
    for key in set().union(*records):
        name = by_header.get(normalize_header(key))
        if name is None:
            extra.append(key)
        elif name in keys.values():
            return None  # two headers for one field: the general path decides
        else:
            keys[key] = name
    key_of = {name: key for key, name in keys.items()}
    columns: dict[str, np.ndarray] = {}
    for spec in specs:
        key = key_of.get(spec.name)
        values = [record.get(key) for record in records] if key is not None else [None] * len(records)
        column = _convert(spec, values)
        if column is None:
            return None
        columns[spec.name] = column
    return columns, _ignored(records, extra)


def _ignored(records: Sequence[dict[str, Any]], extra: list[str]) -> list[list[str]]:
    """Per record, its non-null fields outside the schema, in the order a frame of the records has them (first
    appearance)."""
    ignored: list[list[str]] = [[] for _ in records]
    if not extra:
        return ignored
    first = {}
    for key in extra:
        position = next(i for i, record in enumerate(records) if key in record)
        first[key] = (position, list(records[position]).index(key))
    for key in sorted(extra, key=first.__getitem__):
        for position, record in enumerate(records):
            if record.get(key) is not None:
                ignored[position].append(str(key))
    return ignored


def _convert(spec: ColumnSpec, values: list[Any]) -> np.ndarray | None:
    types = set(map(type, values))
    missing = type(None) in types
    if missing and not spec.nullable:
        return None
    types.discard(type(None))
    if spec.kind in ("code", "integer", "numeric"):
        return _numbers(spec, values, types)
    if spec.kind == "category":
        return _texts(spec, values, types)
    if spec.kind == "datetime":
        return _dates(values, types)
    return None


def _numbers(spec: ColumnSpec, values: list[Any], types: set[type]) -> np.ndarray | None:
    if not types <= _NUMBER_TYPES:
        return None  # bool, str, lists … are worded by the general path
    try:
        numbers = np.array(values, dtype="float64")  # None → NaN
    except (OverflowError, ValueError, TypeError):
        return None
    present = ~np.isnan(numbers)
    checked = numbers[present]
    lo, hi = spec.valid_range
    if (not (np.abs(checked) < _EXACT_INT).all()
            or (spec.kind != "numeric" and not (np.mod(checked, 1) == 0).all())
            or (lo is not None and (checked < lo).any()) or (hi is not None and (checked > hi).any())):
        return None
    return numbers


def _texts(spec: ColumnSpec, values: list[Any], types: set[type]) -> np.ndarray | None:
    if not types <= {str}:
        return None
    stripped = [None if value is None else value.strip() for value in values]
    if not spec.nullable and "" in stripped:
        return None
    if spec.max_length is not None and max(map(len, filter(None, stripped)), default=0) > spec.max_length:
        return None
    return np.array([value or np.nan for value in stripped], dtype=object)


def _dates(values: list[Any], types: set[type]) -> np.ndarray | None:
    if not types <= {str}:
        return None
    text = np.array([None if value is None else value.strip() or None for value in values], dtype=object)
    codes, distinct = pd.factorize(text, use_na_sentinel=True)  # each distinct text parsed once; None → -1
    try:
        parsed = pd.to_datetime(pd.Series(distinct, dtype=object), errors="coerce", format="ISO8601",
                                utc=True).dt.tz_convert(None)
    except (ValueError, OverflowError):
        return None
    if parsed.isna().any():
        return None  # not ISO, or out of range: the general path parses (or reports) it
    return np.append(parsed.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT", "ns"))[codes]
