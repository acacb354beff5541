"""Windowed PSI: windows by month/week/day/N rows, agreement with drift_report, empty and one-row windows."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from drift_data import make_frame

from modeling.drift import EVOLUTION_COLUMNS, STATUS_INSUFFICIENT, drift_report, frame_records, psi_evolution
from modeling.drift.windows import assign_windows


@pytest.fixture(scope="module")
def current() -> pd.DataFrame:
    """900 rows over Jan–Apr 2025 with no row in February, one row in April and drift in March."""
    frame = pd.concat([make_frame(500, seed=20), make_frame(399, seed=21, shift=0.8), make_frame(1, seed=22)],
                      ignore_index=True)
    rng = np.random.default_rng(23)
    dates = np.concatenate([
        np.datetime64("2025-01-01") + rng.integers(0, 31, 500).astype("timedelta64[D]"),
        np.datetime64("2025-03-01") + rng.integers(0, 31, 399).astype("timedelta64[D]"),
        [np.datetime64("2025-04-15T10:30")],
    ]).astype("datetime64[ns]")
    order = rng.permutation(len(frame))  # unsorted, as in the real file
    return frame.iloc[order].reset_index(drop=True).assign(fecha_prestamo=dates[order])


def test_monthly_windows_match_drift_report_on_each_month(profile: dict, current: pd.DataFrame) -> None:
    scores = np.random.default_rng(24).beta(2, 30, len(current))
    evolution = psi_evolution(profile, current, "fecha_prestamo", freq="M", scores=scores)
    assert list(evolution.columns) == EVOLUTION_COLUMNS
    months = pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"])
    assert sorted(evolution["window"].unique()) == list(months)
    month_of_row = current["fecha_prestamo"].dt.to_period("M").dt.start_time
    for month in months:
        rows = (month_of_row == month).to_numpy()
        report = drift_report(profile, current[rows], scores=scores[rows])
        window = evolution[evolution["window"] == month].set_index("variable")
        for result in report.results:
            row = window.loc[result.variable]
            assert row["n"] == result.n_cur and row["status"] == result.status and row["alert"] == result.alert
            assert row["band"] == result.band
            for column, value in [("psi", result.psi), ("noise_level", result.noise_level),
                                  ("missing_share", result.signals.missing_share_cur),
                                  ("out_of_range_share", result.signals.out_of_range_share),
                                  ("unseen_share", result.signals.unseen_share)]:
                assert (value is None and np.isnan(row[column])) or row[column] == pytest.approx(value, rel=1e-12)


def test_empty_and_one_row_windows_are_insufficient_data(profile: dict, current: pd.DataFrame) -> None:
    evolution = psi_evolution(profile, current, current["fecha_prestamo"], freq="M")
    february = evolution[evolution["window"] == pd.Timestamp("2025-02-01")]
    assert (february["n"] == 0).all() and february["psi"].isna().all() and february["band"].isna().all()
    april = evolution[evolution["window"] == pd.Timestamp("2025-04-01")]
    assert (april["n"] == 1).all() and april["psi"].notna().all()
    for window in (february, april):
        assert (window["status"] == STATUS_INSUFFICIENT).all() and not window["alert"].any()
    march = evolution[evolution["window"] == pd.Timestamp("2025-03-01")].set_index("variable")
    assert march.loc["capital", "alert"] and not march.loc["edad", "alert"]
    records = frame_records(evolution)
    assert all(r["psi"] is None for r in records if r["n"] == 0)
    json.dumps(records, allow_nan=False)
    assert records[0]["window"] == "2025-01-01T00:00:00" and records[0]["window_end"] == "2025-02-01T00:00:00"


def test_row_chunks_follow_date_order(profile: dict, current: pd.DataFrame) -> None:
    evolution = psi_evolution(profile, current, current["fecha_prestamo"], freq=400)
    capital = evolution[evolution["variable"] == "capital"]
    assert capital["window"].tolist() == [0, 1, 2] and capital["n"].tolist() == [400, 400, 100]
    ordered = current.sort_values("fecha_prestamo", kind="stable")
    first = drift_report(profile, ordered.iloc[:400]).get("capital")
    assert capital["psi"].iloc[0] == pytest.approx(first.psi, rel=1e-12)
    assert capital["window_start"].iloc[0] == ordered["fecha_prestamo"].iloc[0]
    assert capital["window_end"].iloc[2] == ordered["fecha_prestamo"].iloc[-1]


def test_week_and_day_windows_cover_every_period() -> None:
    dates = ["2025-01-01 08:00", "2025-01-06", "2025-01-05T23:59", "2025-01-20"]  # ISO text is parsed
    weeks = assign_windows(dates, "W")
    assert [str(d.date()) for d in weeks.labels] == ["2024-12-30", "2025-01-06", "2025-01-13", "2025-01-20"]
    assert weeks.ids.tolist() == [0, 1, 0, 3]
    days = assign_windows(dates, "d")
    assert days.count == 20 and days.ids.tolist() == [0, 5, 4, 19]
    assert str(days.ends[-1]) == "2025-01-21T00:00:00.000000000"


def test_permutation_does_not_change_the_evolution(profile: dict, current: pd.DataFrame) -> None:
    shuffled = current.sample(frac=1.0, random_state=1)
    first = psi_evolution(profile, current, "fecha_prestamo", freq="W")
    second = psi_evolution(profile, shuffled, "fecha_prestamo", freq="W")
    pd.testing.assert_frame_equal(first, second)


def test_empty_current_gives_an_empty_frame(profile: dict) -> None:
    empty = make_frame(0, seed=25).assign(fecha_prestamo=pd.Series([], dtype="datetime64[ns]"))
    for freq in ("M", 10):
        frame = psi_evolution(profile, empty, "fecha_prestamo", freq=freq)
        assert frame.empty and list(frame.columns) == EVOLUTION_COLUMNS


def test_bad_windows_get_clear_errors(profile: dict, current: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="freq: expected 'M', 'W', 'D' or a positive int, found 'Q'"):
        psi_evolution(profile, current, "fecha_prestamo", freq="Q")
    with pytest.raises(ValueError, match="positive number of rows"):
        psi_evolution(profile, current, "fecha_prestamo", freq=0)
    holes = current["fecha_prestamo"].copy()
    holes.iloc[[3, 7]] = pd.NaT
    with pytest.raises(ValueError, match=r"dates: 2 row\(s\) have no date \(first at row 3\)"):
        psi_evolution(profile, current, holes)
    with pytest.raises(ValueError, match="expected 900 dates"):
        psi_evolution(profile, current, holes.iloc[:5])
    with pytest.raises(ValueError, match="column 'fecha' not found"):
        psi_evolution(profile, current, "fecha")
    with pytest.raises(ValueError, match="unparseable"):
        psi_evolution(profile, current, ["not a date"] * len(current))
