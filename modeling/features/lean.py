"""The fitted preprocessing steps applied to plain numpy columns: the serving path, without pandas per step.

A fitted pipeline's ``transform`` builds and copies a DataFrame at every step; on a one-record request that
costs milliseconds while the model itself answers in a fraction of one. :func:`compile_pipeline` reads the
*fitted* state of each step of :func:`modeling.features.pipeline.build_preprocessor` (learned limits, fill
values, frequent labels, codes, dummy categories, column order) and applies it to a ``{column: array}`` mapping
with the same numpy operations, using the same helper functions as the steps themselves (cleaning and
derivation). The result is the model's float64 matrix, equal to what the pipeline gives (tests compare both on
thousands of records, including missing and odd values). A pipeline with a step this module does not know
compiles to None: callers then use the pipeline itself.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from modeling.features.cleaning import (
    CREDIT_TYPE_COLUMN,
    TREND_COLUMN,
    RawRecordCleaner,
    credit_type_labels,
    normalize_trend,
)
from modeling.features.derived import DERIVED_FEATURES, LoanFeatureDeriver, derived_columns
from modeling.features.outliers import QuantileCapper
from modeling.features.pipeline import ToFloatArray
from modeling.features.vectorised import (
    FastFrequentImputer,
    FastMedianImputer,
    FastOneHotEncoder,
    FastOrdinalEncoder,
    FastRareLabelEncoder,
)

Columns = dict[str, np.ndarray]
Step = Callable[[Columns], Columns]


@dataclass(frozen=True)
class LeanPipeline:
    """A fitted pipeline's preprocessing as array functions, and its final estimator."""

    steps: tuple[Step, ...]
    derive_index: int  # position of the "derive" step: its output holds the engineered variables
    model: Any

    def matrix(self, raw: Mapping[str, Any]) -> tuple[np.ndarray, Columns]:
        """The model's float64 matrix and the engineered variables (``DERIVED_FEATURES``, before capping and
        imputation) of coerced raw records given column by column (a DataFrame works too)."""
        columns: Columns = {name: np.asarray(raw[name]) for name in raw.keys()}  # noqa: SIM118 — frames too
        derived: Columns = {}
        for position, step in enumerate(self.steps[:-1]):
            columns = step(columns)
            if position == self.derive_index:
                derived = {name: columns[name] for name in DERIVED_FEATURES}
        return self.steps[-1](columns)["__matrix__"], derived

    def derived(self, raw: Mapping[str, Any]) -> Columns:
        """The engineered variables alone: only the steps up to "derive" run."""
        columns: Columns = {name: np.asarray(raw[name]) for name in raw.keys()}  # noqa: SIM118 — frames too
        for step in self.steps[: self.derive_index + 1]:
            columns = step(columns)
        return {name: columns[name] for name in DERIVED_FEATURES}


def compile_pipeline(pipeline: Pipeline) -> LeanPipeline | None:
    """The lean form of a fitted ``pipeline`` (preprocessing steps + final model), or None if a step is unknown."""
    steps: list[Step] = []
    derive_index = -1
    for name, step in pipeline.steps[:-1]:
        compiled = _compile_step(step)
        if compiled is None:
            return None
        if name == "derive":
            derive_index = len(steps)
        steps.append(compiled)
    if derive_index < 0 or not isinstance(pipeline.steps[-2][1], ToFloatArray):
        return None
    return LeanPipeline(tuple(steps), derive_index, pipeline.steps[-1][1])


def _compile_step(step: Any) -> Step | None:
    builders: list[tuple[type, Callable[[Any], Step]]] = [
        (RawRecordCleaner, _clean), (LoanFeatureDeriver, _derive), (QuantileCapper, _cap),
        (FastMedianImputer, _impute), (FastFrequentImputer, _impute), (FastRareLabelEncoder, _group_rare),
        (FastOrdinalEncoder, _ordinal), (FastOneHotEncoder, _one_hot), (ToFloatArray, _to_matrix)]
    for kind, build in builders:
        if type(step) is kind:
            return build(step)
    return None


