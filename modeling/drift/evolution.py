"""PSI of every variable and of the score per time window, in one vectorised pass per variable.

Every row is binned once; the counts of all windows come from a single ``np.bincount`` over
``window_id · n_bins + bin_id``; PSI, noise level and status are then computed for all windows at once
with the same functions (and rules) as :func:`modeling.drift.drift_report`. Empty and tiny windows get
status ``insufficient data`` and NaN PSI (use :func:`modeling.drift.frame_records` for ``None``).

:func:`evolution_from_counts` (one variable) and :func:`psi_evolution_from_counts` (a whole profile) start from
the (windows × bins) counts instead of rows, as mergeable profiles hold them; the row functions bin the rows
and call them.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from modeling.data.columns import TEMPORAL_FEATURES
from modeling.drift.compare import excluded_names, monitored, require_columns, require_counts, score_array
from modeling.drift.noise import MIN_ROWS, classify, noise_level
from modeling.drift.profile import SCORE_NAME, FrozenProfile, VariableProfile, load_profile
from modeling.drift.psi import BAND_NAMES, DEFAULT_BANDS, band_index, occupied_bins, psi_from_counts, validate_bands
from modeling.drift.signals import signal_arrays
from modeling.drift.windows import Windows, assign_windows

EVOLUTION_COLUMNS = ["window", "window_start", "window_end", "variable", "kind", "n", "psi", "band", "noise_level",
                     "status", "alert", "missing_share", "out_of_range_share", "unseen_share"]
_BAND_LOOKUP = np.array([*BAND_NAMES, None], dtype=object)  # index -1 (NaN PSI) → None


def window_counts(variable: VariableProfile, column: pd.Series,
                  windows: Windows) -> tuple[np.ndarray, np.ndarray | None]:
    """Counts per (window, bin) of one column, and (numeric only) out-of-range counts per window."""
    bin_ids, outside = variable.current_bin_ids(column)
    n_bins = variable.counts.size
    flat = windows.ids * n_bins
    flat += bin_ids
    counts = np.bincount(flat, minlength=windows.count * n_bins).reshape(windows.count, n_bins)
    outside_counts = None if outside is None else np.bincount(windows.ids[outside], minlength=windows.count)
    return counts, outside_counts


def evolution_from_counts(variable: VariableProfile, counts: np.ndarray, outside: np.ndarray | None,
                          windows: Windows, *, bands: Sequence[float] = DEFAULT_BANDS, min_rows: int = MIN_ROWS,
                          kind: str | None = None) -> pd.DataFrame:
    """The long-format rows (one per window) of one variable from its (windows × bins) counts and, numeric
    variables only, its out-of-range count per window (``None`` otherwise)."""
    counts = np.asarray(counts, dtype=np.int64).reshape(windows.count, variable.counts.size)
    if outside is not None:
        outside = np.asarray(outside, dtype=np.int64).reshape(windows.count)
    n = counts.sum(axis=1)
    psi = np.atleast_1d(psi_from_counts(variable.counts, counts))
    noise = noise_level(variable.n, n, occupied_bins(variable.counts, counts).sum(axis=1))
    status, alert = classify(psi, noise, n, bands, min_rows)
    signals = signal_arrays(variable, counts, outside, min_rows)
    empty = np.full(windows.count, np.nan)
    return pd.DataFrame({
        "window": windows.labels, "window_start": windows.starts, "window_end": windows.ends,
        "variable": variable.name, "kind": kind or variable.kind, "n": n, "psi": psi,
        "band": _BAND_LOOKUP[band_index(psi, bands)], "noise_level": noise, "status": status, "alert": alert,
        "missing_share": signals["missing"][0],
        "out_of_range_share": signals["out_of_range"][0] if "out_of_range" in signals else empty,
        "unseen_share": signals["unseen"][0] if "unseen" in signals else empty,
    }, columns=EVOLUTION_COLUMNS)


def psi_evolution_from_counts(profile: dict | FrozenProfile,
                              counts: Mapping[str, tuple[np.ndarray, np.ndarray | None]], windows: Windows, *,
                              exclude: Sequence[str] = TEMPORAL_FEATURES, bands: tuple[float, float] = DEFAULT_BANDS,
                              min_rows: int = MIN_ROWS) -> pd.DataFrame:
    """:func:`psi_evolution` from counts: ``counts`` maps every monitored variable (and ``prob_default`` to
    include the score) to its (windows × bins) counts and out-of-range counts per window (``None`` for
    categorical variables); ``windows`` gives the windows' labels and bounds."""
    frozen = load_profile(profile)
    bands = validate_bands(bands)
    excluded = excluded_names(exclude)
    variables = monitored(frozen, excluded)
    require_counts(counts, variables)
    blocks = [evolution_from_counts(v, *counts[v.name], windows, bands=bands, min_rows=min_rows) for v in variables]
    if SCORE_NAME in counts and SCORE_NAME not in excluded:
        if frozen.score is None:
            raise ValueError("scores: the reference profile has no score bins (it was built without scores)")
        blocks.append(evolution_from_counts(frozen.score, *counts[SCORE_NAME], windows, bands=bands,
                                            min_rows=min_rows, kind="score"))
    if not blocks or windows.count == 0:
        return pd.DataFrame(columns=EVOLUTION_COLUMNS)
    return pd.concat(blocks, ignore_index=True)


def psi_evolution(profile: dict | FrozenProfile, current: pd.DataFrame, dates: Sequence | pd.Series | str, *,
                  freq: str | int = "M", scores: np.ndarray | None = None,
                  exclude: Sequence[str] = TEMPORAL_FEATURES, bands: tuple[float, float] = DEFAULT_BANDS,
                  min_rows: int = MIN_ROWS) -> pd.DataFrame:
    """PSI per time window of every monitored variable (and of the score) against the frozen profile.

    Parameters
    ----------
    profile : the stored profile dict or a loaded ``FrozenProfile``.
    current : current rows holding every monitored column.
    dates : one loan date per row of ``current`` (or the name of its date column).
    freq : ``"M"`` month, ``"W"`` week (from Monday), ``"D"`` day, or an int N (every N rows in date order).
    scores, exclude, bands, min_rows : as in :func:`modeling.drift.drift_report`.

    Returns
    -------
    pd.DataFrame : long format, one row per (variable, window), columns ``EVOLUTION_COLUMNS``
        (``window``, ``window_start``, ``window_end``, ``variable``, ``kind``, ``n``, ``psi``, ``band``,
        ``noise_level``, ``status``, ``alert`` and the companion shares). Empty periods between the first
        and last date are included with ``n`` = 0, NaN PSI and status ``insufficient data``.
    """
    frozen = load_profile(profile)
    if isinstance(dates, str):
        if dates not in current.columns:
            raise ValueError(f"dates: column {dates!r} not found in the current data")
        dates = current[dates]
    if len(dates) != len(current):
        raise ValueError(f"dates: expected {len(current)} dates (one per current row), found {len(dates)}")
    excluded = excluded_names(exclude)
    variables = monitored(frozen, excluded)
    require_columns(current, variables)
    windows = assign_windows(dates, freq)
    counts = {v.name: window_counts(v, current[v.name], windows) for v in variables}
    if scores is not None and SCORE_NAME not in excluded:
        values = pd.Series(score_array(scores, len(current), frozen), name=SCORE_NAME)
        counts[SCORE_NAME] = window_counts(frozen.score, values, windows)
    return psi_evolution_from_counts(frozen, counts, windows, exclude=excluded, bands=bands, min_rows=min_rows)
