"""Vectorised bin assignment agrees with a slow, obvious oracle on every path."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from modeling.drift import category_key
from modeling.drift.binning import (
    as_float_array,
    categorical_bin_ids,
    categorical_counts,
    format_edge,
    numeric_bin_ids,
    numeric_counts,
    numeric_labels,
)


def oracle_numeric_bin(value: float, cuts: list[float]) -> int:
    """Bins (-inf, c0), [c0, c1), …, [c_last, +inf), then Missing: the obvious loop."""
    if np.isnan(value):
        return len(cuts) + 1
    return sum(value >= cut for cut in cuts)


def test_numeric_bins_match_the_oracle_including_edges_nan_and_inf() -> None:
    cuts = np.array([-1.0, 0.0, 2.5, 10.0])
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 5, 500), cuts, np.nextafter(cuts, -np.inf), np.nextafter(cuts, np.inf),
                        [np.nan, np.inf, -np.inf, np.nan, -0.0, 0.0]])
    expected = np.array([oracle_numeric_bin(v, list(cuts)) for v in x])
    np.testing.assert_array_equal(numeric_bin_ids(x, cuts), expected)
    np.testing.assert_array_equal(numeric_counts(x, cuts), np.bincount(expected, minlength=len(cuts) + 2))


def test_numeric_bins_match_the_oracle_for_one_value_and_many_cuts() -> None:
    cuts = np.unique(np.random.default_rng(1).normal(0, 3, 40))
    for value in (-100.0, cuts[0], cuts[17], np.nextafter(cuts[17], -np.inf), cuts[-1], 100.0, np.nan):
        assert numeric_bin_ids(np.array([value]), cuts).tolist() == [oracle_numeric_bin(value, list(cuts))]


def test_numeric_bins_without_cuts() -> None:
    x = np.array([1.0, np.nan, -5.0])
    np.testing.assert_array_equal(numeric_counts(x, np.empty(0)), [2, 1])
    np.testing.assert_array_equal(numeric_bin_ids(x, np.empty(0)), [0, 1, 0])


@pytest.mark.parametrize(("value", "key"), [
    (4, "4"), (4.0, "4"), ("4", "4"), (np.int64(4), "4"), (np.float32(4.0), "4"), (True, "1"), (np.bool_(False), "0"),
    (0.5, "0.5"), ("Empleado", "Empleado"), (None, None), (np.nan, None), (pd.NA, None), (pd.NaT, None),
])
def test_category_key(value: object, key: str | None) -> None:
    assert category_key(value) == key


CATEGORIES = ["4", "9", "10", "Otro", "0.5"]
ORACLE_IDS = {"4": 0, "9": 1, "10": 2, "Otro": 3, "0.5": 4}


def oracle_category_bin(value: object) -> int:
    key = category_key(value)
    return len(CATEGORIES) + 1 if key is None else ORACLE_IDS.get(key, len(CATEGORIES))


@pytest.mark.parametrize("values", [
    pd.Series([4.0, 9.0, 10.0, 68.0, np.nan, 0.5, 4.0, 1e3]),                            # numeric fast path
    pd.Series([4, 9, 68, 4, 10], dtype="int64"),
    pd.Series(["4", 9, 4.0, "Otro", None, "otro", "1e3", np.nan, 10], dtype=object),   # hash path, mixed types
    pd.Series(["4", "10", None, "x", "9"], dtype="category"),
    pd.Series([True, False, None], dtype="boolean"),
    pd.Series(["Otro", "otro", None, "4", np.nan, "0.5", " 4", "", "10"], dtype=object),  # few texts: one by one
    pd.Series(["Otro", "x", None, "9", np.nan] * 7, dtype=object),                      # more: the hash path
    pd.Series(["4", pd.NA, "9"], dtype="string"),                                        # pd.NA: the hash path
])
def test_categorical_paths_match_the_oracle(values: pd.Series) -> None:
    expected = np.array([oracle_category_bin(v) for v in values.astype(object)])
    np.testing.assert_array_equal(categorical_bin_ids(values, CATEGORIES), expected)
    np.testing.assert_array_equal(categorical_counts(values, CATEGORIES),
                                  np.bincount(expected, minlength=len(CATEGORIES) + 2))


POOLED = ["68", "7", "Rara", "-28589"]  # pooled keys share the bin after CATEGORIES; Unseen and Missing follow


def oracle_pooled_bin(value: object) -> int:
    key = category_key(value)
    if key is None:
        return len(CATEGORIES) + 2
    if key in POOLED:
        return len(CATEGORIES)
    return ORACLE_IDS.get(key, len(CATEGORIES) + 1)


@pytest.mark.parametrize("values", [
    pd.Series([4.0, 68.0, 7.0, 99.0, np.nan, 0.5, -28589.0, 1e3, 7.0]),                 # numeric fast path
    pd.Series([68, 9, 7, 4, 10, 5], dtype="int64"),
    pd.Series(["68", 7, 7.0, "Rara", "rara", None, -28589, "Otro", 12], dtype=object),  # hash path, mixed types
    pd.Series(["7", "10", None, "x", "68"], dtype="category"),
    pd.Series(["68", "Rara", "rara", None, "Otro", "7"], dtype=object),
    pd.Series([], dtype=np.float64),
])
def test_pooled_categories_share_one_bin_on_every_path(values: pd.Series) -> None:
    expected = np.array([oracle_pooled_bin(v) for v in values.astype(object)], dtype=np.int64)
    np.testing.assert_array_equal(categorical_bin_ids(values, CATEGORIES, POOLED), expected)
    np.testing.assert_array_equal(categorical_counts(values, CATEGORIES, POOLED),
                                  np.bincount(expected, minlength=len(CATEGORIES) + 3))


def test_pooled_codes_without_frequent_numeric_categories() -> None:
    values = pd.Series([7.0, 68.0, 3.0, np.nan])
    np.testing.assert_array_equal(categorical_counts(values, ["Creciente"], ["7", "68"]), [0, 2, 1, 1])
    np.testing.assert_array_equal(categorical_bin_ids(values, ["Creciente"], ["7", "68"]), [1, 1, 2, 3])


def test_text_that_looks_numeric_only_matches_its_own_canonical_form() -> None:
    # "1e3" is a text category: the number 1000 (key "1000") must not fall into it
    counts = categorical_counts(pd.Series([1000.0, 1000.0]), ["1e3"])
    np.testing.assert_array_equal(counts, [0, 2, 0])


def test_as_float_array_accepts_numbers_and_names_bad_rows() -> None:
    np.testing.assert_array_equal(as_float_array(pd.Series([1, 2], dtype="Int64"), "n"), [1.0, 2.0])
    assert np.isnan(as_float_array(pd.Series([1, None], dtype="Int64"), "n")[1])
    np.testing.assert_array_equal(as_float_array(pd.Series(["1.5", None], dtype=object), "n")[:1], [1.5])
    with pytest.raises(ValueError, match=r"plazo: 2 value\(s\) are not numbers \(first at row 1: found 'doce'"):
        as_float_array(pd.Series([12, "doce", "x"], dtype=object), "plazo")
    with pytest.raises(ValueError, match="plazo: expected numbers, found dates"):
        as_float_array(pd.Series(pd.to_datetime(["2025-01-01"])), "plazo")


def test_labels_are_compact_and_distinct() -> None:
    assert format_edge(1_920_000.0) == "1.92e6"
    assert format_edge(12.0) == "12"
    assert numeric_labels([1.2e6, 1.8e6]) == ["(-inf, 1.2e6)", "[1.2e6, 1.8e6)", "[1.8e6, +inf)", "Missing"]
    close = numeric_labels([1_000_001.0, 1_000_002.0])
    assert len(set(close)) == len(close)
