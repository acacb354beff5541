"""The drift statistics on the real dataset (read from ../shared/data when present; nothing is copied)."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from modeling.data.coercion import coerce_frame
from modeling.data.columns import DATE_COLUMN
from modeling.data.schema import COLUMNS_BY_NAME, FEATURE_COLUMNS, RAW_COLUMNS
from modeling.drift import STATUS_INSUFFICIENT, build_reference_profile, drift_report, psi_evolution
from modeling.paths import REAL_DATASET_PATH

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def split() -> tuple[pd.DataFrame, pd.DataFrame]:
    if not REAL_DATASET_PATH.exists():
        pytest.skip(f"real dataset not available at {REAL_DATASET_PATH} (it is never committed)")
    frame = coerce_frame(pd.read_excel(REAL_DATASET_PATH), RAW_COLUMNS).frame
    frame = frame.sort_values(DATE_COLUMN, kind="stable").reset_index(drop=True)
    cut = int(len(frame) * 0.8)
    return frame.iloc[:cut], frame.iloc[cut:]


def test_time_split_of_the_real_data(split: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    train, test = split
    features = [c for c in FEATURE_COLUMNS if c != DATE_COLUMN]
    categorical = [c for c in features if COLUMNS_BY_NAME[c].kind in ("code", "category")]
    numeric = [c for c in features if c not in categorical]
    profile = build_reference_profile(train, numeric=numeric, categorical=categorical)
    json.dumps(profile, allow_nan=False)
    assert profile["variables"]["tipo_credito"]["kind"] == "categorical"

    report = drift_report(json.loads(json.dumps(profile)), test)
    assert [r.variable for r in report.variables] == numeric + categorical
    assert report.get("plazo_meses").alert  # the documented shift of loan terms over time
    assert report.state in ("Moderado", "Alto") and "plazo_meses" in report.causes
    json.dumps(report.to_dict(), allow_nan=False)

    evolution = psi_evolution(profile, test, test[DATE_COLUMN], freq="M")
    last = evolution[evolution["window"] == evolution["window"].max()]
    assert (last["n"] < 30).all() and (last["status"] == STATUS_INSUFFICIENT).all()  # the volume collapse

    # the stray integers of tendencia_ingresos and the rare credit-type codes share one pooled bin each, so
    # full monthly windows are judged instead of always reading "insufficient data"
    assert profile["variables"]["tendencia_ingresos"]["pooled"]
    assert {"7", "68"} <= set(profile["variables"]["tipo_credito"]["pooled"])
    trend = evolution[(evolution["variable"] == "tendencia_ingresos") & (evolution["n"] >= 300)]
    assert len(trend) and (trend["noise_level"] < 0.10).all() and (trend["status"] != STATUS_INSUFFICIENT).all()
