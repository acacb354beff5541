"""The bundle's model on validated feature columns: probabilities and the engineered variables.

The pipeline's lean form (:mod:`modeling.features.lean`: the fitted steps on numpy columns, then the model on
its float matrix) when it compiles, else the pipeline itself on a frame; both give the same values.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from modeling.artifacts import Bundle
from modeling.inference import lean_pipeline, predict_default, score_and_derive

Columns = dict[str, np.ndarray]


def score_columns(bundle: Bundle, features: Mapping[str, np.ndarray]) -> tuple[np.ndarray, Columns]:
    """``(prob_default, engineered variables)`` of coerced records given column by column."""
    n = len(next(iter(features.values()))) if features else 0
    lean = lean_pipeline(bundle.pipeline) if n else None
    if lean is not None:
        matrix, derived = lean.matrix(features)
        return predict_default(lean.model, matrix), derived
    scores, derived_frame = score_and_derive(bundle, pd.DataFrame(dict(features)))
    return (scores["prob_default"].to_numpy(dtype="float64"),
            {str(name): derived_frame[name].to_numpy() for name in derived_frame.columns})
