"""PSI formula, smoothing rule and bands: hand-computed values and properties."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modeling.drift import band_of, psi, psi_from_counts, smoothed_shares
from modeling.drift.psi import band_index, contributions, validate_bands


def test_plain_psi_hand_computed() -> None:
    # (0.4 - 0.5) ln(0.4/0.5) + (0.4 - 0.3) ln(0.4/0.3) + 0 = 0.1 ln 1.25 + 0.1 ln(4/3)
    assert psi([0.5, 0.3, 0.2], [0.4, 0.4, 0.2]) == pytest.approx(0.1 * math.log(1.25) + 0.1 * math.log(4 / 3),
                                                                  rel=1e-12)
    assert psi([0.5, 0.3, 0.2], [0.4, 0.4, 0.2]) == pytest.approx(0.0510826, abs=1e-7)


def test_smoothed_psi_hand_computed() -> None:
    # n = 100 on both sides, 3 occupied bins: a = 0.5/100, shares (p + a) / (1 + 3a)
    a, scale = 0.005, 1.015
    ref = [(0.5 + a) / scale, (0.3 + a) / scale, (0.2 + a) / scale]
    cur = [(0.4 + a) / scale, (0.4 + a) / scale, (0.2 + a) / scale]
    expected = sum((c - r) * math.log(c / r) for r, c in zip(ref, cur, strict=True))
    assert psi_from_counts([50, 30, 20], [40, 40, 20]) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(0.049679, abs=1e-6)


def test_smoothing_of_empty_bins_hand_computed() -> None:
    # bin 3 is empty on both sides (dropped); the smaller sample (n = 10) sets a = 0.05; B = 3 occupied bins
    ref_counts, cur_counts = [80, 20, 0, 0], [0, 5, 5, 0]
    a, scale = 0.05, 1.15
    ref = [(0.8 + a) / scale, (0.2 + a) / scale, a / scale]
    cur = [a / scale, (0.5 + a) / scale, (0.5 + a) / scale]
    expected = sum((c - r) * math.log(c / r) for r, c in zip(ref, cur, strict=True))
    ref_shares, cur_shares = smoothed_shares(ref_counts, cur_counts)
    np.testing.assert_allclose(ref_shares, [*ref, 0.0], rtol=1e-12)
    np.testing.assert_allclose(cur_shares, [*cur, 0.0], rtol=1e-12)
    assert psi_from_counts(ref_counts, cur_counts) == pytest.approx(expected, rel=1e-12)
    assert contributions(ref_counts, cur_counts)[3] == 0.0


def test_smoothed_shares_sum_to_one_and_are_positive_where_occupied() -> None:
    ref_shares, cur_shares = smoothed_shares([0, 7, 0, 93, 0], [3, 0, 0, 1, 6])
    assert ref_shares.sum() == pytest.approx(1.0, abs=1e-15)
    assert cur_shares.sum() == pytest.approx(1.0, abs=1e-15)
    assert (ref_shares[[0, 1, 3, 4]] > 0).all() and ref_shares[2] == 0


def test_identical_distributions_give_exactly_zero_even_at_different_sizes() -> None:
    counts = np.array([123, 0, 456, 7, 89, 0, 1])
    assert psi_from_counts(counts, counts) == 0.0
    assert psi_from_counts(counts, counts * 13) == 0.0
    assert psi_from_counts(counts * 1000, counts) == 0.0


def test_moving_one_row_never_jumps_the_value() -> None:
    rng = np.random.default_rng(0)
    ref = rng.multinomial(10_000, np.full(10, 0.1))
    cur = rng.multinomial(10_000, np.linspace(0.05, 0.15, 10))
    base = psi_from_counts(ref, cur)
    for source, target in [(0, 9), (3, 4), (9, 0)]:
        moved = cur.copy()
        moved[source] -= 1
        moved[target] += 1
        assert abs(psi_from_counts(ref, moved) - base) < 1e-3
    # Evidently #334: one reference row alone in a far bin must not change the fill of every empty bin
    ref_far, cur_far = np.append(ref, 0), np.append(cur, 0)
    ref_far[0] -= 1
    ref_far[-1] += 1
    assert abs(psi_from_counts(ref_far, cur_far) - base) < 2e-3


def test_rows_are_independent_windows() -> None:
    ref = np.array([50, 30, 20])
    cur = np.array([[40, 40, 20], [50, 30, 20], [0, 0, 0]])
    values = psi_from_counts(ref, cur)
    assert values[0] == pytest.approx(psi_from_counts(ref, cur[0]))
    assert values[1] == 0.0
    assert np.isnan(values[2])


def test_plain_psi_rejects_zero_shares_and_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="strictly positive"):
        psi([0.5, 0.5, 0.0], [0.4, 0.3, 0.3])
    with pytest.raises(ValueError, match="equal length"):
        psi([0.5, 0.5], [0.4, 0.3, 0.3])


@pytest.mark.parametrize(("value", "band"), [(0.0, "Bajo"), (0.0999, "Bajo"), (0.10, "Moderado"), (0.25, "Moderado"),
                                             (0.2501, "Alto"), (3.0, "Alto"), (None, None), (float("nan"), None)])
def test_default_bands(value: float | None, band: str | None) -> None:
    assert band_of(value) == band


def test_bands_are_configurable_and_validated() -> None:
    assert band_of(0.06, (0.05, 0.2)) == "Moderado"
    assert list(band_index(np.array([0.01, 0.1, 0.3, np.nan]), (0.05, 0.2))) == [0, 1, 2, -1]
    for bad in [(0.25, 0.10), (0, 0.1), ("a", 1), (0.1,)]:
        with pytest.raises(ValueError, match="bands"):
            validate_bands(bad)


shares = st.lists(st.floats(min_value=1e-9, max_value=1.0), min_size=2, max_size=15)


@settings(max_examples=200, deadline=None)
@given(shares, st.data())
def test_psi_is_non_negative_symmetric_and_zero_on_itself(first: list[float], data: st.DataObject) -> None:
    second = data.draw(st.lists(st.floats(min_value=1e-9, max_value=1.0), min_size=len(first), max_size=len(first)))
    a = np.array(first) / sum(first)
    b = np.array(second) / sum(second)
    assert psi(a, b) >= 0.0
    assert psi(a, b) == psi(b, a)
    assert psi(a, a) == 0.0


counts = st.lists(st.integers(min_value=0, max_value=5000), min_size=1, max_size=15)


@settings(max_examples=200, deadline=None)
@given(counts, st.data())
def test_psi_from_counts_is_non_negative_and_symmetric(first: list[int], data: st.DataObject) -> None:
    second = data.draw(st.lists(st.integers(min_value=0, max_value=5000), min_size=len(first), max_size=len(first)))
    ref, cur = np.array([*first, 1]), np.array([*second, 1])  # both samples non-empty
    value = psi_from_counts(ref, cur)
    assert value >= 0.0
    assert value == psi_from_counts(cur, ref)
    ref_shares, cur_shares = smoothed_shares(ref, cur)
    assert ref_shares.sum() == pytest.approx(1.0) and cur_shares.sum() == pytest.approx(1.0)
