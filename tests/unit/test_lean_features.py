"""The lean (array) form of the fitted pipeline gives exactly the pipeline's matrix and prob_default, one record
at a time as in batches, on thousands of records including missing and odd values."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.services.scoring.records import RecordValidator
from modeling.data.schema import FEATURE_COLUMNS
from modeling.features import DERIVED_FEATURES
from modeling.features.lean import compile_pipeline
from modeling.inference import (
    derived_features,
    engineered_variables,
    lean_pipeline,
    predict_default,
    score_and_derive,
)
from modeling.synthetic import generate_loans

N_RECORDS = 3_000


@pytest.fixture(scope="module")
def odd_raw(bundle) -> pd.DataFrame:
    """Synthetic loans, a third of them bent: missing optional values, unknown labels, extreme numbers, old and
    future dates, text with spaces and odd characters — validated as the API validates them."""
    rng = np.random.default_rng(5)
    frame = generate_loans(n_rows=N_RECORDS, seed=23)[list(FEATURE_COLUMNS)].astype(object)
    rows = lambda share: rng.random(N_RECORDS) < share  # noqa: E731
    frame.loc[rows(0.15), "puntaje_datacredito"] = None
    frame.loc[rows(0.15), "promedio_ingresos_datacredito"] = None
    frame.loc[rows(0.1), "tendencia_ingresos"] = None
    frame.loc[rows(0.05), "tendencia_ingresos"] = "  creciente?? "
    frame.loc[rows(0.05), "tendencia_ingresos"] = "Ñandú 🚀"
    frame.loc[rows(0.1), "fecha_prestamo"] = None
    frame.loc[rows(0.03), "fecha_prestamo"] = "1901-02-28"
    frame.loc[rows(0.03), "fecha_prestamo"] = "2199-12-31T23:59:59"
    frame.loc[rows(0.05), "tipo_credito"] = 68
    frame.loc[rows(0.05), "tipo_credito"] = 123456
    frame.loc[rows(0.05), "edad_cliente"] = 0
    frame.loc[rows(0.05), "edad_cliente"] = 123
    frame.loc[rows(0.05), "capital_prestado"] = 1e15
    frame.loc[rows(0.05), "salario_cliente"] = 0
    frame.loc[rows(0.05), "tipo_laboral"] = "Pensionado"
    frame.loc[rows(0.05), "creditos_sectorReal"] = 10**6
    records = [{k: v for k, v in r.items() if v is not None or rng.random() < 0.5}
               for r in frame.to_dict(orient="records")]  # some missing values left out, some sent as null
    checked = RecordValidator(bundle.schema).validate_records(records)
    assert not checked.errors, list(checked.errors.items())[:3]
    raw = checked.raw
    return raw.assign(fecha_prestamo=raw["fecha_prestamo"].fillna(pd.Timestamp("2026-01-15 10:30")))


def test_the_bundle_compiles(bundle):
    assert lean_pipeline(bundle.pipeline) is not None


def test_lean_matrix_and_scores_equal_the_pipeline(bundle, odd_raw):
    lean = compile_pipeline(bundle.pipeline)
    matrix, derived = lean.matrix(odd_raw)
    expected = bundle.pipeline[:-1].transform(odd_raw)
    np.testing.assert_array_equal(matrix, expected)
    assert np.array_equal(predict_default(lean.model, matrix), predict_default(bundle.pipeline, odd_raw))
    pd.testing.assert_frame_equal(pd.DataFrame(derived, index=odd_raw.index),
                                  engineered_variables(bundle.pipeline, odd_raw)[list(DERIVED_FEATURES)])


def test_one_record_at_a_time_equals_the_batch(bundle, odd_raw):
    batch_prob = predict_default(bundle.pipeline, odd_raw)
    singles = np.array([score_and_derive(bundle, odd_raw.iloc[[i]])[0]["prob_default"].iloc[0]
                        for i in range(len(odd_raw))])
    assert np.array_equal(singles, batch_prob)  # bit for bit, not approximately


def test_a_pipeline_with_an_unknown_step_falls_back(bundle, odd_raw):
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    steps = [*bundle.pipeline.steps[:-1], ("identity", FunctionTransformer()), bundle.pipeline.steps[-1]]
    assert compile_pipeline(Pipeline(steps)) is None


def test_derived_features_alone_equal_the_pipeline(bundle, odd_raw):
    """The profiles' derived variables (the lean steps up to "derive" only) equal the pipeline's, column types too."""
    pd.testing.assert_frame_equal(derived_features(bundle, odd_raw),
                                  engineered_variables(bundle.pipeline, odd_raw)[list(DERIVED_FEATURES)])
