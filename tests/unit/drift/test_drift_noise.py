"""Noise level and status rule, checked by hand and by simulation under no drift (vectorised)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from modeling.drift import (
    STATUS_DRIFT,
    STATUS_INSUFFICIENT,
    STATUS_STABLE,
    build_reference_profile,
    classify,
    drift_report,
    noise_level,
    psi_evolution,
    psi_from_counts,
)
from modeling.drift.psi import occupied_bins

CHI2_95 = {1: 3.841459, 3: 7.814728, 9: 16.918978}  # χ² 95 % quantiles (tables)


def test_noise_level_matches_the_chi_square_formula() -> None:
    assert noise_level(8000, 2000, 10) == pytest.approx((1 / 8000 + 1 / 2000) * CHI2_95[9], rel=1e-6)
    assert noise_level(10_000, 50, 10) == pytest.approx(0.3401, abs=1e-4)
    assert noise_level(1000, 100, 2) == pytest.approx((1 / 1000 + 1 / 100) * CHI2_95[1], rel=1e-6)
    np.testing.assert_allclose(noise_level(800, np.array([200, 100]), np.array([4, 4])),
                               [(1 / 800 + 1 / 200) * CHI2_95[3], (1 / 800 + 1 / 100) * CHI2_95[3]], rtol=1e-6)
    assert noise_level(500, 500, 1) == 0.0  # one occupied bin: PSI is always 0
    assert np.isnan(noise_level(500, 0, 10))
    with pytest.raises(ValueError, match="quantile"):
        noise_level(500, 500, 10, quantile=1.5)


@pytest.mark.parametrize(("psi", "noise", "n", "status", "alert"), [
    (0.05, 0.02, 1000, STATUS_STABLE, False),
    (0.15, 0.02, 1000, STATUS_DRIFT, True),
    (0.40, 0.02, 1000, STATUS_DRIFT, True),
    (0.12, 0.09, 300, STATUS_DRIFT, True),
    (0.12, 0.00, 300, STATUS_DRIFT, True),
    (0.10, 0.10, 300, STATUS_INSUFFICIENT, False),   # noise level reaches the first band
    (0.90, 0.12, 150, STATUS_INSUFFICIENT, False),   # noise level reaches the first band
    (0.90, 0.00, 29, STATUS_INSUFFICIENT, False),    # below MIN_ROWS
    (np.nan, np.nan, 0, STATUS_INSUFFICIENT, False),  # empty sample
])
def test_status_rule(psi: float, noise: float, n: int, status: str, alert: bool) -> None:
    statuses, alerts = classify(np.array([psi]), np.array([noise]), np.array([n]))
    assert statuses[0] == status and bool(alerts[0]) is alert


def test_a_small_real_shift_is_above_noise_but_not_an_alert() -> None:
    rng = np.random.default_rng(4)
    reference = pd.DataFrame({"x": rng.normal(size=8000)})
    profile = build_reference_profile(reference, numeric=["x"], categorical=[])
    result = drift_report(profile, pd.DataFrame({"x": rng.normal(0.25, 1, 2000)})).get("x")
    assert result.band == "Bajo" and result.status == STATUS_STABLE and not result.alert
    assert result.above_noise and result.psi > 3 * result.noise_level


def above_noise_rate(psi: np.ndarray, noise: np.ndarray) -> float:
    return float(np.mean(np.asarray(psi, dtype=float) > np.asarray(noise, dtype=float)))


@pytest.mark.parametrize(("shares", "n_ref", "n_cur"), [
    (np.full(10, 0.1), 5000, 500),
    (np.full(11, 1 / 11), 800, 200),
    (np.array([0.6, 0.25, 0.1, 0.04, 0.01]), 3000, 300),   # skewed categorical with a rare bin
    (np.array([0.5, 0.5]), 1000, 100),
])
def test_false_alarm_rate_of_the_noise_level_is_about_5_percent(shares: np.ndarray, n_ref: int, n_cur: int) -> None:
    rng = np.random.default_rng(n_ref + n_cur)
    ref = rng.multinomial(n_ref, shares, size=20_000)  # both samples drawn: the reference is a sample too
    cur = rng.multinomial(n_cur, shares, size=20_000)
    noise = noise_level(n_ref, n_cur, occupied_bins(ref, cur).sum(axis=1))
    assert abs(above_noise_rate(psi_from_counts(ref, cur), noise) - 0.05) < 0.02


def test_false_alarm_rate_end_to_end_with_bins_frozen_on_each_reference() -> None:
    # 2,000 independent replicates side by side as columns: deciles of each reference, then a fresh sample
    rng = np.random.default_rng(11)
    columns = [f"x{i}" for i in range(2000)]
    reference = pd.DataFrame(rng.standard_normal((2000, len(columns))), columns=columns)
    current = pd.DataFrame(rng.standard_normal((400, len(columns))), columns=columns)
    profile = build_reference_profile(reference, numeric=columns, categorical=[])
    frame = drift_report(profile, current, exclude=()).to_frame()
    assert abs(above_noise_rate(frame["psi"], frame["noise_level"]) - 0.05) < 0.02
    assert frame["alert"].mean() <= 0.05  # alerts also need the Moderado band


def test_false_alarm_rate_over_windows() -> None:
    rng = np.random.default_rng(12)
    columns = [f"x{i}" for i in range(100)]
    reference = pd.DataFrame(rng.standard_normal((2000, 100)), columns=columns)
    current = pd.DataFrame(rng.standard_normal((20 * 400, 100)), columns=columns)
    profile = build_reference_profile(reference, numeric=columns, categorical=[])
    dates = pd.Series(pd.date_range("2025-01-01", periods=len(current), freq="h"))
    evolution = psi_evolution(profile, current, dates, freq=400)
    assert len(evolution) == 2000 and (evolution["n"] == 400).all()
    assert abs(above_noise_rate(evolution["psi"], evolution["noise_level"]) - 0.05) < 0.02
