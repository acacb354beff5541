"""The frozen reference profile: bins, counts, range and categories of every monitored variable.

Built once from the training period (:func:`build_reference_profile`), stored as plain JSON in the bundle's
``metadata.json`` and turned back into arrays with :func:`load_profile`; no training rows are needed later.

JSON layout (``version`` 1)::

    {"version": 1, "n_bins": 10, "score": {...} | None, "variables": {name: {...}}}
    numeric:     {"kind": "numeric", "cuts": [c0, …], "counts": [...], "labels": [...],
                  "missing_share": s, "min": lo | None, "max": hi | None}
    categorical: {"kind": "categorical", "categories": ["4", "9", …], "pooled": ["6", "7", …],
                  "counts": [...], "labels": [...], "missing_share": s}

Numeric cuts are the reference quantiles ``1/n_bins, …, (n_bins-1)/n_bins`` with duplicates merged. A column
with at most ``n_bins`` distinct values (a flag, a constant, a short code list) gets one bin per value
instead: cuts halfway between consecutive values and half a gap beyond the extremes (±0.5, or 1 % of
the value, for a constant), so a 0/1 flag with 3 % ones, or a constant that moves, still shows in PSI.

Only the inner cut points are stored: the outer bins are open-ended by definition, so no ``±inf`` ever
reaches the JSON. ``counts`` follows the bin layout of :mod:`modeling.drift.binning` (value bins, or
categories, [``Otras (raras)``], ``Unseen``; then ``Missing``); reference counts, not shares, so the
reference size is known.

``categories`` are the frequent reference categories, one bin each; ``pooled`` the rare ones that share the
single ``Otras (raras)`` bin (rule in :mod:`modeling.drift.reference`), so a current value equal to a pooled
category lands in that bin, not in ``Unseen``. Profiles written before pooling existed have no ``pooled``
key: they load as "nothing pooled" (one bin per reference category, exactly as they were built), which is
why the layout version is still 1.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from modeling.drift import binning

PROFILE_VERSION = 1
SCORE_NAME = "prob_default"
KINDS = ("numeric", "categorical")


class ProfileError(ValueError):
    """A stored profile is malformed; the message names the key."""


@dataclass(frozen=True)
class VariableProfile:
    """Frozen bins of one variable and its reference counts."""

    name: str
    kind: str
    counts: np.ndarray
    labels: tuple[str, ...]
    cuts: np.ndarray = field(default_factory=lambda: np.empty(0))
    categories: tuple[str, ...] = ()
    pooled: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    @property
    def n(self) -> int:
        """Number of reference rows."""
        return int(self.counts.sum())

    @property
    def missing_share(self) -> float:
        """Share of reference rows that are missing (0.0 for an empty reference)."""
        return float(self.counts[-1] / self.n) if self.n else 0.0

    def current_counts(self, column: pd.Series) -> tuple[np.ndarray, int | None]:
        """Counts of a current column in the frozen bins, and (numeric only) its out-of-range count."""
        if self.kind == "categorical":
            return binning.categorical_counts(column, self.categories, self.pooled), None
        x = binning.as_float_array(column, self.name)
        return binning.numeric_counts(x, self.cuts), int(np.count_nonzero(self.out_of_range(x)))

    def current_bin_ids(self, column: pd.Series) -> tuple[np.ndarray, np.ndarray | None]:
        """Bin index per row of a current column, and (numeric only) the out-of-range mask."""
        if self.kind == "categorical":
            return binning.categorical_bin_ids(column, self.categories, self.pooled), None
        x = binning.as_float_array(column, self.name)
        return binning.numeric_bin_ids(x, self.cuts), self.out_of_range(x)

    def out_of_range(self, x: np.ndarray) -> np.ndarray:
        """Mask of non-missing values outside the reference [min, max] (all of them if it had no values)."""
        if self.minimum is None or self.maximum is None:
            return ~np.isnan(x)
        return (x < self.minimum) | (x > self.maximum)

    def to_dict(self) -> dict:
        """JSON-safe form (plain floats, ints and strings only)."""
        data: dict = {"kind": self.kind}
        if self.kind == "numeric":
            data["cuts"] = [float(c) for c in self.cuts]
        else:
            data.update(categories=list(self.categories), pooled=list(self.pooled))
        data.update(counts=[int(c) for c in self.counts], labels=list(self.labels),
                    missing_share=self.missing_share)
        if self.kind == "numeric":
            data.update(min=self.minimum, max=self.maximum)
        return data

    @classmethod
    def from_dict(cls, name: str, data: object) -> VariableProfile:
        """Rebuild from :meth:`to_dict` output, raising :class:`ProfileError` on any malformed key."""
        where = f"profile variable {name!r}"
        if not isinstance(data, dict) or data.get("kind") not in KINDS:
            raise ProfileError(f"{where}: expected a dict with kind in {KINDS}, found {data!r:.80}")
        kind = data["kind"]
        try:
            counts = np.asarray(data["counts"], dtype=np.int64)
            labels = tuple(str(label) for label in data["labels"])
            cuts = np.asarray(data.get("cuts", []), dtype=np.float64)
            categories = tuple(str(c) for c in data.get("categories", []))
            pooled = tuple(str(c) for c in data.get("pooled", []))  # absent in profiles built before pooling
            bounds = [None if data.get(k) is None else float(data[k]) for k in ("min", "max")]
        except (KeyError, TypeError, ValueError) as error:
            raise ProfileError(f"{where}: missing or invalid key ({error})") from error
        n_value_bins = cuts.size + 1 if kind == "numeric" else len(categories) + bool(pooled) + 1
        if len({*categories, *pooled}) != len(categories) + len(pooled):
            raise ProfileError(f"{where}: expected distinct keys in categories and pooled, found a repeated one")
        if counts.ndim != 1 or counts.size != n_value_bins + 1 or len(labels) != counts.size:
            raise ProfileError(f"{where}: expected {n_value_bins + 1} counts and labels, "
                               f"found {counts.size} counts and {len(labels)} labels")
        if (counts < 0).any() or counts.sum() == 0 or not np.isfinite(cuts).all() or (np.diff(cuts) <= 0).any():
            raise ProfileError(f"{where}: expected counts >= 0 with a positive total and finite, strictly "
                               f"increasing cuts")
        return cls(name, kind, counts, labels, cuts, categories, pooled, bounds[0], bounds[1])


@dataclass(frozen=True)
class FrozenProfile:
    """A loaded profile: one :class:`VariableProfile` per variable, plus the score's."""

    variables: dict[str, VariableProfile]
    score: VariableProfile | None
    n_bins: int


def load_profile(profile: dict | FrozenProfile) -> FrozenProfile:
    """Arrays ready for comparison from a stored profile dict (a loaded profile passes through)."""
    if isinstance(profile, FrozenProfile):
        return profile
    if not isinstance(profile, dict) or not isinstance(profile.get("variables"), dict):
        raise ProfileError("profile: expected a dict with a 'variables' mapping (from build_reference_profile)")
    if profile.get("version") != PROFILE_VERSION:
        raise ProfileError(f"profile: expected version {PROFILE_VERSION}, found {profile.get('version')!r}")
    variables = {str(name): VariableProfile.from_dict(str(name), data) for name, data in profile["variables"].items()}
    score = profile.get("score")
    return FrozenProfile(variables, None if score is None else VariableProfile.from_dict(SCORE_NAME, score),
                         int(profile.get("n_bins", 10)))