def _clean(step: RawRecordCleaner) -> Step:
    kept = list(step.feature_names_out_)

    def run(columns: Columns) -> Columns:
        out = {name: columns[name] for name in kept}
        out[TREND_COLUMN] = normalize_trend(columns[TREND_COLUMN])
        out[CREDIT_TYPE_COLUMN] = credit_type_labels(columns[CREDIT_TYPE_COLUMN])
        return out
    return run


def _derive(step: LoanFeatureDeriver) -> Step:
    replaced = set(step.replaced)

    def run(columns: Columns) -> Columns:
        out = {name: values for name, values in columns.items() if name not in replaced}
        out.update(derived_columns(columns))
        return out
    return run


def _cap(step: QuantileCapper) -> Step:
    limits = [(name, step.lower_[name], step.upper_[name]) for name in step.variables]

    def run(columns: Columns) -> Columns:
        out = dict(columns)
        for name, lower, upper in limits:
            out[name] = np.clip(np.asarray(columns[name], dtype="float64"), lower, upper)
        return out
    return run


def _impute(step: FastMedianImputer | FastFrequentImputer) -> Step:
    fills = list(step.imputer_dict_.items())

    def run(columns: Columns) -> Columns:
        out = dict(columns)
        for name, value in fills:
            missing = pd.isna(columns[name])
            if missing.any():
                out[name] = np.where(missing, value, columns[name])
        return out
    return run


def _reject_missing(columns: Columns, names: list[str], step: str) -> None:
    missing = [name for name in names if pd.isna(columns[name]).any()]
    if missing:
        raise ValueError(f"{step}: missing values in {', '.join(missing)}; impute them first")


def _group_rare(step: FastRareLabelEncoder) -> Step:
    frequent = {name: pd.Index(labels) for name, labels in step.encoder_dict_.items()}
    names, replace_with, label = list(step.variables_), step.replace_with, type(step).__name__

    def run(columns: Columns) -> Columns:
        _reject_missing(columns, names, label)
        out = dict(columns)
        for name, index in frequent.items():
            known = index.get_indexer(columns[name]) >= 0
            out[name] = np.where(known, columns[name], replace_with).astype(object)
        return out
    return run


def _ordinal(step: FastOrdinalEncoder) -> Step:
    if step.unseen != "encode":
        raise ValueError("FastOrdinalEncoder supports unseen='encode' only")
    maps = {name: (pd.Index(list(mapping)), np.asarray(list(mapping.values()), dtype="float64"))
            for name, mapping in step.encoder_dict_.items()}
    names, unseen, label = list(step.variables_), float(step._unseen), type(step).__name__

    def run(columns: Columns) -> Columns:
        _reject_missing(columns, names, label)
        out = dict(columns)
        for name, (index, codes) in maps.items():
            position = index.get_indexer(columns[name])
            out[name] = np.where(position >= 0, codes[position], unseen)
        return out
    return run


def _one_hot(step: FastOneHotEncoder) -> Step:
    dummies = [(feature, category, f"{feature}_{category}") for feature in step.variables_
               for category in step.encoder_dict_[feature]]
    names, label = list(step.variables_), type(step).__name__

    def run(columns: Columns) -> Columns:
        _reject_missing(columns, names, label)
        out = {name: values for name, values in columns.items() if name not in names}
        for feature, category, name in dummies:
            out[name] = (columns[feature] == category).astype(np.int64)
        return out
    return run


def _to_matrix(step: ToFloatArray) -> Step:
    names = list(step.feature_names_out_)

    def run(columns: Columns) -> Columns:
        n = len(next(iter(columns.values()))) if columns else 0
        matrix = np.empty((n, len(names)), dtype="float64", order="F")  # column-major, as pandas gives it:
        # CatBoost copies a C-ordered matrix value by value (≈35× slower at 10,000 rows)
        for j, name in enumerate(names):
            matrix[:, j] = columns[name]
        return {"__matrix__": matrix}
    return run
