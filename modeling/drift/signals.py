"""Companion signals shown beside PSI: missing share, out-of-range share and unseen-category share.

Decile PSI folds far out-of-range values into the outer bins and treats a rise in missing values like any
other bin, so these shares are reported on their own (a 5 % mass outside the training range moves
decile PSI by ~0.02 only).

Flag rule: a signal is flagged when the current sample has at least ``min_rows`` rows and its share moved
away from the reference share (0 for out-of-range and unseen values, by construction) by at least
``SIGNAL_MIN_CHANGE`` (2 points) **and** by more than ``SIGNAL_Z`` (1.645, one-sided 95 %) standard errors
of a two-proportion comparison with pooled share. Missing share is flagged in either direction.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from modeling.drift.noise import MIN_ROWS
from modeling.drift.profile import VariableProfile

SIGNAL_MIN_CHANGE = 0.02
SIGNAL_Z = 1.645
SIGNAL_NAMES = ("missing", "out_of_range", "unseen")


@dataclass(frozen=True)
class CompanionSignals:
    """The three shares of one variable in one current sample (``None`` when not applicable or empty)."""

    missing_share_ref: float
    missing_share_cur: float | None
    out_of_range_share: float | None
    unseen_share: float | None
    flagged: tuple[str, ...]


def _flag(ref_count: float, n_ref: float, cur_count: np.ndarray, n_cur: np.ndarray, min_rows: int,
          two_sided: bool) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        change = cur_count / n_cur - (ref_count / n_ref if n_ref else 0.0)
        pooled = (ref_count + cur_count) / (n_ref + n_cur)
        standard_error = np.sqrt(pooled * (1 - pooled) * (1 / max(n_ref, 1) + 1 / n_cur))
    moved = np.abs(change) if two_sided else change
    return (n_cur >= min_rows) & (moved >= SIGNAL_MIN_CHANGE) & (moved > SIGNAL_Z * standard_error)


def signal_arrays(variable: VariableProfile, cur_counts: np.ndarray, out_of_range_counts: np.ndarray | None,
                  min_rows: int = MIN_ROWS) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per current sample (rows of ``cur_counts``), each applicable signal's (share, flagged) arrays.

    Shares are NaN for empty samples. ``out_of_range_counts`` is given for numeric variables only.
    """
    cur_counts = np.atleast_2d(cur_counts).astype(np.float64)
    n_cur = cur_counts.sum(axis=1)
    n_ref = float(variable.n)
    with np.errstate(divide="ignore", invalid="ignore"):
        def share(count: np.ndarray) -> np.ndarray:
            return np.where(n_cur > 0, count / n_cur, np.nan)

        missing = cur_counts[:, -1]
        result = {"missing": (share(missing), _flag(variable.counts[-1], n_ref, missing, n_cur, min_rows, True))}
        if variable.kind == "numeric" and out_of_range_counts is not None:
            outside = np.atleast_1d(out_of_range_counts).astype(np.float64)
            result["out_of_range"] = (share(outside), _flag(0.0, n_ref, outside, n_cur, min_rows, False))
        if variable.kind == "categorical":
            unseen = cur_counts[:, -2]
            result["unseen"] = (share(unseen), _flag(0.0, n_ref, unseen, n_cur, min_rows, False))
    return result


def companion_signals(variable: VariableProfile, cur_counts: np.ndarray, out_of_range_count: int | None,
                      min_rows: int = MIN_ROWS) -> CompanionSignals:
    """The companion signals of one variable in one current sample."""
    arrays = signal_arrays(variable, cur_counts, None if out_of_range_count is None else
                           np.array([out_of_range_count]), min_rows)

    def value(name: str) -> float | None:
        if name not in arrays or np.isnan(arrays[name][0][0]):
            return None
        return float(arrays[name][0][0])

    flagged = tuple(name for name in SIGNAL_NAMES if name in arrays and bool(arrays[name][1][0]))
    return CompanionSignals(variable.missing_share, value("missing"), value("out_of_range"), value("unseen"),
                            flagged)
