"""Peak PSI per window and its trend: noise is not a trend, a steady rise is; Mann-Kendall's exact p-values."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from drift_data import make_frame

from modeling.drift import STATUS_INSUFFICIENT, psi_evolution
from modeling.drift.peaks import MIN_JUDGED_SHARE, PEAK_COLUMNS, max_psi_per_window
from modeling.drift.trend import (
    MIN_WINDOWS,
    TREND_FALLING,
    TREND_INSUFFICIENT,
    TREND_RISING,
    TREND_STABLE,
    mann_kendall,
    psi_trend,
    sen_slope,
)


def peaks_of(values, noise, status="stable") -> pd.DataFrame:
    starts = pd.date_range("2025-01-01", periods=len(values), freq="MS")
    return pd.DataFrame({"window_start": starts, "psi_max": values, "noise_level": noise, "status": status})


def test_mann_kendall_exact_p_values_equal_enumeration() -> None:
    for n in (3, 4, 5, 6):
        for values in ([1, 2, 3, 4, 5, 6][:n], [3, 1, 2, 6, 5, 4][:n]):
            s, p = mann_kendall(np.array(values, dtype=float))
            every = [sum(np.sign(q[j] - q[i]) for i, j in itertools.combinations(range(n), 2))
                     for q in itertools.permutations(range(n))]
            assert s == sum(np.sign(values[j] - values[i]) for i, j in itertools.combinations(range(n), 2))
            assert p == pytest.approx(sum(abs(x) >= abs(s) for x in every) / math.factorial(n), abs=1e-15)
    assert mann_kendall(np.arange(4.0))[1] > 0.05  # four windows can never reach 5 %: MIN_WINDOWS is 5
    assert mann_kendall(np.arange(5.0))[1] < 0.05 and MIN_WINDOWS == 5


def test_flat_but_noisy_series_is_stable() -> None:
    rng = np.random.default_rng(7)
    # small windows: PSI ~ noise, scattered around 0.06 with a noise level of 0.09 (as χ² noise would scatter it)
    calls = [psi_trend(peaks_of(0.06 + rng.normal(0, 0.02, 12).clip(-0.05), 0.09)).direction for _ in range(200)]
    assert calls.count(TREND_STABLE) == 200
    # the original's rule (least-squares slope beyond ±0.01 per window) on series far noisier than these
    jumpy = peaks_of([0.05, 0.30, 0.04, 0.28, 0.06, 0.33, 0.05, 0.31], 0.35)
    assert psi_trend(jumpy).direction == TREND_STABLE


def test_steadily_rising_and_falling_series() -> None:
    rising = peaks_of(np.linspace(0.02, 0.40, 10) + np.random.default_rng(3).normal(0, 0.005, 10), 0.03)
    trend = psi_trend(rising)
    assert trend.direction == TREND_RISING and trend.p_value < 0.05 and trend.change > trend.noise_level
    assert trend.windows == 10 and trend.first == pd.Timestamp("2025-01-01") and trend.slope == pytest.approx(
        sen_slope(rising["psi_max"].to_numpy()))
    assert psi_trend(peaks_of(np.linspace(0.40, 0.02, 8), 0.03)).direction == TREND_FALLING


def test_a_systematic_rise_smaller_than_the_noise_is_stable() -> None:
    tiny = peaks_of(np.linspace(0.010, 0.016, 10), 0.02)  # perfectly monotone, +0.006 overall, noise 0.02
    trend = psi_trend(tiny)
    assert trend.p_value < 1e-5 and trend.direction == TREND_STABLE


def test_too_few_judged_windows_and_only_the_last_ones_count() -> None:
    values = [0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.05]
    status = ["stable", STATUS_INSUFFICIENT, STATUS_INSUFFICIENT, STATUS_INSUFFICIENT, "stable", "stable", "stable"]
    assert psi_trend(peaks_of(values, 0.02, status)).direction == TREND_INSUFFICIENT  # 4 judged windows
    assert psi_trend(peaks_of(values[:4], 0.02)).windows == 4
    assert psi_trend(peaks_of(values[:5], 0.02)).direction == TREND_FALLING
    # an old fall followed by a long rise: the last 6 windows rise
    series = peaks_of([0.9, 0.8, 0.7, 0.6, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3], 0.02)
    assert psi_trend(series, last=6).direction == TREND_RISING
    with pytest.raises(ValueError, match="last"):
        psi_trend(series, last=3)


def test_peak_per_window_prefers_variables_with_enough_data(profile: dict) -> None:
    frame = pd.concat([make_frame(600, seed=31), make_frame(500, seed=32, shift=0.9), make_frame(20, seed=33)],
                      ignore_index=True)
    dates = pd.to_datetime(["2025-01-10"] * 600 + ["2025-03-05"] * 500 + ["2025-04-02"] * 20)
    evolution = psi_evolution(profile, frame, pd.Series(dates), freq="M")
    peaks = max_psi_per_window(evolution)
    assert list(peaks.columns) == PEAK_COLUMNS and len(peaks) == 4
    for row in peaks.itertuples():
        window = evolution[evolution["window_start"] == row.window_start]
        judged = window[window["status"] != STATUS_INSUFFICIENT]
        assert row.n == window["n"].max()
        if len(judged) >= MIN_JUDGED_SHARE * window["variable"].nunique():
            best = judged.loc[judged["psi"].idxmax()]
            assert (row.variable, row.psi_max, row.status) == (best["variable"], best["psi"], best["status"])
        else:
            assert row.status == STATUS_INSUFFICIENT and not row.alert
            if len(judged):
                assert row.psi_max == judged["psi"].max()
    february, march, april = peaks.iloc[1], peaks.iloc[2], peaks.iloc[3]
    assert february.n == 0 and np.isnan(february.psi_max) and february.status == STATUS_INSUFFICIENT
    assert march.alert and march.variable in ("capital", "salario")
    assert april.status == STATUS_INSUFFICIENT and april.psi_max == evolution[
        evolution["window_start"] == april.window_start]["psi"].max()
    assert max_psi_per_window(evolution.iloc[:0]).columns.tolist() == PEAK_COLUMNS


def monthly(profile: dict, shifts: list[float], rows: int, seed: int) -> pd.DataFrame:
    """Peaks of monthly windows of ``rows`` rows each, window i drawn with ``shifts[i]``."""
    frames = [make_frame(rows, seed=seed + i, shift=s) for i, s in enumerate(shifts)]
    dates = np.concatenate([np.full(rows, np.datetime64(f"2025-{i + 1:02d}-15")) for i in range(len(shifts))])
    evolution = psi_evolution(profile, pd.concat(frames, ignore_index=True), pd.Series(dates), freq="M")
    return max_psi_per_window(evolution)


def test_windows_without_drift_read_as_stable_and_a_growing_shift_as_rising(profile: dict) -> None:
    for seed in range(100, 160, 6):  # ten logs of ten undrifted months: the peak PSI is pure sampling noise
        peaks = monthly(profile, [0.0] * 10, 400, seed)
        assert (peaks["status"] != STATUS_INSUFFICIENT).all()
        assert psi_trend(peaks).direction == TREND_STABLE, peaks["psi_max"].round(3).tolist()
    growing = monthly(profile, list(np.linspace(0.0, 0.6, 10)), 400, 300)
    assert psi_trend(growing).direction == TREND_RISING


def evolution_of(windows: list[tuple[list[float], int]], variables: int = 8) -> pd.DataFrame:
    """An evolution frame: per window ``(psi of each judged variable, rows)``; the other variables lack data."""
    rows = []
    for i, (judged, n) in enumerate(windows):
        start = pd.Timestamp("2025-01-01") + pd.DateOffset(months=i)
        for v in range(variables):
            psi = judged[v] if v < len(judged) else 0.9  # insufficient variables: large, noisy PSI
            band = "Alto" if psi >= 0.25 else "Moderado" if psi >= 0.1 else "Bajo"
            rows.append({"window_start": start, "window_end": start + pd.DateOffset(months=1), "n": n,
                         "variable": f"x{v}", "kind": "numeric", "psi": psi, "noise_level": 0.02, "band": band,
                         "status": "drift" if v < len(judged) and psi >= 0.1 else "stable" if v < len(judged)
                         else STATUS_INSUFFICIENT, "alert": v < len(judged) and psi >= 0.25})
    return pd.DataFrame(rows)


def test_a_window_with_few_judged_variables_is_not_judged_and_the_trend_skips_it() -> None:
    alto = [([0.05 + 0.08 * i] * 8, 2_000) for i in range(6)]  # six full months, the last ones Alto
    november = ([0.002], 67)  # one variable of eight has enough data
    half = ([0.01] * 4, 300)  # exactly half: judged
    peaks = max_psi_per_window(evolution_of([*alto, november]))
    last = peaks.iloc[-1]
    assert last.status == STATUS_INSUFFICIENT and not last.alert and last.psi_max == 0.002
    assert (peaks["status"].iloc[:-1] != STATUS_INSUFFICIENT).all() and peaks["alert"].iloc[-2]
    trend = psi_trend(peaks)
    assert trend.windows == 6 and trend.last == peaks["window_start"].iloc[-2]
    assert trend.direction == TREND_RISING  # the nearly empty month does not drag it to "stable"
    everything = psi_trend(max_psi_per_window(evolution_of([*alto, november]), min_judged_share=0.0))
    assert everything.windows == 7 and everything.direction != TREND_RISING  # what counting it would do
    with_half = max_psi_per_window(evolution_of([*alto, half]))
    assert with_half["status"].iloc[-1] != STATUS_INSUFFICIENT and with_half["psi_max"].iloc[-1] == 0.01
