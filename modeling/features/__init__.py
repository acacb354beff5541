"""Feature engineering: stateless cleaning and derivation, and the builder of the fitted preprocessing steps."""
from modeling.features.derived import DERIVED_CATEGORICAL, DERIVED_FEATURES, derive_features
from modeling.features.pipeline import build_preprocessor, model_feature_names

__all__ = [
    "DERIVED_CATEGORICAL",
    "DERIVED_FEATURES",
    "build_preprocessor",
    "derive_features",
    "model_feature_names",
]
