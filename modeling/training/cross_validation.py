"""Time-series cross-validation on the training period with preprocessing fitted inside each fold.

The preprocessing steps do not depend on model hyper-parameters, so each fold's preprocessor is fitted
once (on that fold's training part only) and its encoded matrices are reused by every candidate and
every Optuna trial. That is the same computation as refitting the whole pipeline per fold, done once.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.model_selection import TimeSeriesSplit

from modeling.features import build_preprocessor, model_feature_names
from modeling.inference import predict_default
from modeling.training.candidates import Candidate, Params, predict_single_threaded
from modeling.training.evaluation import classification_metrics, summarize_folds

CV_THRESHOLD = 0.5  # operating point of the per-fold recall/precision/F1 (class weights make 0.5 neutral)


@dataclass(frozen=True)
class Fold:
    """One time-ordered fold: positions in the training period, the encoded matrices and their column names."""

    number: int
    valid_positions: np.ndarray
    feature_names: list[str]
    X_train: np.ndarray
    y_train: np.ndarray
    X_valid: np.ndarray
    y_valid: np.ndarray


@dataclass(frozen=True)
class CVResult:
    """Per-fold metrics, their summary, and the out-of-fold ``prob_default`` (NaN for never-validated rows)."""

    fold_metrics: list[dict[str, float]]
    summary: dict[str, dict[str, object]]
    oof: np.ndarray

    @property
    def validated(self) -> np.ndarray:
        """Mask of the rows that received an out-of-fold prediction."""
        return ~np.isnan(self.oof)


def prepare_folds(train: pd.DataFrame, y: np.ndarray, n_splits: int) -> list[Fold]:
    """Split the (date-sorted) training period with ``TimeSeriesSplit`` and preprocess each fold.

    Raises ``ValueError`` when a fold's training part lacks one of the classes.
    """
    folds = []
    y = np.asarray(y).astype(int)
    for number, (fit_idx, valid_idx) in enumerate(TimeSeriesSplit(n_splits=n_splits).split(train), start=1):
        if len(np.unique(y[fit_idx])) < 2:
            raise ValueError(f"fold {number}: its training part has a single class; use fewer folds or more data")
        preprocessor = build_preprocessor()
        X_fit = preprocessor.fit_transform(train.iloc[fit_idx], y[fit_idx])
        X_valid = preprocessor.transform(train.iloc[valid_idx])
        folds.append(Fold(number, valid_idx, model_feature_names(preprocessor), X_fit, y[fit_idx], X_valid,
                          y[valid_idx]))
    return folds


def cross_validate(candidate: Candidate, params: Params | None, folds: Sequence[Fold], n_rows: int, *,
                   seed: int, n_jobs: int) -> CVResult:
    """Fit ``candidate`` with ``params`` on every fold; score each fold's validation part."""
    oof = np.full(n_rows, np.nan)
    fold_metrics = []
    for fold in folds:
        model = candidate.build(params, seed=seed, n_jobs=n_jobs, feature_names=fold.feature_names)
        model.fit(fold.X_train, fold.y_train, **candidate.fit_params(fold.y_train))
        predict_single_threaded(model)
        prob_default = predict_default(model, fold.X_valid)
        oof[fold.valid_positions] = prob_default
        fold_metrics.append(classification_metrics(fold.y_valid, prob_default, CV_THRESHOLD))
    return CVResult(fold_metrics, summarize_folds(fold_metrics), oof)

