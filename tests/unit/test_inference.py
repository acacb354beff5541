"""Scoring raw records with a saved bundle: one record, 10,000 records, odd records, derived features."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from modeling.artifacts import load_bundle
from modeling.data.columns import LEAKAGE_COLUMNS, TARGET
from modeling.data.schema import FEATURE_COLUMNS, SchemaError
from modeling.features import DERIVED_FEATURES
from modeling.inference import derived_features, risk_band, score_frame


@pytest.fixture(scope="module")
def bundle(trained_models_dir):
    return load_bundle(trained_models_dir)


@pytest.fixture(scope="module")
def holdout(bundle):
    return bundle.load_frame("holdout")


def _check_scores(bundle, scores, index):
    assert list(scores.columns) == ["prob_default", "Pago_atiempo_pred", "risk_band"]
    assert scores.index.equals(index)
    prob = scores["prob_default"].to_numpy()
    assert ((prob >= 0) & (prob <= 1)).all()
    assert (scores["Pago_atiempo_pred"].to_numpy() == np.where(prob >= bundle.threshold, 0, 1)).all()
    low, high = bundle.risk_bands["cuts"]
    expected = np.where(prob < low, "Bajo", np.where(prob < high, "Medio", "Alto"))
    assert (scores["risk_band"].to_numpy() == expected).all()


def test_scores_one_raw_record(bundle, holdout):
    record = holdout[list(FEATURE_COLUMNS)].iloc[[4]]
    _check_scores(bundle, score_frame(bundle, record), record.index)


def test_scores_ten_thousand_records_like_the_same_records_one_by_one(bundle, holdout):
    batch = pd.concat([holdout] * (10_000 // len(holdout) + 1), ignore_index=True).iloc[:10_000]
    batch.index = batch.index + 1_000  # a non-default index is preserved
    scores = score_frame(bundle, batch)
    _check_scores(bundle, scores, batch.index)
    for label in (1_000, 1_003, 10_999):
        alone = score_frame(bundle, batch.loc[[label]])
        assert alone["prob_default"].iloc[0] == pytest.approx(scores.loc[label, "prob_default"], abs=1e-12)


def test_target_leakage_and_extra_columns_are_ignored(bundle, holdout):
    plain = score_frame(bundle, holdout[list(FEATURE_COLUMNS)])
    noisy = holdout.assign(**{c: 1e9 for c in LEAKAGE_COLUMNS}, **{TARGET: 0}, extra="x")
    pd.testing.assert_frame_equal(score_frame(bundle, noisy), plain)


def test_odd_but_valid_records_are_still_scored(bundle, holdout):
    odd = holdout.head(4).assign(edad_cliente=[123, 19, 0, 55], tipo_credito=[68, 99, 7, 4],
                                 tendencia_ingresos=["8315", None, "-1", "Estable"],
                                 salario_cliente=[2.2e10, 0, 3e6, 3e6], puntaje_datacredito=np.nan)
    _check_scores(bundle, score_frame(bundle, odd), odd.index)


def test_empty_input_gives_empty_scores(bundle, holdout):
    scores = score_frame(bundle, holdout.iloc[:0])
    assert scores.empty and list(scores.columns) == ["prob_default", "Pago_atiempo_pred", "risk_band"]


def test_missing_feature_column_is_a_schema_error(bundle, holdout):
    with pytest.raises(SchemaError) as error:
        score_frame(bundle, holdout.drop(columns=["cuota_pactada"]))
    assert [p.field for p in error.value.problems] == ["cuota_pactada"]


def test_risk_band_edges_follow_the_contract():
    bands = risk_band(np.array([0.0, 0.099, 0.1, 0.29, 0.3, 1.0]), [0.1, 0.3], ["Bajo", "Medio", "Alto"])
    assert bands.tolist() == ["Bajo", "Bajo", "Medio", "Medio", "Alto", "Alto"]


def test_derived_features_as_the_pipeline_computes_them(bundle, holdout):
    derived = derived_features(bundle, holdout.head(50))
    assert list(derived.columns) == list(DERIVED_FEATURES) and derived.index.equals(holdout.head(50).index)
    assert set(derived["grupoEdad"].dropna()) <= {"Joven", "Adulto", "Mayor"}
    assert set(derived["es_independiente"]) <= {0.0, 1.0}
