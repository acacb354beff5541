"""The synthetic dataset against the real file's statistics (only where the real file is available).

The real file is not redistributable, so these tests read it from ``../shared/data`` at run time
and compare aggregates only; they skip when it is absent.
"""
from __future__ import annotations

import pandas as pd
import pytest

from modeling.data.columns import DATE_COLUMN, TARGET
from modeling.data.reading import load_table
from modeling.data.schema import RAW_COLUMNS
from modeling.drift import build_reference_profile, drift_report
from modeling.paths import REAL_DATASET_PATH
from modeling.synthetic import generate_loans

pytestmark = pytest.mark.skipif(
    not REAL_DATASET_PATH.exists(),
    reason=f"real dataset not available at {REAL_DATASET_PATH} (it is not redistributable; only shared checkouts "
           "have it)",
)
QUARTILE_TOLERANCE = 0.15
SHARE_TOLERANCE = 0.03
NOT_QUANTITATIVE = ("tipo_credito", TARGET)  # codes and classes are compared by shares


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return pd.read_excel(REAL_DATASET_PATH)


@pytest.fixture(scope="module")
def synthetic() -> pd.DataFrame:
    return generate_loans()


def _shares(series: pd.Series) -> pd.Series:
    return series.map(lambda v: v if isinstance(v, str) or pd.isna(v) else "<number>").value_counts(
        normalize=True, dropna=False)


def test_loader_reads_the_real_file_cleanly():
    loaded = load_table(REAL_DATASET_PATH)
    assert loaded.rows == 10_763 and loaded.warnings == []
    assert list(loaded.frame.columns) == [spec.name for spec in RAW_COLUMNS]


def test_same_columns_and_dtypes(real, synthetic):
    assert list(synthetic.columns) == list(real.columns)
    assert synthetic.dtypes.to_dict() == real.dtypes.to_dict()
    assert len(synthetic) == len(real)


def test_quartiles_within_fifteen_percent(real, synthetic):
    far = []
    for name in real.select_dtypes("number").columns.drop(list(NOT_QUANTITATIVE)):
        for q in (0.25, 0.5, 0.75):
            expected, found = real[name].quantile(q), synthetic[name].quantile(q)
            if abs(found - expected) > QUARTILE_TOLERANCE * abs(expected):
                far.append(f"{name} q{q}: real {expected:,.1f}, synthetic {found:,.1f}")
    assert not far, far


@pytest.mark.parametrize("name", ["tipo_credito", "plazo_meses", "tipo_laboral", "tendencia_ingresos"])
def test_category_shares_within_a_few_points(real, synthetic, name):
    expected, found = _shares(real[name]), _shares(synthetic[name])
    gaps = expected.sub(found, fill_value=0).abs()
    assert gaps.max() <= SHARE_TOLERANCE, gaps.sort_values().tail(3).to_dict()


def test_null_shares_and_class_share(real, synthetic):
    gaps = (real.isna().mean() - synthetic.isna().mean()).abs()
    assert gaps.max() <= 0.01, gaps[gaps > 0.01].to_dict()
    assert (synthetic[TARGET] == 0).mean() == pytest.approx((real[TARGET] == 0).mean(), abs=0.005)


def test_oddity_rates(real, synthetic):
    for frame in (real, synthetic):
        frame_ages = frame["edad_cliente"]
        assert set(frame_ages[frame_ages > 90]) <= {121, 122, 123}
    assert (synthetic["edad_cliente"] > 90).mean() == pytest.approx((real["edad_cliente"] > 90).mean(), abs=0.004)
    stray = _shares(real["tendencia_ingresos"])["<number>"]
    assert _shares(synthetic["tendencia_ingresos"])["<number>"] == pytest.approx(stray, abs=0.003)
    for name in ("salario_cliente", "total_otros_prestamos", "puntaje_datacredito"):
        assert (synthetic[name] == 0).mean() == pytest.approx((real[name] == 0).mean(), abs=0.01), name


def test_monthly_volume_shape(real, synthetic):
    expected = real[DATE_COLUMN].dt.to_period("M").value_counts(normalize=True).sort_index()
    found = synthetic[DATE_COLUMN].dt.to_period("M").value_counts(normalize=True).sort_index()
    assert list(found.index) == list(expected.index)
    assert (found - expected).abs().max() < 0.02


def _period_profile(frame: pd.DataFrame) -> dict[str, float]:
    month = frame[DATE_COLUMN].dt.to_period("M")
    early, late = month <= pd.Period("2025-01", "M"), month >= pd.Period("2025-12", "M")
    middle = (month >= pd.Period("2025-07", "M")) & (month <= pd.Period("2025-09", "M"))
    term, product = frame["plazo_meses"], frame["tipo_credito"]
    return {
        "term6_early": (term[early] == 6).mean(), "term6_middle": (term[middle] == 6).mean(),
        "term6_late": (term[late] == 6).mean(), "term36_early": (term[early] == 36).mean(),
        "term36_late": (term[late] == 36).mean(), "product9_early": (product[early] == 9).mean(),
        "product9_middle": (product[middle] == 9).mean(),
        "capital_early_M": frame["capital_prestado"][early].median() / 1e6,
        "capital_late_M": frame["capital_prestado"][late].median() / 1e6,
    }


def test_drift_profile_follows_the_real_one(real, synthetic):
    expected, found = _period_profile(real), _period_profile(synthetic)
    far = {k: (round(expected[k], 3), round(found[k], 3)) for k in expected
           if abs(found[k] - expected[k]) > max(0.06, 0.15 * expected[k])}
    assert not far, far


DRIFT_NUMERIC = ["plazo_meses", "capital_prestado", "cuota_pactada", "total_otros_prestamos",
                 "promedio_ingresos_datacredito"]
PSI_FACTOR = 3.0  # the real PSIs range 0.01–0.23; seed-to-seed spread of the synthetic ones is about ×2


def _train_test_psi(frame: pd.DataFrame) -> dict[str, float]:
    """PSI of the drifting columns between the first 80 % (by date) and the last 20 %, as monitored."""
    ordered = frame.sort_values(DATE_COLUMN, kind="stable").reset_index(drop=True)
    cut = int(len(ordered) * 0.8)
    profile = build_reference_profile(ordered[:cut], numeric=DRIFT_NUMERIC, categorical=["tipo_credito"])
    return {result.variable: result.psi for result in drift_report(profile, ordered[cut:]).variables}


def test_train_vs_test_drift_is_of_the_real_order(real, synthetic):
    expected, found = _train_test_psi(real), _train_test_psi(synthetic)
    far = {name: (round(expected[name], 3), round(found[name], 3)) for name in expected
           if not expected[name] / PSI_FACTOR <= found[name] <= expected[name] * PSI_FACTOR}
    assert not far, far
