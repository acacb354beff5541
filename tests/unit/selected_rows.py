"""Which logged rows a :class:`Selection` chooses, computed with pandas on the rows (the tests' expectation)."""
from __future__ import annotations

import pandas as pd

from app.services.selection import Selection


def selected(rows: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """The rows a selection chooses (sources and inclusive day range)."""
    keep = rows["source"].isin(selection.sources).to_numpy()
    if selection.start is not None:
        keep &= (rows["day"] >= pd.Timestamp(selection.start)).to_numpy()
    if selection.end is not None:
        keep &= (rows["day"] <= pd.Timestamp(selection.end)).to_numpy()
    return rows[keep].reset_index(drop=True)
