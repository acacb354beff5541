"""Soft checks on records about to be scored: per-record warnings derived from a bundle's stored schema.

Nothing here rejects a record (hard errors come from :mod:`modeling.data.coercion`); these warnings tell a
client that the model is extrapolating or that a value will be reinterpreted. Each warning is a dict
``{"field", "code", "message"}`` with ``code`` one of :data:`WARNING_CODES`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from modeling.data.columns import DATE_COLUMN, UNKNOWN_TREND
from modeling.data.schema import TEXT_MAX_LENGTH, ColumnSpec

TREND_COLUMN = "tendencia_ingresos"
WARNING_CODES = (
    "outside_training_range",  # numeric value beyond the training period's min/max
    "implausible_value",       # numeric value outside the schema's plausible range
    "unseen_category",         # category or code never seen in the training period
    "unknown_trend",           # tendencia_ingresos value that the model reads as Sin_informacion
    "date_defaulted",          # fecha_prestamo missing: the scoring time was used
)
_SPEC_FIELDS = ("name", "kind", "role", "nullable", "valid_range", "plausible_range", "categories",
                "description", "example", "max_length")


def stored_specs(schema: Mapping[str, Any], roles: Iterable[str] = ("feature",)) -> tuple[ColumnSpec, ...]:
    """Rebuild the :class:`ColumnSpec` objects stored in a bundle's ``schema`` document.

    Parameters
    ----------
    schema : mapping
        The ``metadata["schema"]`` document written by :func:`modeling.data.schema.schema_document`.
    roles : iterable of str
        Keep only columns with these roles, in stored order.
    """
    wanted = set(roles)
    specs = []
    for entry in schema["columns"]:
        if entry.get("role", "feature") not in wanted:
            continue
        values = {key: entry[key] for key in _SPEC_FIELDS if key in entry}
        for key in ("valid_range", "plausible_range", "categories"):
            if key in values:
                values[key] = tuple(values[key])
        if values.get("kind") == "category" and values.get("max_length") is None:
            values["max_length"] = TEXT_MAX_LENGTH  # bundles trained before text limits were declared
        specs.append(ColumnSpec(**values))
    return tuple(specs)


def input_warnings(frame: pd.DataFrame, schema: Mapping[str, Any],
                   date_defaulted: np.ndarray | None = None) -> list[list[dict[str, str]]]:
    """Warnings for each row of a coerced feature frame (positional: one list per row).

    Parameters
    ----------
    frame : DataFrame
        Records already converted by :func:`modeling.data.coercion.coerce_frame`.
    schema : mapping
        The bundle's stored schema document (with ``training`` summaries per feature).
    date_defaulted : array of bool, optional
        Rows whose ``fecha_prestamo`` was missing and replaced by the scoring time.
    """
    per_row: list[list[dict[str, str]]] = [[] for _ in range(len(frame))]
    for entry in schema["columns"]:
        name = entry["name"]
        if entry.get("role") != "feature" or name not in frame.columns:
            continue
        for positions, code, message in _column_checks(frame[name], entry):
            for pos in positions:
                per_row[pos].append({"field": name, "code": code, "message": message(pos)})
    if date_defaulted is not None:
        note = {"field": DATE_COLUMN, "code": "date_defaulted",
                "message": "fecha_prestamo missing: the scoring time was used as the loan date"}
        for pos in np.flatnonzero(date_defaulted):
            per_row[pos].append(dict(note))
    return per_row


def _column_checks(series: pd.Series, entry: Mapping[str, Any]) -> list[tuple[np.ndarray, str, Any]]:
    """(row positions, code, message builder) for every soft check that fires on one column."""
    kind, name = entry["kind"], entry["name"]
    training = entry.get("training") or {}
    values = series.to_numpy()
    present = pd.notna(values)
    checks: list[tuple[np.ndarray, str, Any]] = []
    if name == TREND_COLUMN:
        known = set(entry.get("categories") or ())
        stray = present & ~pd.Index(values).isin(list(known))
        checks.append((np.flatnonzero(stray), "unknown_trend",
                       lambda p: f"{values[p]!r} is not one of {sorted(known)}: read as {UNKNOWN_TREND}"))
    elif kind in ("code", "category") and "categories" in training:
        seen = training["categories"]
        unseen = present & ~pd.Index(values).isin(seen)
        checks.append((np.flatnonzero(unseen), "unseen_category",
                       lambda p: f"{_fmt(values[p])} was never seen in training (seen: {_fmt_list(seen)})"))
    elif kind in ("integer", "numeric"):
        number = values.astype("float64")
        if training.get("min") is not None and training.get("max") is not None:
            checks.append(_range_check(number, present, (training["min"], training["max"]),
                                       "outside_training_range", "training range"))
        bounds = tuple(entry.get("plausible_range") or (None, None))
        if bounds != (None, None):
            checks.append(_range_check(number, present, bounds, "implausible_value", "plausible range"))
    return [check for check in checks if len(check[0])]


def _range_check(number: np.ndarray, present: np.ndarray, bounds: tuple[float | None, float | None],
                 code: str, label: str) -> tuple[np.ndarray, str, Any]:
    lo, hi = bounds
    mask = present & ((number < (-np.inf if lo is None else lo)) | (number > (np.inf if hi is None else hi)))
    suffix = f" is outside the {label} [{'-inf' if lo is None else _fmt(lo)}, {'inf' if hi is None else _fmt(hi)}]"
    return np.flatnonzero(mask), code, lambda p: _fmt(number[p]) + suffix


def _fmt(value: Any) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    return repr(value) if isinstance(value, str) else str(value)


def _fmt_list(values: Iterable[Any]) -> str:
    return ", ".join(_fmt(v) for v in values)
