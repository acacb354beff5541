"""Stateless cleaning of coerced raw records: keep the feature columns, normalise two messy fields.

This is the pipeline's first step, so training and serving clean records identically. It is vectorised
(no per-row Python) because it runs on every single-record request.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from modeling.data.columns import UNKNOWN_TREND
from modeling.data.schema import COLUMNS_BY_NAME, FEATURE_COLUMNS, Problem, SchemaError
from modeling.features.frames import with_columns

TREND_COLUMN = "tendencia_ingresos"
CREDIT_TYPE_COLUMN = "tipo_credito"
KNOWN_TRENDS: tuple[str, ...] = tuple(COLUMNS_BY_NAME[TREND_COLUMN].categories)


def normalize_trend(values: pd.Series | np.ndarray) -> np.ndarray:
    """Map every value that is not a known income trend (nulls, stray numbers, typos) to ``Sin_informacion``."""
    raw = np.asarray(values, dtype=object)
    known = pd.Index(KNOWN_TRENDS).get_indexer(raw) >= 0
    return np.where(known, raw, UNKNOWN_TREND).astype(object)


def credit_type_labels(values: pd.Series | np.ndarray) -> np.ndarray:
    """Turn the integer credit-type code into a text label (4.0 → "4"); missing stays missing."""
    numbers = np.asarray(pd.to_numeric(values, errors="coerce"), dtype="float64")
    present = ~np.isnan(numbers)
    exact = present & (np.abs(numbers) < 2**53)  # integers a float64 holds exactly (and int64 can take)
    labels = np.full(len(numbers), np.nan, dtype=object)
    labels[exact] = np.round(numbers[exact]).astype(np.int64).astype(str)
    labels[present & ~exact] = [f"{number:.0f}" for number in numbers[present & ~exact]]  # absurd codes only
    return labels


class RawRecordCleaner(TransformerMixin, BaseEstimator):
    """Keep the schema's raw feature columns and clean ``tendencia_ingresos`` and ``tipo_credito``.

    Target, leakage and any extra columns are dropped here, so they can never reach
    the model. ``tendencia_ingresos`` values other than Creciente / Decreciente /
    Estable (nulls, stray integers) become ``Sin_informacion``; ``tipo_credito``
    codes become text labels ("4", "9", …) for the categorical encoders. A missing
    feature column raises ``SchemaError`` naming every one.

    Parameters
    ----------
    columns : sequence of str
        The raw feature columns to keep (default: every schema feature column).
    """

    def __init__(self, columns: Sequence[str] = FEATURE_COLUMNS) -> None:
        self.columns = columns

    def fit(self, X: pd.DataFrame, y: object = None) -> RawRecordCleaner:
        """Check that every feature column is present; nothing is learned."""
        self._check(X)
        self.feature_names_out_ = list(self.columns)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Return a cleaned copy of ``X`` restricted to the feature columns."""
        self._check(X)
        cleaned = {TREND_COLUMN: normalize_trend(X[TREND_COLUMN]),
                   CREDIT_TYPE_COLUMN: credit_type_labels(X[CREDIT_TYPE_COLUMN])}
        return with_columns(X, cleaned, keep=self.feature_names_out_)

    def _check(self, X: pd.DataFrame) -> None:
        if not isinstance(X, pd.DataFrame):
            raise TypeError(f"expected a pandas DataFrame of raw loan records, got {type(X).__name__}")
        missing = [c for c in self.columns if c not in X.columns]
        if missing:
            problems = [Problem(c, "missing column", expected=COLUMNS_BY_NAME[c].kind) for c in missing]
            raise SchemaError(problems, "raw records lack feature columns")

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """Names of the kept columns."""
        return np.asarray(self.feature_names_out_, dtype=object)
