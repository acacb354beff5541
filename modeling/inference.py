"""Scoring raw records with a loaded bundle: probabilities, decisions and risk bands.

No I/O and no training imports; serving, the dashboard and training's own evaluation all call these.
"""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from modeling.features.derived import DERIVED_FEATURES
from modeling.features.lean import LeanPipeline, compile_pipeline

if TYPE_CHECKING:
    from modeling.artifacts import Bundle

SCORE_COLUMNS: tuple[str, ...] = ("prob_default", "Pago_atiempo_pred", "risk_band")
_LEAN: weakref.WeakKeyDictionary[Any, LeanPipeline | None] = weakref.WeakKeyDictionary()


def predict_default(model: Any, X: Any) -> np.ndarray:
    """P(Pago_atiempo = 0) from a fitted classifier or pipeline whose classes are 0 and 1."""
    classes = [int(c) for c in getattr(model, "classes_", (0, 1))]
    return np.asarray(model.predict_proba(X), dtype="float64")[:, classes.index(0)]


def risk_band(prob_default: np.ndarray, cuts: list[float], labels: list[str]) -> np.ndarray:
    """Band label per score: below ``cuts[0]`` → ``labels[0]``, below ``cuts[1]`` → ``labels[1]``, else the last."""
    positions = np.searchsorted(np.asarray(cuts, dtype="float64"), prob_default, side="right")
    return np.asarray(labels, dtype=object)[positions]


def score_frame(bundle: Bundle, raw: pd.DataFrame) -> pd.DataFrame:
    """Score coerced raw records (feature columns incl. ``fecha_prestamo``; others are ignored).

    Returns a frame with the same index and the columns ``prob_default`` (float),
    ``Pago_atiempo_pred`` (0 when ``prob_default >= threshold``, else 1) and ``risk_band``.
    """
    if len(raw) == 0:
        return pd.DataFrame({"prob_default": pd.Series(dtype="float64"),
                             "Pago_atiempo_pred": pd.Series(dtype="int64"),
                             "risk_band": pd.Series(dtype=object)}, index=raw.index)
    return _decisions(bundle, predict_default(bundle.pipeline, raw), raw.index)


def _decisions(bundle: Bundle, prob: np.ndarray, index: pd.Index) -> pd.DataFrame:
    bands = bundle.risk_bands
    return pd.DataFrame({
        "prob_default": prob,
        "Pago_atiempo_pred": np.where(prob >= bundle.threshold, 0, 1).astype("int64"),
        "risk_band": risk_band(prob, bands["cuts"], bands["labels"]),
    }, index=index)


def lean_pipeline(pipeline: Any) -> LeanPipeline | None:
    """The pipeline's preprocessing compiled to array functions (:mod:`modeling.features.lean`), once per
    pipeline object; None when it has a step the lean path does not know."""
    try:
        return _LEAN[pipeline]
    except KeyError:
        lean = _LEAN[pipeline] = compile_pipeline(pipeline) if isinstance(pipeline, Pipeline) else None
        return lean
    except TypeError:  # not weak-referenceable
        return None


def score_and_derive(bundle: Bundle, raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`score_frame` and :func:`derived_features` of the same rows from one pass through the pipeline
    (its lean, array form when available: same values, without per-step DataFrames)."""
    if len(raw) == 0:
        derived = pd.DataFrame({name: pd.Series(dtype="float64") for name in DERIVED_FEATURES}, index=raw.index)
        return score_frame(bundle, raw), derived
    pipeline = bundle.pipeline
    lean = lean_pipeline(pipeline)
    if lean is not None:
        matrix, derived_arrays = lean.matrix(raw)
        prob = predict_default(lean.model, matrix)
        return _decisions(bundle, prob, raw.index), pd.DataFrame(derived_arrays, index=raw.index)
    cut = [name for name, _ in pipeline.steps].index("derive") + 1
    staged = pipeline[:cut].transform(raw)
    prob = predict_default(pipeline[cut:], staged)
    return _decisions(bundle, prob, raw.index), staged[list(DERIVED_FEATURES)]


def engineered_variables(pipeline: Any, raw: pd.DataFrame) -> pd.DataFrame:
    """``DERIVED_FEATURES`` as a fitted pipeline computes them (cleaned and derived, before imputation)."""
    steps = [name for name, _ in pipeline.steps]
    through_derive = pipeline[: steps.index("derive") + 1]
    return through_derive.transform(raw)[list(DERIVED_FEATURES)]


def derived_features(bundle: Bundle, raw: pd.DataFrame) -> pd.DataFrame:
    """The engineered variables (``grupoEdad``, ``es_independiente``, ``total_creditos`` …) exactly as the
    bundle's pipeline computes them before imputation and encoding (same index as ``raw``); through the lean form
    of the pipeline when it has one (same values, no per-step DataFrames)."""
    lean = lean_pipeline(bundle.pipeline)
    if lean is None or len(raw) == 0:
        return engineered_variables(bundle.pipeline, raw)
    return pd.DataFrame(lean.derived(raw), index=raw.index)
