"""Feature transformers: cleaning, derived variables, fitted-on-train-only steps, no leakage, fast = parent."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from feature_engine.encoding import OneHotEncoder, OrdinalEncoder, RareLabelEncoder
from feature_engine.imputation import CategoricalImputer, MeanMedianImputer
from feature_engine.outliers import Winsorizer

from modeling.data.columns import LEAKAGE_COLUMNS, TARGET, UNKNOWN_TREND
from modeling.data.schema import FEATURE_COLUMNS, SchemaError
from modeling.data.time_split import time_split
from modeling.features import DERIVED_FEATURES, build_preprocessor, derive_features
from modeling.features.cleaning import RawRecordCleaner, credit_type_labels, normalize_trend
from modeling.features.derived import age_group, date_parts
from modeling.features.outliers import QuantileCapper
from modeling.features.vectorised import (
    FastFrequentImputer,
    FastMedianImputer,
    FastOneHotEncoder,
    FastOrdinalEncoder,
    FastRareLabelEncoder,
)


@pytest.fixture(scope="module")
def periods(small_table):
    split = time_split(small_table.frame)
    return split.train, split.test


def test_trend_normalisation_maps_stray_values_and_nulls_to_sin_informacion():
    values = pd.Series(["Creciente", "8315", None, np.nan, "-5", "Estable", "Decreciente", "creciente"])
    assert normalize_trend(values).tolist() == [
        "Creciente", UNKNOWN_TREND, UNKNOWN_TREND, UNKNOWN_TREND, UNKNOWN_TREND, "Estable", "Decreciente",
        UNKNOWN_TREND]


def test_credit_type_codes_become_text_labels():
    labels = credit_type_labels(pd.Series([4.0, 68.0, np.nan, 9]))
    assert labels[[0, 1, 3]].tolist() == ["4", "68", "9"] and pd.isna(labels[2])


@pytest.mark.parametrize(("age", "group"), [(19, "Joven"), (30, "Joven"), (30.5, "Adulto"), (50, "Adulto"),
                                            (51, "Mayor"), (90, "Mayor"), (123, "Mayor")])
def test_age_groups_follow_the_original_cut_with_an_open_top_group(age, group):
    assert age_group(pd.Series([age]))[0] == group


def test_missing_or_non_positive_age_has_no_group():
    assert pd.isna(age_group(pd.Series([np.nan, 0.0, -3.0]))).all()


def test_date_parts_match_pandas_and_monday_is_zero():
    dates = pd.Series(pd.to_datetime(["2025-01-31 23:59:00", "2024-02-29 08:00:00", "2025-03-03 00:00:00",
                                      "2024-12-30 10:00:00"]))
    parts = date_parts(dates)
    assert parts["dia_semana_prestamo"].tolist() == dates.dt.weekday.tolist() == [4, 3, 0, 0]
    assert parts["fin_de_mes"].tolist() == [1, 1, 0, 0]
    assert parts["anio_prestamo"].tolist() == [2025, 2024, 2025, 2024]
    assert parts["mes_prestamo"].tolist() == [1, 2, 3, 12]
    many = pd.Series(pd.date_range("2023-12-25", periods=800, freq="19h"))
    got = date_parts(many)
    assert np.array_equal(got["fin_de_mes"], many.dt.is_month_end.astype(float))
    assert np.array_equal(got["dia_semana_prestamo"], many.dt.weekday.astype(float))


def test_missing_date_gives_missing_date_parts():
    parts = date_parts(pd.Series([pd.NaT], dtype="datetime64[ns]"))
    assert all(np.isnan(v[0]) for v in parts.values())


def test_derived_features_of_a_raw_record(periods):
    raw = periods[0].head(3).copy()
    raw["tipo_laboral"] = ["Independiente", "Empleado", "Independiente"]
    derived = derive_features(raw)
    assert list(derived.columns) == list(DERIVED_FEATURES)
    assert derived["es_independiente"].tolist() == [1, 0, 1]
    expected_total = raw[["creditos_sectorFinanciero", "creditos_sectorCooperativo", "creditos_sectorReal"]].sum(1)
    assert np.array_equal(derived["total_creditos"], expected_total)


def test_cleaner_keeps_only_feature_columns_and_names_every_missing_one(periods):
    train = periods[0].assign(extra="x")
    cleaned = RawRecordCleaner().fit_transform(train)
    assert list(cleaned.columns) == list(FEATURE_COLUMNS)
    with pytest.raises(SchemaError) as error:
        RawRecordCleaner().fit(train).transform(train.drop(columns=["plazo_meses", "edad_cliente"]))
    assert {p.field for p in error.value.problems} == {"plazo_meses", "edad_cliente"}


def test_learned_values_come_from_the_training_period_only(periods):
    train, test = periods
    whole = pd.concat([train, test])
    test_shifted = test.assign(puntaje_datacredito=test["puntaje_datacredito"] + 300,
                               capital_prestado=test["capital_prestado"] * 50)
    preprocessor = build_preprocessor().fit(train, train[TARGET])
    learned_median = preprocessor.named_steps["impute_numeric"].imputer_dict_["puntaje_datacredito"]
    assert learned_median == pytest.approx(train["puntaje_datacredito"].median())
    shifted_whole = pd.concat([train, test_shifted])
    assert learned_median != pytest.approx(shifted_whole["puntaje_datacredito"].median())
    cap = preprocessor.named_steps["cap"]
    assert cap.upper_["capital_prestado"] == pytest.approx(train["capital_prestado"].quantile(0.99))
    refit = build_preprocessor().fit(train, train[TARGET])
    np.testing.assert_array_equal(refit.transform(whole), preprocessor.transform(whole))


def test_no_leaking_column_reaches_the_model(periods):
    train, test = periods
    preprocessor = build_preprocessor().fit(train, train[TARGET])
    names = preprocessor.named_steps["to_array"].feature_names_out_
    assert not set(names) & {*LEAKAGE_COLUMNS, TARGET}
    scrambled = test.assign(**{c: np.random.default_rng(0).permutation(test[c].to_numpy())
                               for c in (*LEAKAGE_COLUMNS, TARGET)})
    np.testing.assert_array_equal(preprocessor.transform(scrambled), preprocessor.transform(test))
    np.testing.assert_array_equal(preprocessor.transform(test.drop(columns=[*LEAKAGE_COLUMNS, TARGET])),
                                  preprocessor.transform(test))


def test_rare_and_unseen_credit_types_do_not_break_encoding(periods):
    train, test = periods
    train = train.copy()
    train.loc[train.index[:2], "tipo_credito"] = [7.0, 68.0]
    preprocessor = build_preprocessor().fit(train, train[TARGET])
    assert "tipo_credito_68" not in preprocessor.named_steps["to_array"].feature_names_out_
    odd = test.head(3).assign(tipo_credito=[68.0, 99.0, 7.0], tendencia_ingresos=["12", None, "Estable"])
    encoded = preprocessor.transform(odd)
    assert encoded.shape == (3, len(preprocessor.named_steps["to_array"].feature_names_out_))
    assert np.isfinite(encoded).all()


def test_one_record_is_encoded_as_it_is_within_a_batch(periods):
    train, test = periods
    preprocessor = build_preprocessor().fit(train, train[TARGET])
    batch = preprocessor.transform(test)
    for position in (0, 17, len(test) - 1):
        np.testing.assert_array_equal(preprocessor.transform(test.iloc[[position]])[0], batch[position])


def _encoder_inputs(periods):
    train, test = periods
    head = build_preprocessor()[:2].fit(train, train[TARGET])
    fit_frame, other = head.transform(train), head.transform(test)
    other.loc[other.index[:2], "tipo_credito"] = ["99", "7"]
    other.loc[other.index[2], "puntaje_datacredito"] = np.nan
    return fit_frame, train[TARGET], other


@pytest.mark.parametrize(("fast", "parent", "params", "fill_first"), [
    (FastMedianImputer, MeanMedianImputer, {"imputation_method": "median",
                                            "variables": ["puntaje_datacredito", "promedio_ingresos_datacredito"]},
     False),
    (FastFrequentImputer, CategoricalImputer, {"imputation_method": "frequent",
                                               "variables": ["tipo_credito", "grupoEdad"]}, False),
    (FastRareLabelEncoder, RareLabelEncoder, {"tol": 0.05, "n_categories": 1, "variables": ["tipo_credito"]}, True),
    (FastOrdinalEncoder, OrdinalEncoder, {"encoding_method": "ordered", "variables": ["tipo_credito"],
                                          "unseen": "encode"}, True),
    (FastOneHotEncoder, OneHotEncoder, {"variables": ["tipo_credito", "tendencia_ingresos"]}, True),
])
def test_vectorised_transforms_return_exactly_what_feature_engine_returns(periods, fast, parent, params,
                                                                          fill_first):
    fit_frame, y, other = _encoder_inputs(periods)
    if fill_first:
        fit_frame, other = fit_frame.fillna({"grupoEdad": "Adulto"}), other.fillna({"grupoEdad": "Adulto"})
    ours, theirs = fast(**params).fit(fit_frame, y), parent(**params).fit(fit_frame, y)
    for frame in (fit_frame, other, other.iloc[[0]]):
        pd.testing.assert_frame_equal(ours.transform(frame), theirs.transform(frame), check_dtype=False)


def test_quantile_capper_matches_feature_engine_winsorizer(periods):
    train, test = periods
    columns = ["capital_prestado", "salario_cliente", "promedio_ingresos_datacredito"]
    ours = QuantileCapper(variables=columns, quantile=0.01).fit(train)
    theirs = Winsorizer(capping_method="quantiles", tail="both", fold=0.01, variables=columns,
                        missing_values="ignore").fit(train)
    pd.testing.assert_frame_equal(ours.transform(test)[columns], theirs.transform(test)[columns])
    assert ours.transform(test)["promedio_ingresos_datacredito"].isna().sum() == test[
        "promedio_ingresos_datacredito"].isna().sum()


def test_absurdly_large_credit_codes_get_a_label_without_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        labels = credit_type_labels(pd.Series([1e308, -1e20, 4.0]))
    assert list(labels) == [f"{1e308:.0f}", "-100000000000000000000", "4"]
