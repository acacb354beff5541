"""Candidate models: defaults inside their search spaces, imbalance weights, monotone constraints that hold."""
from __future__ import annotations

import warnings

import numpy as np
import optuna
import pytest

from modeling.data.columns import TARGET
from modeling.data.time_split import drop_implausible, time_split
from modeling.features import build_preprocessor, model_feature_names
from modeling.training.candidates import CANDIDATES, MONOTONE_DIRECTIONS, minority_weights, monotone_vector

QUICK = {"xgboost": {"n_estimators": 60}, "catboost": {"iterations": 60}, "random_forest": {"n_estimators": 30}}


@pytest.fixture(scope="module")
def encoded(small_table):
    rows, _ = drop_implausible(time_split(small_table.frame).train)
    y = rows[TARGET].to_numpy().astype(int)
    preprocessor = build_preprocessor().fit(rows, y)
    return preprocessor.transform(rows), y, model_feature_names(preprocessor)


def test_monotone_vector_places_each_direction_at_its_column():
    names = ["capital_prestado", "huella_consulta", "edad_cliente", "puntaje_datacredito"]
    assert monotone_vector(names) == [0, -1, 0, 1]
    assert monotone_vector(["capital_prestado", "edad_cliente"]) is None
    assert MONOTONE_DIRECTIONS == {"puntaje_datacredito": 1, "huella_consulta": -1}


@pytest.mark.parametrize("name", list(CANDIDATES))
def test_default_parameters_lie_inside_the_search_space(name):
    candidate = CANDIDATES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # optuna warns when a fixed value is outside its distribution
        assert candidate.search_space(optuna.trial.FixedTrial(candidate.default_params)) == candidate.default_params


def test_minority_weights_balance_the_classes():
    y = np.array([0, 1, 1, 1, 1, 0, 1, 1])
    weights = minority_weights(y)
    assert weights[y == 0].sum() == pytest.approx(weights[y == 1].sum())
    assert (weights[y == 1] == 1).all()


def _probability_on_time_along(model, X, column, grid):
    """P(Pago_atiempo = 1) for 40 rows as ``column`` sweeps ``grid`` (rows × grid values)."""
    rows = X[:40]
    sweeps = []
    for value in grid:
        changed = rows.copy()
        changed[:, column] = value
        sweeps.append(model.predict_proba(changed)[:, 1])
    return np.column_stack(sweeps)


@pytest.mark.parametrize("name", ["xgboost", "catboost"])
def test_boosted_models_respect_the_business_directions(encoded, name):
    X, y, names = encoded
    candidate = CANDIDATES[name]
    params = {**candidate.default_params, **QUICK[name]}
    model = candidate.build(params, seed=3, n_jobs=1, feature_names=names).fit(X, y, **candidate.fit_params(y))
    for feature, direction in MONOTONE_DIRECTIONS.items():
        column = names.index(feature)
        grid = np.quantile(X[:, column], np.linspace(0, 1, 15))
        steps = np.diff(_probability_on_time_along(model, X, column, grid), axis=1) * direction
        assert (steps >= -1e-9).all(), f"{name}: P(on time) moves against the direction of {feature}"


def test_random_forest_is_unconstrained(encoded):
    _, _, names = encoded
    forest = CANDIDATES["random_forest"].build(seed=0, n_jobs=1, feature_names=names)
    assert forest.monotonic_cst is None and CANDIDATES["random_forest"].monotone_directions == {}
    assert CANDIDATES["catboost"].monotone_directions == MONOTONE_DIRECTIONS


def test_same_seed_builds_the_same_model(encoded):
    X, y, names = encoded
    candidate = CANDIDATES["catboost"]
    params = {**candidate.default_params, **QUICK["catboost"]}
    first, second = (candidate.build(params, seed=5, n_jobs=1, feature_names=names).fit(X, y) for _ in range(2))
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
