"""The preprocessing steps of the bundle's one scikit-learn Pipeline: coerced raw records → engineered,
imputed, encoded floats (``modeling.train`` appends the fitted model as the last step, ``"model"``).

Steps (all fitted on the data passed to ``fit`` — the training period, or a fold's training part during
cross-validation — and none depends on today's date):

1. ``clean``: keep the schema's feature columns (target and leakage columns never go further), normalise
   ``tendencia_ingresos``, label ``tipo_credito`` codes;
2. ``derive``: the engineered variables; ``fecha_prestamo`` and ``tipo_laboral`` are replaced by them;
3. ``cap``: clip money columns to their training 1st / 99th percentiles;
4. ``impute_numeric`` / ``impute_categorical``: feature-engine median and most-frequent imputers;
5. ``group_rare``: feature-engine ``RareLabelEncoder`` folds credit types under 1 % of the training rows
   (6, 7, 68 …) and any unseen code into "Rare", so rare codes never break a fold or the test period;
6. ``encode_age``: feature-engine ordinal encoding of ``grupoEdad`` (ordered by training default rate);
7. ``one_hot``: feature-engine one-hot of ``tipo_credito`` and ``tendencia_ingresos``;
8. ``to_array``: the model's columns, in a frozen order, as one float64 array. The calendar position of a
   loan (``anio_prestamo``, ``mes_prestamo``) is computed for monitoring but not given to the model: the
   model always scores loans from after its training period, so those values are outside (year) or barely
   inside (month) what it saw, and they can only encode period effects that do not recur. On the
   training-period folds the models do as well without them. ``dia_semana_prestamo`` and ``fin_de_mes``
   recur and stay in.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import Pipeline

from modeling.data.schema import RAW_COLUMNS
from modeling.features.cleaning import CREDIT_TYPE_COLUMN, TREND_COLUMN, RawRecordCleaner
from modeling.features.derived import DATE_DERIVED_FEATURES, LoanFeatureDeriver
from modeling.features.outliers import QuantileCapper
from modeling.features.vectorised import (
    FastFrequentImputer,
    FastMedianImputer,
    FastOneHotEncoder,
    FastOrdinalEncoder,
    FastRareLabelEncoder,
)

CAPPED_COLUMNS: tuple[str, ...] = (
    "capital_prestado",
    "salario_cliente",
    "total_otros_prestamos",
    "cuota_pactada",
    "promedio_ingresos_datacredito",
)
# Only these numeric columns can be missing once records pass schema validation.
IMPUTED_NUMERIC: tuple[str, ...] = (
    *(s.name for s in RAW_COLUMNS if s.role == "feature" and s.nullable and s.kind in ("numeric", "integer")),
    *DATE_DERIVED_FEATURES,
)
AGE_GROUP_COLUMN = "grupoEdad"
IMPUTED_CATEGORICAL: tuple[str, ...] = (CREDIT_TYPE_COLUMN, AGE_GROUP_COLUMN)
ONE_HOT_COLUMNS: tuple[str, ...] = (CREDIT_TYPE_COLUMN, TREND_COLUMN)
NOT_MODEL_INPUTS: tuple[str, ...] = ("anio_prestamo", "mes_prestamo")
RARE_CREDIT_TYPE_SHARE = 0.01
CAP_QUANTILE = 0.01


class ToFloatArray(TransformerMixin, BaseEstimator):
    """Freeze the model's columns and their order at fit and hand the model one float64 array.

    Parameters
    ----------
    excluded : sequence of str
        Columns computed upstream that the model does not use.
    """

    def __init__(self, excluded: Sequence[str] = ()) -> None:
        self.excluded = excluded

    def fit(self, X: pd.DataFrame, y: object = None) -> ToFloatArray:
        """Remember the model's input columns."""
        self.feature_names_out_ = [str(c) for c in X.columns if c not in self.excluded]
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        """Columns in the fitted order as a float64 array."""
        return X[self.feature_names_out_].to_numpy(dtype="float64")

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """The model's input column names."""
        return np.asarray(self.feature_names_out_, dtype=object)


def build_preprocessor() -> Pipeline:
    """Unfitted preprocessing steps (coerced raw records → float64 model matrix)."""
    steps = [
        ("clean", RawRecordCleaner()),
        ("derive", LoanFeatureDeriver()),
        ("cap", QuantileCapper(variables=CAPPED_COLUMNS, quantile=CAP_QUANTILE)),
        ("impute_numeric", FastMedianImputer(imputation_method="median", variables=list(IMPUTED_NUMERIC))),
        ("impute_categorical", FastFrequentImputer(imputation_method="frequent",
                                                   variables=list(IMPUTED_CATEGORICAL))),
        ("group_rare", FastRareLabelEncoder(tol=RARE_CREDIT_TYPE_SHARE, n_categories=1,
                                            variables=[CREDIT_TYPE_COLUMN])),
        ("encode_age", FastOrdinalEncoder(encoding_method="ordered", variables=[AGE_GROUP_COLUMN],
                                           unseen="encode")),
        ("one_hot", FastOneHotEncoder(variables=list(ONE_HOT_COLUMNS))),
        ("to_array", ToFloatArray(excluded=NOT_MODEL_INPUTS)),
    ]
    return Pipeline(steps)


def model_feature_names(pipeline: Pipeline) -> list[str]:
    """The fitted model's input column order (after encoding)."""
    return list(pipeline.named_steps["to_array"].feature_names_out_)
