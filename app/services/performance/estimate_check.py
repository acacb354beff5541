"""Does the CBPE estimate hold where outcomes are known? A window (or the whole selection) whose realised value and
estimated value both exist, with 95 % intervals that do not overlap, shows the estimate failing on these very
loans: the calibrated-probability assumption does not hold here (e.g. drifted traffic), whatever the calibration
check said on the pooled labelled rows. Such rows are *mismatches*; the dashboard then says to trust the
realised values."""
from __future__ import annotations

import pandas as pd

MISMATCH_COLUMNS = ["window", "metric", "value", "low", "high", "value_est", "low_est", "high_est"]


def estimate_mismatches(realised: pd.DataFrame, estimated: pd.DataFrame) -> pd.DataFrame:
    """Rows (``window``, ``metric``; the whole selection has window NaT) where the realised interval
    [``low``, ``high``] and the estimated one [``low_est``, ``high_est``] are disjoint."""
    known = realised[~realised["insufficient"] & realised["value"].notna()]
    joined = known[["window", "metric", "value", "low", "high"]].merge(
        estimated[["window", "metric", "value", "low", "high"]], on=["window", "metric"], suffixes=("", "_est"))
    joined = joined[joined["value_est"].notna()]
    apart = (joined["high"] < joined["low_est"]) | (joined["low"] > joined["high_est"])
    return joined.loc[apart, MISMATCH_COLUMNS].reset_index(drop=True)
