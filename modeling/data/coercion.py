"""Vectorised conversion of raw records to the schema's dtypes, collecting every problem.

Used by the file loader, the JSON API and batch uploads alike. Row numbers in
problems are positional (0-based) plus ``row_offset`` so each caller can speak
its user's language (spreadsheet rows, JSON array indexes).
"""
from __future__ import annotations

import functools
import sys
from collections.abc import Iterable

import numpy as np
import pandas as pd

from modeling.data.schema import CoercedFrame, ColumnSpec, Problem

_KIND_EXPECTED = {
    "code": "an integer code",
    "integer": "an integer",
    "numeric": "a number",
    "category": "a text value",
    "datetime": "a date (YYYY-MM-DD[ HH:MM:SS]) between 1677-09-22 and 2262-04-11",
    "target": "0 or 1",
}
MAX_PROBLEMS_PER_COLUMN = 20


def normalize_header(name: object) -> str:
    """Header key used for tolerant matching: stripped, case-folded, BOM removed."""
    return str(name).replace("\ufeff", "").strip().casefold()


def match_columns(columns: Iterable[object], specs: Iterable[ColumnSpec]) -> tuple[dict[object, str], list[object]]:
    """Map incoming headers to spec names ignoring case and spaces; return (mapping, extra headers)."""
    wanted = {normalize_header(s.name): s.name for s in specs}
    mapping: dict[object, str] = {}
    extra: list[object] = []
    for col in columns:
        target = wanted.get(normalize_header(col))
        if target is not None and target not in mapping.values():
            mapping[col] = target
        else:
            extra.append(col)
    return mapping, extra


def _problems_for_rows(mask: np.ndarray, raw: pd.Series, spec: ColumnSpec, message: str,
                  expected: str, row_offset: int, limit: int | None = MAX_PROBLEMS_PER_COLUMN) -> list[Problem]:
    positions = np.flatnonzero(mask)
    shown = positions if limit is None else positions[:limit]
    problems = [
        Problem(spec.name, message, row=int(pos) + row_offset, value=_jsonable(raw.iloc[pos]), expected=expected)
        for pos in shown
    ]
    if len(positions) > len(shown):
        problems.append(Problem(spec.name, f"{len(positions) - len(shown)} more rows with the "
                                f"same problem ({message})", expected=expected))
    return problems


