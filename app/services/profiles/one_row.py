"""The profile counts of one scored row in plain Python: what :func:`~app.services.profiles.build.count_rows`
computes with numpy, without its fixed cost per numpy call (a one-record ``/predict`` spent ~2 ms on a few
hundred calls over one-element arrays). The same cells, sums and keys — a test compares both on hundreds of odd rows.
A value of another kind than the write path gives (a column that is not float64 or text, an unknown band, a
source that is not text) answers None, and the vectorised path counts the row (or says what is wrong).
"""
from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping
from typing import Any

import numpy as np

from app.services.profiles.layout import ProfileLayout
from modeling.drift import binning


def one_row_counts(layout: ProfileLayout, rows: Any) -> dict[str, Any] | None:
    """``GroupedCounts`` fields (all but the model version) of the single row of ``rows`` (``ScoredRows``), or
    None when a value needs the vectorised path."""
    source, band = _scalar(rows.source), _scalar(rows.band)
    actual = _actual(rows.actual)
    codes = _codes(layout, rows.warning_codes)
    if type(source) is not str or band not in layout.bands or actual is None or codes is None:
        return None
    variable_cells = _variable_cells(layout, rows.variables)
    if variable_cells is None:
        return None
    blocks, prob, pred = layout.blocks, float(_scalar(rows.prob)), int(_scalar(rows.pred))
    klass = layout.bands.index(band) * 2 + pred
    labelled = not math.isnan(actual)
    fine = bisect_right(layout.edges.tolist(), prob)
    cells = [blocks["class"].start + klass, blocks["fine"].start + fine, *variable_cells]
    if labelled:
        known = int(actual)
        cells += [blocks["class_labelled"].start + klass, blocks["confusion"].start + pred * 2 + known,
                  (blocks["fine_late"] if known == 0 else blocks["fine_ontime"]).start + fine]
    if codes:
        cells += [blocks["warned"].start, *(blocks["warning_codes"].start + j for j in codes)]
    weight = 1.0 / float(_scalar(rows.request_rows))
    sums = np.zeros((1, len(layout.sum_names)))
    sums[0, klass] = 0.0 + prob  # a sum starts from 0.0, as np.bincount's does (-0.0 comes out 0.0)
    extra = {"prob_labelled": prob if labelled else 0.0,
             "prob_labelled_late": prob if labelled and actual == 0 else 0.0,
             "prob_sq_labelled": prob * prob if labelled else 0.0,
             "latency": float(_scalar(rows.latency_ms)) * weight, "requests": weight}
    for name, value in extra.items():
        sums[0, layout.sum_index[name]] = 0.0 + value
    cells.sort()
    return {"sources": [source], "days": np.asarray(rows.days, dtype="datetime64[D]").reshape(1),
            "rows": np.ones(1, dtype=np.int64),
            "last": np.asarray(rows.scored_at, dtype="datetime64[us]").reshape(1), "sums": sums,
            "group": np.zeros(len(cells), dtype=np.int64), "cells": np.array(cells, dtype=np.int64),
            "values": np.ones(len(cells), dtype=np.int64)}


def _variable_cells(layout: ProfileLayout, variables: Mapping[str, Any]) -> list[int] | None:
    """The cell of each drift variable's bin (and, for numbers outside the reference range, its out-of-range
    cell), or None when a column is missing or of another kind."""
    cells = []
    for variable in layout.drift_variables:
        values = variables.get(variable.name)
        if not isinstance(values, np.ndarray) or values.shape != (1,):
            return None
        block = layout.blocks[f"var:{variable.name}"].start
        if variable.kind == "numeric":
            if values.dtype != np.float64:
                return None
            x = float(values[0])
            cells.append(block + (len(variable.cuts) + 1 if math.isnan(x) else bisect_right(variable.cuts.tolist(), x)))
            low, high = variable.minimum, variable.maximum
            if not math.isnan(x) and (low is None or high is None or x < low or x > high):
                cells.append(layout.blocks[f"oor:{variable.name}"].start)
            continue
        bin_id = _category_bin(values, tuple(variable.categories), tuple(variable.pooled))
        if bin_id is None:
            return None
        cells.append(block + bin_id)
    return cells


def _category_bin(values: np.ndarray, categories: tuple[str, ...], pooled: tuple[str, ...]) -> int | None:
    """``binning.categorical_bin_ids`` of one float64 or text value."""
    n_bins, unseen = binning.categorical_layout(categories, pooled)
    if values.dtype == object:
        found = binning.few_text_ids(values, binning.bins_of_keys(categories, pooled), unseen, n_bins - 1)
        return None if found is None else found[0]
    if values.dtype != np.float64:
        return None
    x = float(values[0])
    if math.isnan(x):
        return n_bins - 1
    bin_id = unseen
    for index, number in binning.numeric_categories(categories):
        if x == number:
            bin_id = index
    if bin_id == unseen and x in binning.pooled_numeric_keys(pooled).tolist():
        bin_id = len(categories)
    return bin_id


def _codes(layout: ProfileLayout, codes: Any) -> list[int] | None:
    """Positions of the row's warning codes among the layout's, ascending (None: not one row's codes)."""
    if isinstance(codes, np.ndarray):
        if codes.size != len(layout.warning_codes):
            return None
        return np.flatnonzero(codes.reshape(-1).astype(bool)).tolist()
    if len(codes) != 1:
        return None
    found = set(codes[0])
    return [j for j, code in enumerate(layout.warning_codes) if code in found]


def _actual(actual: Any) -> float | None:
    """The row's known outcome as a float (NaN: unknown); None for a form the vectorised path converts."""
    if actual is None:
        return math.nan
    if isinstance(actual, np.ndarray) and actual.dtype.kind == "f" and actual.size == 1:
        return float(actual.reshape(-1)[0])
    return None


def _scalar(value: Any) -> Any:
    """A single value, or the one element of an array or list standing for one row."""
    if isinstance(value, np.ndarray):
        return value.reshape(-1).tolist()[0] if value.size == 1 else None
    if isinstance(value, (list, tuple)):
        return value[0] if len(value) == 1 else None
    return value
