"""The largest PSI of each window: the series the original monitor drew as "PSI máximo por ventana".

From the long frame of :func:`modeling.drift.psi_evolution` (one row per variable and window), each window keeps
the variable with the largest PSI **among those with enough data** (status other than ``insufficient data``),
with that variable's noise level and status. A window is judged only when at least :data:`MIN_JUDGED_SHARE` of
its monitored variables have enough data: a nearly empty window, where one variable out of many happens to pass,
is no evidence that the whole input is stable. Other windows keep their largest PSI (among the variables with
enough data, if any) but are marked ``insufficient data``: shown, never judged, and left out of trend tests.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from modeling.drift.noise import STATUS_INSUFFICIENT

PEAK_COLUMNS = ["window_start", "window_end", "n", "psi_max", "variable", "kind", "noise_level", "band", "status",
                "alert"]
MIN_JUDGED_SHARE = 0.5  # a window's peak is judged when at least half of its variables have enough data


def max_psi_per_window(evolution: pd.DataFrame, *, min_judged_share: float = MIN_JUDGED_SHARE) -> pd.DataFrame:
    """One row per window (in time order), columns ``PEAK_COLUMNS``: the window's rows ``n``, its largest PSI
    among variables with enough data (``psi_max``), that variable, its kind, noise level, band, status and alert.

    A window where fewer than ``min_judged_share`` of the variables have enough data has status ``insufficient
    data`` and no alert; where no variable has enough data it takes its largest PSI overall (NaN when every PSI
    is NaN, e.g. an empty window).
    """
    if evolution.empty:
        return pd.DataFrame(columns=PEAK_COLUMNS)
    frame = evolution.assign(psi=pd.to_numeric(evolution["psi"], errors="coerce"),
                             judged=(evolution["status"] != STATUS_INSUFFICIENT).to_numpy())
    # judged rows first, then larger PSI first (NaN last): the first row of each window is its peak
    ordered = frame.assign(rank_psi=frame["psi"].fillna(-np.inf)).sort_values(
        ["window_start", "judged", "rank_psi"], ascending=[True, False, False], kind="stable")
    peaks = ordered.groupby("window_start", sort=True).head(1)
    grouped = frame.groupby("window_start", sort=True)
    rows = grouped["n"].max()
    judged_count, monitored = grouped["judged"].sum(), grouped["variable"].nunique()
    needed = np.maximum(1, np.ceil(min_judged_share * monitored.to_numpy() - 1e-9))
    enough = pd.Series(judged_count.to_numpy() >= needed, index=judged_count.index)
    window_judged = enough.reindex(peaks["window_start"]).to_numpy(dtype=bool) & peaks["judged"].to_numpy()
    out = pd.DataFrame({
        "window_start": peaks["window_start"].to_numpy(), "window_end": peaks["window_end"].to_numpy(),
        "n": rows.reindex(peaks["window_start"]).to_numpy(dtype=np.int64), "psi_max": peaks["psi"].to_numpy(),
        "variable": peaks["variable"].to_numpy(), "kind": peaks["kind"].to_numpy(),
        "noise_level": pd.to_numeric(peaks["noise_level"], errors="coerce").to_numpy(),
        "band": peaks["band"].to_numpy(), "status": np.where(window_judged, peaks["status"], STATUS_INSUFFICIENT),
        "alert": peaks["alert"].fillna(False).astype(bool).to_numpy() & window_judged})
    return out.reset_index(drop=True)[PEAK_COLUMNS]
