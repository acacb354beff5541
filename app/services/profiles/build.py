"""Turn scored rows into profile fragments, one per (source, day), in a few vectorised passes.

Every row adds one to a fixed set of cells (its class cell, one bin per drift variable, its fine score bin, …);
the cell indices of all rows form one matrix that a single ``np.bincount`` over ``group * n_cells + cell`` sums
per (source, day) group.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from app.services.profiles.fragment import Fragment
from app.services.profiles.keys import band_positions, source_day_groups
from app.services.profiles.layout import ProfileLayout
from app.services.profiles.one_row import one_row_counts


@dataclass(frozen=True)
class ScoredRows:
    """What the profile needs of scored rows, column by column (single values stand for every row).

    ``variables`` holds each drift variable of the layout (raw inputs and derived features) and ``prob_default``;
    ``actual`` is the known ``Pago_atiempo`` (NaN when unknown); ``warning_codes`` one list of codes per row;
    ``request_rows`` how many rows the row's request logged (latency and request counts are shared among them).
    """

    variables: pd.DataFrame
    prob: np.ndarray
    pred: np.ndarray
    band: np.ndarray
    days: np.ndarray
    source: Any
    actual: np.ndarray | None
    warning_codes: list[list[str]] | np.ndarray
    latency_ms: Any
    request_rows: Any
    scored_at: Any

    def __len__(self) -> int:
        return len(self.prob)


@dataclass(frozen=True)
class GroupedCounts:
    """Counts of rows grouped by (source, day): per group its key, rows, last scoring time and sums; the counts
    as sparse (group, cell, value) triples. Plain arrays, cheap to send between processes."""

    model_version: str
    sources: list[str]
    days: np.ndarray
    rows: np.ndarray
    last: np.ndarray
    sums: np.ndarray
    group: np.ndarray
    cells: np.ndarray
    values: np.ndarray

    def fragments(self) -> list[Fragment]:
        """One :class:`Fragment` per group."""
        bounds = np.searchsorted(self.group, np.arange(len(self.sources) + 1))
        return [Fragment(self.model_version, source, self.days[g].astype(object), int(self.rows[g]),
                         _as_datetime(self.last[g]), self.cells[bounds[g]:bounds[g + 1]].astype(np.uint32),
                         self.values[bounds[g]:bounds[g + 1]], self.sums[g]) for g, source in enumerate(self.sources)]


def build_fragments(layout: ProfileLayout, rows: ScoredRows) -> list[Fragment]:
    """The fragments of ``rows`` (one per distinct source and day)."""
    return count_rows(layout, rows).fragments() if len(rows) else []


def count_rows(layout: ProfileLayout, rows: ScoredRows) -> GroupedCounts:
    """The counts and sums of ``rows`` per (source, day), in a few vectorised passes (one row: in plain Python)."""
    n = len(rows)
    if n == 1 and (one := one_row_counts(layout, rows)) is not None:
        return GroupedCounts(layout.model_version, **one)
    groups = source_day_groups(rows.source, rows.days, n)
    group, n_groups = groups.group, len(groups)
    size = n_groups * layout.n_cells
    totals = np.bincount(_flat_cells(layout, rows, group, n_groups), minlength=size + 1)[:size]  # last: nothing
    occupied = np.flatnonzero(totals)
    scored = np.broadcast_to(np.asarray(rows.scored_at, dtype="datetime64[us]"), (n,))
    return GroupedCounts(
        model_version=layout.model_version, sources=groups.sources, days=groups.days,
        rows=np.bincount(group, minlength=n_groups),
        last=_latest(scored, group, n_groups),
        sums=_sum_matrix(layout, rows, group, n_groups), group=occupied // layout.n_cells,
        cells=occupied % layout.n_cells, values=totals[occupied])


def _flat_cells(layout: ProfileLayout, rows: ScoredRows, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Every (row, column) as ``group × n_cells + cell`` in one flat array, ``n_groups × n_cells`` (one past the
    last count) where the row adds nothing to that column — written column by column into one buffer."""
    columns = _cell_columns(layout, rows)
    base = group.astype(np.int64) * layout.n_cells
    nothing = n_groups * layout.n_cells
    flat = np.empty((len(columns), len(group)), dtype=np.int64)
    for out, cells in zip(flat, columns, strict=True):
        np.add(base, cells, out=out)
        out[cells < 0] = nothing
    return flat.ravel()


