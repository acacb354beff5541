"""Build the frozen reference profile from the training period: :func:`build_reference_profile`.

Rare categories are pooled
--------------------------
A reference category is *rare* when its reference count is below
``max(RARE_MIN_COUNT, RARE_MIN_SHARE · n)`` = ``max(10, 0.5 % of n)``, ``n`` being the non-missing reference
rows of that variable. Rare categories share one ``Otras (raras)`` bin, placed after the frequent categories
and before ``Unseen``; its member keys are stored (``pooled``), so a current value equal to one of them still
lands in that bin and ``Unseen`` keeps meaning "never seen in the reference".

Why: every bin adds a degree of freedom to the noise level ``(1/n_ref + 1/n_cur) · χ²(B − 1)``. A
category under 0.5 % expects fewer than 2.5 rows in a 500-row window, so its own bin cannot show a shift
there, yet it raises the level: 50 one-off stray codes (as in ``tendencia_ingresos``) put the level of a
500-row window at ~0.15, above the first band, and the variable would never be judged; pooled, ~0.02.
The 10-row floor applies to small references (under 2,000 rows): a share seen fewer than 10 times has a
relative standard error above 30 %. Pooling follows Deepchecks' "Other" bin, with a lower cut (0.5 %
instead of its 1 %) so that a category near 1 %, such as ``tipo_credito`` code 10, keeps its own bin.

Exceptions: a single rare category keeps its own bin (pooling it alone would only rename it), and when
every category is rare nothing is pooled (one value bin would make PSI blind to the category mix).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from modeling.drift import binning
from modeling.drift.profile import PROFILE_VERSION, SCORE_NAME, VariableProfile

RARE_MIN_COUNT = 10
RARE_MIN_SHARE = 0.005


def numeric_cuts(finite: np.ndarray, n_bins: int) -> np.ndarray:
    """Inner cut points from the reference's finite values (see the module docstring)."""
    distinct = np.unique(finite)
    if distinct.size > n_bins:
        return np.unique(np.quantile(finite, np.arange(1, n_bins) / n_bins))
    gaps = np.diff(distinct)
    half = gaps.min() / 2 if gaps.size else max(0.5, abs(float(distinct[0])) / 100)
    return np.unique(np.concatenate([[distinct[0] - half], (distinct[:-1] + distinct[1:]) / 2, [distinct[-1] + half]]))


def _numeric_profile(name: str, x: np.ndarray, n_bins: int) -> VariableProfile:
    finite = x[np.isfinite(x)]
    if finite.size:
        cuts = numeric_cuts(finite, n_bins)
        minimum, maximum = float(finite.min()), float(finite.max())
    else:
        cuts, minimum, maximum = np.empty(0), None, None
    counts = binning.numeric_counts(x, cuts)
    return VariableProfile(name, "numeric", counts, tuple(binning.numeric_labels(cuts)), cuts,
                           minimum=minimum, maximum=maximum)


def split_rare(totals: dict[str, int]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(frequent, pooled) category keys from reference counts, each most frequent first (rule above)."""
    ordered = sorted(totals, key=lambda k: (-totals[k], k))
    threshold = max(RARE_MIN_COUNT, RARE_MIN_SHARE * sum(totals.values()))
    frequent = tuple(k for k in ordered if totals[k] >= threshold)
    pooled = ordered[len(frequent):]
    if len(pooled) < 2 or not frequent:
        return tuple(ordered), ()
    return frequent, tuple(pooled)


def _categorical_profile(name: str, column: pd.Series) -> VariableProfile:
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    per_unique = np.bincount(codes[codes >= 0], minlength=len(uniques))
    totals: dict[str, int] = {}
    for value, count in zip(uniques, per_unique, strict=True):
        key = binning.category_key(value)
        totals[key] = totals.get(key, 0) + int(count)
    categories, pooled = split_rare(totals)
    pooled_bin = [sum(totals[k] for k in pooled)] if pooled else []
    counts = np.array([*(totals[k] for k in categories), *pooled_bin, 0, int(np.count_nonzero(codes < 0))],
                      dtype=np.int64)
    labels = (*categories, *([binning.POOLED_LABEL] if pooled else []), binning.UNSEEN_LABEL, binning.MISSING_LABEL)
    return VariableProfile(name, "categorical", counts, labels, categories=categories, pooled=pooled)


def build_reference_profile(frame: pd.DataFrame, *, numeric: Sequence[str], categorical: Sequence[str],
                            scores: np.ndarray | None = None, n_bins: int = 10) -> dict:
    """Freeze the bins of every variable (and of the score) on the reference period.

    Parameters
    ----------
    frame : the reference (training-period) rows.
    numeric : columns binned at the reference quantiles ``1/n_bins, …`` (duplicate cuts merged).
    categorical : columns binned by category (integer codes such as ``tipo_credito`` included); rare
        categories share one ``Otras (raras)`` bin (see the module docstring).
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
    problems = ([f"columns not found {absent}"] if absent else []) + (
        [f"columns declared both numeric and categorical {both}"] if both else [])
    if problems:
        raise ValueError(f"reference frame: {'; '.join(problems)}")
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