def _jsonable(value: object) -> object:
    if isinstance(value, (np.generic,)):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def _to_number(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Convert to float64; return (values, mask of present-but-unparseable entries, booleans included).

    Infinite values and integers too large for a float count as unparseable.
    """
    if raw.dtype == bool:
        return pd.Series(np.nan, index=raw.index), np.ones(len(raw), dtype=bool)
    if raw.dtype != object:
        values = pd.to_numeric(raw, errors="coerce").astype("float64")
        bad = np.isinf(values.to_numpy())
        return values.where(~bad), bad
    is_bool = raw.map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)
    too_big = raw.map(lambda v: isinstance(v, int) and abs(v) > sys.float_info.max).to_numpy(dtype=bool)
    text = raw.where(~(is_bool | too_big)).map(lambda v: v.strip() or None if isinstance(v, str) else v)
    try:
        values = pd.to_numeric(text, errors="coerce").astype("float64")
    except OverflowError:  # a Python int beyond int64 that pandas refuses to convert in bulk
        values = text.map(_float_or_nan).astype("float64")
    bad = (values.isna() & text.notna()).to_numpy() | is_bool | too_big | np.isinf(values.to_numpy())
    return values.where(~bad), bad


def _float_or_nan(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return np.nan


def _to_datetime(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Convert to naive datetime64[ns] (UTC for zoned input); return (values, unparseable mask)."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        values = raw.dt.tz_convert(None) if getattr(raw.dt, "tz", None) is not None else raw
        return values.astype("datetime64[ns]"), np.zeros(len(raw), dtype=bool)
    text = raw.map(lambda v: v.strip() or None if isinstance(v, str) else v)
    is_text = text.map(lambda v: isinstance(v, (str, pd.Timestamp))).to_numpy(dtype=bool)
    values = pd.to_datetime(text.where(is_text), errors="coerce", format="mixed", utc=True).dt.tz_convert(None)
    bad = (values.isna() & text.notna()).to_numpy()
    return values.astype("datetime64[ns]"), bad


def _clean_text(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text if text else np.nan


def _length_note(value: object) -> str:
    """How a too-long value is echoed back: its length, not the value itself."""
    return f"{len(str(value))} characters"


def coerce_column(raw: pd.Series, spec: ColumnSpec, row_offset: int = 0,
                  max_problems: int | None = MAX_PROBLEMS_PER_COLUMN) -> tuple[pd.Series, list[Problem]]:
    """Convert one column to its schema dtype; list unparseable, missing and out-of-range values.

    At most ``max_problems`` problems per kind are listed one by one (None: all of them).
    """
    expected = _KIND_EXPECTED[spec.kind]
    raw = raw.reset_index(drop=True)
    _row_problems = functools.partial(_problems_for_rows, limit=max_problems)
    if spec.kind == "category":
        bad = raw.map(lambda v: isinstance(v, (dict, list, tuple, set))).to_numpy(dtype=bool)
        values = raw.where(~bad).map(_clean_text).astype(object)
        problems: list[Problem] = _row_problems(bad, raw, spec, "not a text value", expected, row_offset)
        if spec.max_length is not None:
            long = values.map(lambda v: isinstance(v, str) and len(v) > spec.max_length).to_numpy(dtype=bool)
            if long.any():
                problems += _row_problems(long, raw.where(~long, raw.map(_length_note)), spec, "text too long",
                                          f"at most {spec.max_length} characters", row_offset)
                bad = bad | long
                values = values.where(~long)
    elif spec.kind == "datetime":
        values, bad = _to_datetime(raw)
        problems = _row_problems(bad, raw, spec, "could not be parsed", expected, row_offset)
    else:
        values, bad = _to_number(raw)
        problems = _row_problems(bad, raw, spec, "could not be parsed", expected, row_offset)
        present = values.notna().to_numpy()
        if spec.kind in ("code", "integer", "target"):
            frac = present & (np.mod(values.fillna(0).to_numpy(), 1) != 0)
            problems += _row_problems(frac, raw, spec, "not a whole number", expected, row_offset)
            bad = bad | frac
        if spec.kind == "target":
            other = present & ~bad & ~values.isin([0, 1]).to_numpy()
            problems += _row_problems(other, raw, spec, "not a valid class", expected, row_offset)
            bad = bad | other
        lo, hi = spec.valid_range
        number = values.to_numpy()
        out = np.zeros(len(raw), dtype=bool)
        if lo is not None:
            out |= present & (number < lo)
        if hi is not None:
            out |= present & (number > hi)
        out &= ~bad
        bounds = f"a value in [{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}]"
        problems += _row_problems(out, raw, spec, "outside the valid range", bounds, row_offset)
        bad = bad | out
        values = values.where(~bad)
    if not spec.nullable:
        missing = values.isna().to_numpy() & ~bad
        problems += _row_problems(missing, raw, spec, "missing value", expected, row_offset)
    return values, problems


def coerce_frame(df: pd.DataFrame, specs: Iterable[ColumnSpec], *, optional: Iterable[str] = (),
                 row_offset: int = 0, max_problems_per_column: int | None = MAX_PROBLEMS_PER_COLUMN) -> CoercedFrame:
    """Convert ``df`` (headers already matched) to the schema dtypes for ``specs``.

    Columns named in ``optional`` may be absent; absent optional columns are not
    added. Every missing required column and every bad value is reported.
    """
    optional = set(optional)
    out: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    for spec in specs:
        if spec.name not in df.columns:
            if spec.name not in optional:
                problems.append(Problem(spec.name, "missing column", expected=_KIND_EXPECTED[spec.kind]))
            continue
        values, col_problems = coerce_column(df[spec.name], spec, row_offset, max_problems_per_column)
        out[spec.name] = values
        problems += col_problems
    frame = pd.DataFrame(out, index=pd.RangeIndex(len(df)))
    return CoercedFrame(frame=frame, problems=problems)
