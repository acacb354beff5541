"""Model classes stored inside bundles.

Unpickling a bundle imports this module, so it holds only what serving needs (no Optuna, no training code).
"""
from __future__ import annotations

from catboost import CatBoostClassifier
from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags


class SklearnCatBoostClassifier(CatBoostClassifier):
    """``CatBoostClassifier`` declaring its scikit-learn tags.

    scikit-learn ≥ 1.6 asks every pipeline step for ``__sklearn_tags__``; CatBoost does not define it,
    so each ``Pipeline.predict_proba`` call would fall back to defaults and emit a DeprecationWarning.
    """

    def __sklearn_tags__(self) -> Tags:
        """Tags of a binary classifier that accepts missing values."""
        return Tags(estimator_type="classifier", target_tags=TargetTags(required=True),
                    classifier_tags=ClassifierTags(), input_tags=InputTags(allow_nan=True))
