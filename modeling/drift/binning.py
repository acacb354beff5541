"""Vectorised assignment of current values to a variable's frozen bins.

Bin layout, shared by every function here and by the stored profile:

* numeric: ``len(cuts) + 1`` value bins ``(-inf, c0), [c0, c1), …, [c_last, +inf)`` (left-closed,
  open-ended outer bins), then one ``Missing`` bin;
* categorical: one bin per frequent reference category (in profile order), then — only when the profile
  pooled rare categories (see :mod:`modeling.drift.reference`) — one ``POOLED_LABEL`` bin holding every
  pooled category, then ``Unseen`` (categories never seen in the reference), then ``Missing``.

Categories are compared through :func:`category_key`, so ``4``, ``4.0``, ``np.int64(4)`` and ``"4"`` are
one category. No per-row Python objects are created: numeric columns use one comparison pass per cut or
frequent category (pooled codes are then looked up among the few remaining rows only), text columns one
hash pass (``pd.factorize``) whose few uniques are then mapped to the frozen bins.
"""
from __future__ import annotations

import functools
import itertools
import math
import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd

FEW_VALUES = 32  # up to this many text values are binned one by one (a request's records): no factorize call
MISSING_LABEL = "Missing"
UNSEEN_LABEL = "Unseen"
POOLED_LABEL = "Otras (raras)"


def category_key(value: object) -> str | None:
    """Canonical text key of one categorical value (``None`` for missing).

    Integral numbers become their integer text (``4.0`` → ``"4"``), other reals their shortest
    round-trip text, booleans ``"1"``/``"0"`` and anything else ``str(value)``.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return None
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value)


def format_edge(value: float, digits: int = 4) -> str:
    """Compact text for a bin edge: ``1920000.0`` → ``"1.92e6"``, ``12.0`` → ``"12"``."""
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def numeric_labels(cuts: Sequence[float]) -> list[str]:
    """Labels of the value bins defined by ``cuts`` plus the missing bin, distinct for distinct cuts."""
    for digits in range(4, 18):
        edges = [format_edge(c, digits) for c in cuts]
        if len(set(edges)) == len(edges):
            break
    bounds = ["-inf", *edges, "+inf"]
    labels = [f"[{lo}, {hi})" for lo, hi in itertools.pairwise(bounds)]
    labels[0] = "(" + labels[0][1:]
    return [*labels, MISSING_LABEL]


def as_float_array(values: pd.Series | np.ndarray, name: str) -> np.ndarray:
    """The column as float64 (NaN = missing); raises ``ValueError`` naming rows that are not numbers."""
    if values.dtype == np.float64:
        return np.asarray(values)
    if isinstance(values, np.ndarray):  # a plain array (the write path's columns): the checks below as a Series
        values = pd.Series(values, name=name)
    if pd.api.types.is_datetime64_any_dtype(values) or isinstance(values.dtype, pd.PeriodDtype):
        raise ValueError(f"{name}: expected numbers, found dates (dtype {values.dtype})")
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    converted = pd.to_numeric(values, errors="coerce")
    bad = np.flatnonzero(converted.isna().to_numpy() & values.notna().to_numpy())
    if bad.size:
        raise ValueError(f"{name}: {bad.size} value(s) are not numbers (first at row {int(bad[0])}: "
                         f"found {values.iloc[bad[0]]!r}, expected a number or empty)")
    return converted.to_numpy(dtype=np.float64, na_value=np.nan)


def numeric_counts(x: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Counts per bin (value bins, then missing) of the float array ``x``; one comparison pass per cut."""
    n_missing = int(np.count_nonzero(np.isnan(x)))
    below = [int(np.count_nonzero(x < cut)) for cut in cuts]  # NaN compares False
    cumulative = np.array([0, *below, x.size - n_missing], dtype=np.int64)
    return np.append(np.diff(cumulative), n_missing)


