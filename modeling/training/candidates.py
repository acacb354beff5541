"""The three candidate models: factories with class-imbalance handling and their Optuna search spaces.

The target is ``Pago_atiempo`` (classes_ [0, 1]); class 0, the late payers, is the ~5 % minority. Each
candidate re-weights it with its own native mechanism:

- RandomForest: ``class_weight="balanced_subsample"`` (weights recomputed in every bootstrap sample);
- XGBoost: per-row ``sample_weight`` = n_majority / n_minority for class 0 (1 for class 1), passed at fit;
- CatBoost: ``auto_class_weights="Balanced"`` (the same weights, computed by CatBoost).

The late payers are few (≈ 400 in the training period) and the loan mix drifts, so the boosted models are
kept shallow and strongly regularised (depth 2–3 by default, large leaves / L2 penalty, and Optuna searches
depth 2–4 only); on the training-period folds of both the real and the synthetic data, and on forward checks
inside the training period, this generalised better than the former deeper defaults and wider spaces. They are
also constrained to be monotone in the two inputs whose business direction is certain
(``MONOTONE_DIRECTIONS``); a RandomForest with the same constraints did worse on the real folds, so it
stays unconstrained.

Sizes are kept small enough that the default training run stays under three minutes on two cores and a
single record scores in well under a millisecond of model time (RandomForest trees are the slow part).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from xgboost import XGBClassifier

from modeling.estimators import SklearnCatBoostClassifier

if TYPE_CHECKING:
    import optuna

Params = dict[str, Any]

# Direction of P(Pago_atiempo = 1) in each input: +1 rises, -1 falls, absent = unconstrained.
MONOTONE_DIRECTIONS: dict[str, int] = {
    "puntaje_datacredito": 1,  # a higher bureau score never makes on-time payment less likely
    "huella_consulta": -1,  # more recent bureau inquiries never make it more likely
}


def monotone_vector(feature_names: Sequence[str]) -> list[int] | None:
    """``MONOTONE_DIRECTIONS`` as one entry per model input column (0 = unconstrained); None when no
    constrained column is among the inputs."""
    vector = [MONOTONE_DIRECTIONS.get(name, 0) for name in feature_names]
    return vector if any(vector) else None


def minority_weights(y: np.ndarray) -> np.ndarray:
    """Per-row weights: each class-0 row counts n(class 1) / n(class 0) times, class-1 rows once."""
    y = np.asarray(y)
    n_minority, n_majority = int(np.sum(y == 0)), int(np.sum(y == 1))
    weight = n_majority / n_minority if n_minority else 1.0
    return np.where(y == 0, weight, 1.0)


def _random_forest(params: Params, seed: int, n_jobs: int, monotone: list[int] | None) -> RandomForestClassifier:
    return RandomForestClassifier(class_weight="balanced_subsample", random_state=seed, n_jobs=n_jobs,
                                  monotonic_cst=monotone, **params)


def _xgboost(params: Params, seed: int, n_jobs: int, monotone: list[int] | None) -> XGBClassifier:
    # Always one thread: XGBoost's OpenMP workers spin at a barrier after every tree level, and on a shared
    # two-core machine a busy neighbour turns that into 10–100× slower fits; on ~10k rows one thread is fast.
    return XGBClassifier(tree_method="hist", eval_metric="logloss", random_state=seed, n_jobs=1,
                         monotone_constraints=tuple(monotone) if monotone else None, **params)


def _catboost(params: Params, seed: int, n_jobs: int, monotone: list[int] | None) -> SklearnCatBoostClassifier:
    return SklearnCatBoostClassifier(auto_class_weights="Balanced", random_seed=seed, thread_count=n_jobs,
                                     verbose=False, allow_writing_files=False, monotone_constraints=monotone,
                                     **params)


def _rf_space(trial: optuna.Trial) -> Params:
    return {
        "n_estimators": trial.suggest_int("n_estimators", 100, 200, step=50),
        "max_depth": trial.suggest_int("max_depth", 3, 12),
        "min_samples_leaf": trial.suggest_int("min_samples_leaf", 5, 100, log=True),
        "max_features": trial.suggest_float("max_features", 0.2, 0.8),
    }


def _xgb_space(trial: optuna.Trial) -> Params:
    return {
        "n_estimators": trial.suggest_int("n_estimators", 150, 400, step=50),
        "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.1, log=True),
        "max_depth": trial.suggest_int("max_depth", 2, 4),
        "min_child_weight": trial.suggest_float("min_child_weight", 5.0, 100.0, log=True),
        "subsample": trial.suggest_float("subsample", 0.5, 0.9),
        "colsample_bytree": trial.suggest_float("colsample_bytree", 0.5, 0.9),
        "reg_lambda": trial.suggest_float("reg_lambda", 1.0, 50.0, log=True),
    }


def _catboost_space(trial: optuna.Trial) -> Params:
    return {
        "iterations": trial.suggest_int("iterations", 150, 400, step=50),
        "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.1, log=True),
        "depth": trial.suggest_int("depth", 2, 4),
        "l2_leaf_reg": trial.suggest_float("l2_leaf_reg", 5.0, 50.0, log=True),
        "random_strength": trial.suggest_float("random_strength", 0.5, 5.0, log=True),
    }


def _no_fit_params(y: np.ndarray) -> Params:
    return {}


def _weights_fit_params(y: np.ndarray) -> Params:
    return {"sample_weight": minority_weights(y)}


@dataclass(frozen=True)
class Candidate:
    """One model family: how to build it, its default and searchable parameters, and its fit arguments."""

    name: str
    factory: Callable[[Params, int, int, list[int] | None], Any]
    default_params: Params
    search_space: Callable[[optuna.Trial], Params]
    fit_params: Callable[[np.ndarray], Params] = field(default=_no_fit_params)
    monotone: bool = False

    def build(self, params: Params | None = None, *, seed: int, n_jobs: int, feature_names: Sequence[str]) -> Any:
        """An unfitted estimator with ``params`` (default: ``default_params``) for the model input columns
        ``feature_names`` (their order places the monotone constraints, when the candidate uses them)."""
        monotone = monotone_vector(feature_names) if self.monotone else None
        return self.factory(dict(self.default_params if params is None else params), seed, n_jobs, monotone)

    @property
    def monotone_directions(self) -> dict[str, int]:
        """The constraints this candidate applies (empty when unconstrained)."""
        return dict(MONOTONE_DIRECTIONS) if self.monotone else {}


CANDIDATES: dict[str, Candidate] = {
    "random_forest": Candidate(
        "random_forest", _random_forest,
        {"n_estimators": 150, "max_depth": 8, "min_samples_leaf": 20, "max_features": 0.5},
        _rf_space),
    "xgboost": Candidate(
        "xgboost", _xgboost,
        {"n_estimators": 300, "learning_rate": 0.03, "max_depth": 2, "min_child_weight": 20.0,
         "subsample": 0.8, "colsample_bytree": 0.8, "reg_lambda": 1.0},
        _xgb_space, _weights_fit_params, monotone=True),
    "catboost": Candidate(
        "catboost", _catboost,
        {"iterations": 300, "learning_rate": 0.03, "depth": 3, "l2_leaf_reg": 20.0, "random_strength": 1.0},
        _catboost_space, monotone=True),
}


def predict_single_threaded(model: Any) -> Any:
    """Make a fitted model predict on one thread: no thread start-up per single-record call, and
    bit-identical results (a multi-threaded RandomForest adds its trees' votes in arbitrary order).

    RandomForest and XGBoost take ``n_jobs``; CatBoost's fitted parameters are frozen and it
    already answers a one-row call in about 0.1 ms.
    """
    if isinstance(model, (RandomForestClassifier, XGBClassifier)):
        model.set_params(n_jobs=1)
    return model
