"""Medians located from frozen-bin counts: the rows' median always lies in the returned interval."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from drift_data import make_frame

from modeling.drift import build_reference_profile, load_profile
from modeling.drift.medians import binned_median


def median_of(variable, values: np.ndarray):
    counts, outside = variable.current_counts(pd.Series(values))
    return binned_median(variable, counts, outside)


@pytest.mark.parametrize("seed,shift", [(40, 0.0), (41, 0.3), (42, -0.5), (43, 1.5)])
def test_the_rows_median_lies_in_the_interval(profile: dict, seed: int, shift: float) -> None:
    frozen = load_profile(profile)
    current = make_frame(901 + seed, seed=seed, shift=shift)
    for name in ("capital", "salario", "edad"):
        values = current[name].to_numpy()
        found = median_of(frozen.variables[name], values)
        exact = float(np.nanmedian(values))
        assert found.n == int(np.count_nonzero(~np.isnan(values)))
        low = -np.inf if found.low is None else found.low
        high = np.inf if found.high is None else found.high
        assert low <= exact <= high, (name, exact, found)
        if found.low is not None and found.high is not None:
            assert low <= found.estimate <= high


def test_interval_is_one_reference_decile_and_even_counts_span_two_bins() -> None:
    reference = pd.DataFrame({"x": np.arange(1.0, 1001.0)})
    variable = load_profile(build_reference_profile(reference, numeric=["x"], categorical=[])).variables["x"]
    found = median_of(variable, reference["x"].to_numpy())
    assert found.low == pytest.approx(400.6) and found.high == pytest.approx(600.4)  # deciles around 500.5
    assert found.estimate == pytest.approx(500.5, abs=1.0)
    odd = median_of(variable, np.array([10.0, 450.0, 460.0]))  # one middle value: one bin
    assert (odd.low, odd.high) == (pytest.approx(400.6), pytest.approx(500.5)) and odd.n == 3


def test_values_outside_the_reference_range_open_the_interval() -> None:
    reference = pd.DataFrame({"x": np.arange(1.0, 1001.0)})
    variable = load_profile(build_reference_profile(reference, numeric=["x"], categorical=[])).variables["x"]
    far = median_of(variable, np.full(11, 5000.0))
    assert far.high is None and far.low == pytest.approx(900.1) and far.estimate <= 1000.0
    assert median_of(variable, np.array([np.nan, np.nan])) is None
    with pytest.raises(ValueError, match="numeric"):
        binned_median(load_profile(build_reference_profile(
            pd.DataFrame({"c": ["a", "b"]}), numeric=[], categorical=["c"])).variables["c"], np.array([1, 1, 0, 0]))


def test_integer_variables_get_a_whole_estimate_inside_the_bin() -> None:
    rng = np.random.default_rng(8)
    reference = pd.DataFrame({"plazo": rng.choice([6.0, 10.0, 12.0, 18.0, 24.0, 36.0, 48.0, 60.0, 72.0, 84.0, 96.0,
                                                   120.0], 3000)})
    variable = load_profile(build_reference_profile(reference, numeric=["plazo"], categorical=[])).variables["plazo"]
    for values in (reference["plazo"].to_numpy(), rng.choice([6.0, 12.0, 13.0], 501)):
        counts, outside = variable.current_counts(pd.Series(values))
        found = binned_median(variable, counts, outside, integral=True)
        assert found.estimate == round(found.estimate) and found.low <= found.estimate <= found.high
        assert found.low <= np.median(values) <= found.high