def _cell_columns(layout: ProfileLayout, rows: ScoredRows) -> list[np.ndarray]:
    """Per column, the layout cell each row adds one to; -1 where a row adds nothing to that column."""
    blocks, n = layout.blocks, len(rows)
    band_index = band_positions(layout, rows.band)
    pred = np.asarray(rows.pred, dtype=np.int64)
    klass = band_index * 2 + pred
    actual = _actual(rows.actual, n)
    labelled = ~np.isnan(actual)
    known = np.where(labelled, actual, 0).astype(np.int64)
    fine = layout.fine_bin(rows.prob)
    columns = [
        blocks["class"].start + klass,
        np.where(labelled, blocks["class_labelled"].start + klass, -1),
        np.where(labelled, blocks["confusion"].start + pred * 2 + known, -1),
        blocks["fine"].start + fine,
        np.where(labelled, np.where(known == 0, blocks["fine_late"].start, blocks["fine_ontime"].start) + fine, -1),
    ]
    codes = _code_matrix(layout, rows.warning_codes, n)
    columns.append(np.where(codes.any(axis=1), blocks["warned"].start, -1))
    columns += [np.where(codes[:, j], blocks["warning_codes"].start + j, -1) for j in range(codes.shape[1])]
    for variable in layout.drift_variables:
        ids, outside = variable.current_bin_ids(_column(rows.variables, variable.name))
        columns.append(blocks[f"var:{variable.name}"].start + ids.astype(np.int64))
        if outside is not None:
            columns.append(np.where(outside, blocks[f"oor:{variable.name}"].start, -1))
    return columns


def _sum_matrix(layout: ProfileLayout, rows: ScoredRows, group: np.ndarray, n_groups: int) -> np.ndarray:
    n = len(rows)
    prob = np.asarray(rows.prob, dtype=np.float64)
    actual = _actual(rows.actual, n)
    labelled = ~np.isnan(actual)
    weight = 1.0 / np.broadcast_to(np.asarray(rows.request_rows, dtype=np.float64), (n,))
    latency = np.broadcast_to(np.asarray(rows.latency_ms, dtype=np.float64), (n,)) * weight
    klass = band_positions(layout, rows.band) * 2 + np.asarray(rows.pred, dtype=np.int64)
    sums = np.zeros((n_groups, len(layout.sum_names)))
    per_class = np.bincount(group * (2 * len(layout.bands)) + klass, weights=prob,
                            minlength=n_groups * 2 * len(layout.bands))
    sums[:, : 2 * len(layout.bands)] = per_class.reshape(n_groups, -1)
    extra = {"prob_labelled": np.where(labelled, prob, 0.0),
             "prob_labelled_late": np.where(labelled & (actual == 0), prob, 0.0),
             "prob_sq_labelled": np.where(labelled, prob * prob, 0.0), "latency": latency, "requests": weight}
    for name, values in extra.items():
        sums[:, layout.sum_index[name]] = np.bincount(group, weights=values, minlength=n_groups)
    return sums


def _code_matrix(layout: ProfileLayout, codes: list[list[str]] | np.ndarray, n: int) -> np.ndarray:
    """(rows × codes) booleans: does the row carry each of the layout's warning codes."""
    if isinstance(codes, np.ndarray):
        return codes.astype(bool).reshape(n, len(layout.warning_codes))
    matrix = np.zeros((n, len(layout.warning_codes)), dtype=bool)
    position = {code: j for j, code in enumerate(layout.warning_codes)}
    for i, row in enumerate(codes):
        for code in row:
            j = position.get(code)
            if j is not None:
                matrix[i, j] = True
    return matrix


def _actual(actual: np.ndarray | None, n: int) -> np.ndarray:
    if actual is None:
        return np.full(n, np.nan)
    if isinstance(actual, np.ndarray) and actual.dtype.kind == "f":
        return actual.astype(np.float64, copy=False)
    return pd.to_numeric(pd.Series(actual), errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _latest(stamps: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group, the latest of ``stamps`` (NaT only when all of the group's are NaT: NaT is the smallest int)."""
    latest = np.full(n_groups, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(latest, group, stamps.astype(np.int64))
    return latest.view("datetime64[us]")


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        raise ValueError(f"scored rows: missing drift variable {name!r}")
    return frame[name]


def _as_datetime(stamp: np.datetime64) -> datetime | None:
    return None if np.isnat(stamp) else stamp.astype("datetime64[us]").astype(object)
