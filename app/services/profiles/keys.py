"""What places a scored row in a profile: its (source, day) fragment and its risk band's position.

Shared by the fragments written with the rows (:mod:`~app.services.profiles.build`) and the deltas written when
outcomes arrive later (:mod:`~app.services.profiles.outcome_delta`), so both group and index rows the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from app.services.profiles.layout import ProfileLayout


@dataclass(frozen=True)
class SourceDayGroups:
    """Each row's group (``group``), and per group its source and day, ordered by day then source."""

    group: np.ndarray
    sources: list[str]
    days: np.ndarray  # datetime64[D]

    def __len__(self) -> int:
        return len(self.sources)


def source_day_groups(sources: Any, days: Any, n: int) -> SourceDayGroups:
    """Group ``n`` rows by (source, day); a single source stands for every row."""
    codes, names = pd.factorize(np.broadcast_to(np.asarray(sources, dtype=object), (n,)))
    day_numbers = np.asarray(days, dtype="datetime64[D]").astype(np.int64)
    first_day = int(day_numbers.min()) if n else 0
    unique_keys, group = np.unique((day_numbers - first_day) * len(names) + codes, return_inverse=True)
    day_of, source_of = np.divmod(unique_keys, max(len(names), 1))
    return SourceDayGroups(group.astype(np.int64), [str(names[s]) for s in source_of.tolist()],
                           (first_day + day_of).astype("datetime64[D]"))


def band_positions(layout: ProfileLayout, band: Any) -> np.ndarray:
    """Position of each row's risk band in the layout's bands; an unknown label is a ``ValueError``."""
    codes, labels = pd.factorize(np.asarray(band, dtype=object).ravel())
    positions = pd.Index(list(layout.bands), dtype=object).get_indexer(labels)
    if (positions < 0).any() or (codes < 0).any():
        raise ValueError(f"risk_band: expected one of {list(layout.bands)}")
    return positions.astype(np.int64)[codes].reshape(np.shape(band))
