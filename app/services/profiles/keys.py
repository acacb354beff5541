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

FEW_ROWS = 64  # up to this many rows, band labels are looked up one by one


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
    """Position of each row's risk band in the layout's bands; an unknown label is a ``ValueError``.

    Each distinct label is looked up once (``pd.factorize``); a few rows (a ``/predict`` request) skip the
    factorization, whose fixed cost is larger than theirs."""
    labels = np.asarray(band, dtype=object)
    flat = labels.ravel()
    lookup = {label: position for position, label in enumerate(layout.bands)}
    if len(flat) <= FEW_ROWS:
        positions = np.array([lookup.get(label, -1) for label in flat.tolist()], dtype=np.int64)
    else:
        codes, uniques = pd.factorize(flat)
        positions = np.array([lookup.get(label, -1) for label in uniques.tolist()], dtype=np.int64)[codes]
        positions[codes < 0] = -1  # a missing label
    if (positions < 0).any():
        raise ValueError(f"risk_band: expected one of {list(layout.bands)}")
    return positions.reshape(labels.shape)
