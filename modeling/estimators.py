"""Model classes stored inside bundles.

Unpickling a bundle imports this module, so it holds only what serving needs (no Optuna, no training code).
"""
from __future__ import annotations

from typing import Any

import numpy as np
from catboost import CatBoostClassifier
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags
from sklearn.utils.validation import check_is_fitted

from modeling.training.calibration import apply_platt


class SklearnCatBoostClassifier(CatBoostClassifier):
    """``CatBoostClassifier`` declaring its scikit-learn tags.

    scikit-learn ≥ 1.6 asks every pipeline step for ``__sklearn_tags__``; CatBoost does not define it,
    so each ``Pipeline.predict_proba`` call would fall back to defaults and emit a DeprecationWarning.
    """

    def __sklearn_tags__(self) -> Tags:
        """Tags of a binary classifier that accepts missing values."""
        return Tags(estimator_type="classifier", target_tags=TargetTags(required=True),
                    classifier_tags=ClassifierTags(), input_tags=InputTags(allow_nan=True))


class PlattCalibratedClassifier(ClassifierMixin, BaseEstimator):
    """A binary classifier (classes 0 and 1) whose P(class 0) is recalibrated with fixed Platt parameters.

    The parameters are learned outside (on out-of-fold predictions, see ``modeling.training.calibration``);
    ``fit`` fits a clone of ``estimator`` only.

    Parameters
    ----------
    estimator : classifier
        The unfitted model.
    slope, intercept : float
        Platt parameters applied to the log-odds of the model's P(class 0).
    """

    def __init__(self, estimator: Any = None, slope: float = 1.0, intercept: float = 0.0) -> None:
        self.estimator = estimator
        self.slope = slope
        self.intercept = intercept

    def fit(self, X: Any, y: Any, **fit_params: Any) -> PlattCalibratedClassifier:
        """Fit a clone of ``estimator`` (extra arguments such as ``sample_weight`` are passed on)."""
        self.estimator_ = clone(self.estimator).fit(X, y, **fit_params)
        self.classes_ = np.asarray(self.estimator_.classes_)
        if sorted(self.classes_.tolist()) != [0, 1]:
            raise ValueError(f"expected classes 0 and 1, got {self.classes_.tolist()}")
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Columns P(class 0), P(class 1) after recalibration."""
        check_is_fitted(self, "estimator_")
        raw = self.estimator_.predict_proba(X)[:, list(self.classes_).index(0)]
        late = apply_platt(raw, self.slope, self.intercept)
        return np.column_stack([late, 1.0 - late])

    def predict(self, X: Any) -> np.ndarray:
        """The more probable class after recalibration."""
        return np.where(self.predict_proba(X)[:, 0] >= 0.5, 0, 1)
