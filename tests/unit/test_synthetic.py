"""The built-in synthetic dataset: reproducible, typed like the real file, odd like it, drifting, learnable."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from modeling.data.columns import DATE_COLUMN, LEAKAGE_COLUMNS, TARGET
from modeling.data.schema import RAW_COLUMNS
from modeling.drift import build_reference_profile, drift_report
from modeling.synthetic import generate_loans

INT_COLUMNS = ("tipo_credito", "plazo_meses", "edad_cliente", "salario_cliente", "total_otros_prestamos",
               "cuota_pactada", "cant_creditosvigentes", "huella_consulta", "creditos_sectorFinanciero",
               "creditos_sectorCooperativo", "creditos_sectorReal", TARGET)
TEXT_COLUMNS = ("tipo_laboral", "tendencia_ingresos")


@pytest.fixture(scope="module")
def loans() -> pd.DataFrame:
    return generate_loans()


@pytest.fixture(scope="module")
def months(loans) -> pd.Series:
    return loans[DATE_COLUMN].dt.to_period("M")


def test_same_seed_same_frame_other_seed_other_frame(loans):
    pd.testing.assert_frame_equal(generate_loans(seed=42), loans)
    other = generate_loans(seed=43)
    assert other.shape == loans.shape
    assert not other["capital_prestado"].equals(loans["capital_prestado"])
    assert len(generate_loans(n_rows=250, seed=1)) == 250
    with pytest.raises(ValueError, match="n_rows must be at least 1"):
        generate_loans(n_rows=0)


def test_columns_and_dtypes_match_read_excel_of_the_real_file(loans):
    assert list(loans.columns) == [spec.name for spec in RAW_COLUMNS]
    assert len(loans) == 10_763 and isinstance(loans.index, pd.RangeIndex)
    for name, dtype in loans.dtypes.items():
        expected = ("int64" if name in INT_COLUMNS else "object" if name in TEXT_COLUMNS
                    else "datetime64[ns]" if name == DATE_COLUMN else "float64")
        assert str(dtype) == expected, name
    assert set(loans["tipo_laboral"]) == {"Empleado", "Independiente"}


def test_dates_span_17_months_with_time_of_day_and_rows_are_unsorted(loans, months):
    dates = loans[DATE_COLUMN]
    assert dates.min() >= pd.Timestamp("2024-11-26") and dates.max() < pd.Timestamp("2026-04-27")
    assert months.nunique() == 18  # 2024-11 … 2026-04, both partial
    assert (dates.dt.hour > 0).mean() > 0.99 and dates.dt.second.nunique() > 50
    assert not dates.is_monotonic_increasing
    assert abs(np.corrcoef(np.arange(len(dates)), dates.astype("int64"))[0, 1]) < 0.05


def test_class_share_is_about_five_percent(loans):
    assert (loans[TARGET] == 0).mean() == pytest.approx(0.0475, abs=0.001)
    assert set(loans[TARGET]) == {0, 1}


def test_null_pattern(loans):
    nulls = loans.isna()
    assert set(nulls.columns[nulls.any()]) == {"puntaje_datacredito", "saldo_mora", "saldo_total", "saldo_principal",
                                               "saldo_mora_codeudor", "promedio_ingresos_datacredito",
                                               "tendencia_ingresos"}
    assert 2 <= nulls["puntaje_datacredito"].sum() <= 12
    income, trend = nulls["promedio_ingresos_datacredito"], nulls["tendencia_ingresos"]
    assert 0.25 < income.mean() < 0.30 and (income & trend).sum() / trend.sum() > 0.99
    assert nulls["saldo_mora"].equals(nulls["saldo_total"])  # nested gaps: mora/total ⊂ principal ⊂ codeudor
    assert not (nulls["saldo_total"] & ~nulls["saldo_principal"]).any()
    assert not (nulls["saldo_principal"] & ~nulls["saldo_mora_codeudor"]).any()
    assert 0.01 < nulls["saldo_total"].mean() < nulls["saldo_principal"].mean() < nulls["saldo_mora_codeudor"].mean()
    assert nulls["saldo_mora_codeudor"].mean() < 0.07


def test_oddities_are_present(loans):
    ages = loans["edad_cliente"]
    assert set(ages[ages > 90]) <= {121, 122, 123} and 0.012 < (ages > 90).mean() < 0.016
    assert 10 <= (loans["salario_cliente"] == 0).sum() <= 40
    assert loans["salario_cliente"].max() > 1e9 and loans["total_otros_prestamos"].max() > 1e9
    assert (loans["salario_cliente"] > 2e8).mean() > 0.002  # an absurd tail, not a single outlier
    assert {6, 7, 68} <= set(loans["tipo_credito"])
    assert (loans["puntaje_datacredito"] == 0).mean() > 0.01
    trend = loans["tendencia_ingresos"].dropna()
    stray = [v for v in trend if not isinstance(v, str)]
    assert all(type(v) is int for v in stray)  # plain Python ints, as openpyxl gives them
    assert 0.003 < len(stray) / len(loans) < 0.008
    assert {0, 8315, 1_000_000} <= set(stray) and min(stray) < 0


def test_puntaje_leaks_the_target(loans):
    late = (loans[TARGET] == 0).astype(int)
    assert roc_auc_score(late, -loans["puntaje"]) > 0.95


def test_business_fields_are_correlated_like_real_ones(loans):
    rank = loans[["salario_cliente", "total_otros_prestamos", "cant_creditosvigentes", "creditos_sectorFinanciero",
                  "capital_prestado", "cuota_pactada"]].corr(method="spearman")
    assert rank.loc["salario_cliente", "total_otros_prestamos"] > 0.5
    assert rank.loc["cant_creditosvigentes", "creditos_sectorFinanciero"] > 0.6
    assert rank.loc["capital_prestado", "cuota_pactada"] > 0.6


def test_volume_and_mix_drift_over_time(loans, months):
    volume = months.value_counts().sort_index()
    assert volume.idxmax() == pd.Period("2025-01", "M") and volume.iloc[-1] < 0.02 * volume.max()
    early = months <= pd.Period("2025-01", "M")
    middle = (months >= pd.Period("2025-07", "M")) & (months <= pd.Period("2025-09", "M"))
    late = months >= pd.Period("2025-12", "M")
    term, product, capital = loans["plazo_meses"], loans["tipo_credito"], loans["capital_prestado"]
    assert (term[middle] == 6).mean() > (term[early] == 6).mean() + 0.15
    assert (term[late] == 36).mean() > (term[early] == 36).mean() + 0.08
    assert (product[months == months.max()] == 9).mean() > (product[early] == 9).mean() + 0.2
    assert capital[late].median() > 1.3 * capital[early].median()


def train_test_psi(frame: pd.DataFrame, numeric: list[str], categorical: list[str]) -> dict[str, float]:
    """PSI of each column between the first 80 % (by date) and the last 20 %, as the monitoring computes it."""
    ordered = frame.sort_values(DATE_COLUMN, kind="stable").reset_index(drop=True)
    cut = int(len(ordered) * 0.8)
    report = drift_report(build_reference_profile(ordered[:cut], numeric=numeric, categorical=categorical),
                          ordered[cut:])
    return {result.variable: result.psi for result in report.variables}


def test_held_out_period_drifts_enough_for_the_monitoring_to_see(loans):
    psi = train_test_psi(loans, ["plazo_meses", "total_otros_prestamos", "promedio_ingresos_datacredito",
                                 "capital_prestado", "edad_cliente"], ["tipo_laboral"])
    assert psi["plazo_meses"] > 0.12, psi  # the term mix (seeds 1–3 give 0.10–0.21; seed 42 ≈ 0.19)
    assert psi["total_otros_prestamos"] > 0.1 and psi["promedio_ingresos_datacredito"] > 0.1, psi
    assert psi["capital_prestado"] > 0.03, psi
    assert psi["edad_cliente"] < 0.03 and psi["tipo_laboral"] < 0.03, psi  # fields without drift stay still


def _features(frame: pd.DataFrame) -> pd.DataFrame:
    """A plain numeric design matrix without the leaking columns and without the date."""
    features = frame.drop(columns=[*LEAKAGE_COLUMNS, TARGET, DATE_COLUMN])
    trend = features.pop("tendencia_ingresos").map(lambda v: v if isinstance(v, str) else "Sin_informacion")
    features["tipo_laboral"] = (features["tipo_laboral"] == "Independiente").astype(int)
    for level in ("Creciente", "Decreciente", "Estable"):
        features[f"trend_{level}"] = (trend == level).astype(int)
    for amount in ("capital_prestado", "salario_cliente", "total_otros_prestamos", "cuota_pactada",
                   "promedio_ingresos_datacredito"):
        features[amount] = np.log1p(features[amount].clip(lower=0))
    return features.fillna(features.median())


def test_target_is_learnable_but_not_perfectly_on_a_time_split(loans):
    ordered = loans.sort_values(DATE_COLUMN, kind="stable").reset_index(drop=True)
    cut = int(len(ordered) * 0.8)
    features, late = _features(ordered), (ordered[TARGET] == 0).astype(int)
    models = {
        "hgb": HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, max_depth=3, random_state=0),
        "logistic": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
    }
    for name, model in models.items():
        model.fit(features[:cut], late[:cut])
        auc = roc_auc_score(late[cut:], model.predict_proba(features[cut:])[:, 1])
        assert 0.65 <= auc <= 0.85, (name, auc)