def numeric_bin_ids(x: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Bin index of every value of ``x`` — how many of the ascending ``cuts`` it reaches (missing →
    ``len(cuts) + 1``) — as a small unsigned int array; one binary search per value, not one pass per cut."""
    ids = np.searchsorted(cuts, x, side="right").astype(np.min_scalar_type(len(cuts) + 1))
    ids[np.isnan(x)] = len(cuts) + 1
    return ids


def numeric_categories(categories: Sequence[str]) -> list[tuple[int, float]]:
    """(bin index, number) of the categories whose key is a number: the only ones a number can match."""
    found = []
    for index, key in enumerate(categories):
        try:
            number = float(key)
        except ValueError:
            continue
        if category_key(number) == key:  # "1e3" or " 4" are text, never the number
            found.append((index, number))
    return found


def pooled_numeric_keys(pooled: Sequence[str]) -> np.ndarray:
    """The pooled categories that are numbers, as a float array (what a numeric column can match)."""
    return np.array([number for _, number in numeric_categories(pooled)], dtype=np.float64)


def categorical_layout(categories: Sequence[str], pooled: Sequence[str]) -> tuple[int, int]:
    """(number of bins, index of the unseen bin): categories, [pooled], unseen, missing."""
    unseen = len(categories) + (1 if len(pooled) else 0)
    return unseen + 2, unseen


def _code_lookup(values: pd.Series, categories: Sequence[str],
                 pooled: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hash path: per-row codes of the distinct values and, per distinct value, its frozen bin.

    The lookup has one extra trailing entry (the missing bin) so that code ``-1`` (missing) maps to it.
    """
    n_bins, unseen = categorical_layout(categories, pooled)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    bins = bins_of_keys(tuple(categories), tuple(pooled))
    keys = [category_key(u) for u in uniques]
    lookup = np.array([n_bins - 1 if k is None else bins.get(k, unseen) for k in keys], dtype=np.int64)
    return codes, np.append(lookup, n_bins - 1)


@functools.lru_cache(maxsize=256)
def bins_of_keys(categories: tuple[str, ...], pooled: tuple[str, ...]) -> dict[str, int]:
    """Bin of each known key: the categories in order, then every pooled key in the bin after them."""
    return {**dict.fromkeys(pooled, len(categories)), **{key: i for i, key in enumerate(categories)}}


def _is_numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)


def categorical_counts(values: pd.Series, categories: Sequence[str], pooled: Sequence[str] = ()) -> np.ndarray:
    """Counts per bin (categories, [pooled], unseen, missing) of one current column."""
    n_bins, unseen = categorical_layout(categories, pooled)
    if _is_numeric(values):
        x = as_float_array(values, str(values.name))
        counts = np.zeros(n_bins, dtype=np.int64)
        frequent = numeric_categories(categories)
        for index, number in frequent:
            counts[index] = np.count_nonzero(x == number)
        pooled_numbers = pooled_numeric_keys(pooled)
        if pooled_numbers.size:
            rest = x[np.isin(x, [number for _, number in frequent], invert=True)]  # NaN stays in rest
            counts[len(categories)] = np.count_nonzero(np.isin(rest, pooled_numbers))
        counts[-1] = np.count_nonzero(np.isnan(x))
        counts[unseen] = x.size - counts.sum()
        return counts
    codes, lookup = _code_lookup(values, categories, pooled)
    per_unique = np.bincount(codes + 1, minlength=lookup.size)  # slot 0 holds the missing code -1
    per_unique = np.roll(per_unique, -1)  # align with lookup, whose last entry is the missing bin
    return np.bincount(lookup, weights=per_unique, minlength=n_bins).astype(np.int64)


def categorical_bin_ids(values: pd.Series | np.ndarray, categories: Sequence[str],
                        pooled: Sequence[str] = ()) -> np.ndarray:
    """Bin index of every row of one current column (categories, [pooled], unseen, missing = last)."""
    n_bins, unseen = categorical_layout(categories, pooled)
    dtype = np.min_scalar_type(n_bins - 1)
    if _is_numeric(values):
        x = as_float_array(values, str(getattr(values, "name", "")))
        ids = np.full(x.size, unseen, dtype=dtype)
        for index, number in numeric_categories(categories):
            ids[x == number] = index
        pooled_numbers = pooled_numeric_keys(pooled)
        if pooled_numbers.size:
            rest = np.flatnonzero(ids == unseen)
            ids[rest[np.isin(x[rest], pooled_numbers)]] = len(categories)
        ids[np.isnan(x)] = n_bins - 1
        return ids
    if len(values) <= FEW_VALUES:
        few = few_text_ids(values, bins_of_keys(tuple(categories), tuple(pooled)), unseen, n_bins - 1)
        if few is not None:
            return np.array(few, dtype=dtype)
    codes, lookup = _code_lookup(values, categories, pooled)
    return lookup.astype(dtype)[codes]


def few_text_ids(values: pd.Series | np.ndarray, bins: dict[str, int], unseen: int, missing: int) -> list[int] | None:
    """The bins of a few values that are all text or missing, one lookup each (a text's key is itself); None
    when another kind of value is among them (the hash path keys it)."""
    ids = []
    for value in values.tolist():
        if type(value) is str:
            ids.append(bins.get(value, unseen))
        elif value is None or (type(value) is float and math.isnan(value)):
            ids.append(missing)
        else:
            return None
    return ids
