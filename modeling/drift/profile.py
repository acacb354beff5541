"""The frozen reference profile: bins, counts, range and categories of every monitored variable.

Built once from the training period (:func:`build_reference_profile`), stored as plain JSON in the bundle's
``metadata.json`` and turned back into arrays with :func:`load_profile`; no training rows are needed later.

JSON layout (``version`` 1)::

    {"version": 1, "n_bins": 10, "score": {...} | None, "variables": {name: {...}}}
    numeric:     {"kind": "numeric", "cuts": [c0, …], "counts": [...], "labels": [...],
                  "missing_share": s, "min": lo | None, "max": hi | None}
    categorical: {"kind": "categorical", "categories": ["4", "9", …], "counts": [...], "labels": [...],
                  "missing_share": s}

Only the inner cut points are stored: the outer bins are open-ended by definition, so no ``±inf`` ever
reaches the JSON. ``counts`` follows the bin layout of :mod:`modeling.drift.binning` (value bins or
categories, [``Unseen``], ``Missing``); reference counts, not shares, so the reference size is known.
"""
from __future__ import annotations

from collections.abc import Sequence
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
            return binning.categorical_counts(column, self.categories), None
        x = binning.as_float_array(column, self.name)
        return binning.numeric_counts(x, self.cuts), int(np.count_nonzero(self.out_of_range(x)))

    def current_bin_ids(self, column: pd.Series) -> tuple[np.ndarray, np.ndarray | None]:
        """Bin index per row of a current column, and (numeric only) the out-of-range mask."""
        if self.kind == "categorical":
            return binning.categorical_bin_ids(column, self.categories), None
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
            data["categories"] = list(self.categories)
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
            bounds = [None if data.get(k) is None else float(data[k]) for k in ("min", "max")]
        except (KeyError, TypeError, ValueError) as error:
            raise ProfileError(f"{where}: missing or invalid key ({error})") from error
        n_value_bins = cuts.size + 1 if kind == "numeric" else len(categories) + 1
        if counts.ndim != 1 or counts.size != n_value_bins + 1 or len(labels) != counts.size:
            raise ProfileError(f"{where}: expected {n_value_bins + 1} counts and labels, "
                               f"found {counts.size} counts and {len(labels)} labels")
        if (counts < 0).any() or not np.isfinite(cuts).all() or (np.diff(cuts) <= 0).any():
            raise ProfileError(f"{where}: counts must be >= 0 and cuts finite and strictly increasing")
        return cls(name, kind, counts, labels, cuts, categories, bounds[0], bounds[1])


@dataclass(frozen=True)
class FrozenProfile:
    """A loaded profile: one :class:`VariableProfile` per variable, plus the score's."""

    variables: dict[str, VariableProfile]
    score: VariableProfile | None
    n_bins: int


def _numeric_profile(name: str, x: np.ndarray, n_bins: int) -> VariableProfile:
    finite = x[np.isfinite(x)]
    if finite.size:
        cuts = np.unique(np.quantile(finite, np.arange(1, n_bins) / n_bins))
        minimum, maximum = float(finite.min()), float(finite.max())
    else:
        cuts, minimum, maximum = np.empty(0), None, None
    counts = binning.numeric_counts(x, cuts)
    return VariableProfile(name, "numeric", counts, tuple(binning.numeric_labels(cuts)), cuts,
                           minimum=minimum, maximum=maximum)


def _categorical_profile(name: str, column: pd.Series) -> VariableProfile:
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    per_unique = np.bincount(codes[codes >= 0], minlength=len(uniques))
    totals: dict[str, int] = {}
    for value, count in zip(uniques, per_unique, strict=True):
        key = binning.category_key(value)
        totals[key] = totals.get(key, 0) + int(count)
    categories = tuple(sorted(totals, key=lambda k: (-totals[k], k)))
    counts = np.array([*(totals[k] for k in categories), 0, int(np.count_nonzero(codes < 0))], dtype=np.int64)
    labels = (*categories, binning.UNSEEN_LABEL, binning.MISSING_LABEL)
    return VariableProfile(name, "categorical", counts, labels, categories=categories)


def build_reference_profile(frame: pd.DataFrame, *, numeric: Sequence[str], categorical: Sequence[str],
                            scores: np.ndarray | None = None, n_bins: int = 10) -> dict:
    """Freeze the bins of every variable (and of the score) on the reference period.

    Parameters
    ----------
    frame : the reference (training-period) rows.
    numeric : columns binned at the reference quantiles ``1/n_bins, …`` (duplicate cuts merged).
    categorical : columns binned by category (integer codes such as ``tipo_credito`` included).
    scores : reference model scores (``prob_default``), binned like a numeric column; optional.
    n_bins : number of quantile bins for numeric variables and the score.

    Returns
    -------
    dict : JSON-serialisable profile (see the module docstring).
    """
    if int(n_bins) != n_bins or n_bins < 2:
        raise ValueError(f"n_bins: expected an integer >= 2, found {n_bins!r}")
    absent = [c for c in (*numeric, *categorical) if c not in frame.columns]
    both = sorted(set(numeric) & set(categorical))
    if absent or both:
        raise ValueError(f"reference frame: columns not found {absent}; declared both numeric and categorical {both}")
    if len(frame) == 0:
        raise ValueError("reference frame: expected at least one row, found none")
    variables = {name: _numeric_profile(name, binning.as_float_array(frame[name], name), n_bins)
                 for name in numeric}
    variables.update({name: _categorical_profile(name, frame[name]) for name in categorical})
    score = None
    if scores is not None:
        score_values = np.asarray(scores, dtype=np.float64).ravel()
        if score_values.size != len(frame):
            raise ValueError(f"scores: expected {len(frame)} values (one per reference row), found {score_values.size}")
        score = _numeric_profile(SCORE_NAME, score_values, n_bins).to_dict()
    return {"version": PROFILE_VERSION, "n_bins": int(n_bins), "score": score,
            "variables": {name: variables[name].to_dict() for name in (*numeric, *categorical)}}


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
