"""Optuna tuning of the selected candidate on the training-period folds (seeded TPE sampler).

The objective is the same one used to select the candidate: mean − std across folds of the priority
metric. The candidate's default parameters are evaluated as the first trial, so tuning never returns
something worse on the folds than what was selected. Each finished trial is logged as it completes.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import optuna

from modeling.training.candidates import Candidate, Params
from modeling.training.cross_validation import CVResult, Fold, cross_validate
from modeling.training.evaluation import stability_score

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TuningResult:
    """Best parameters, their fold results, and one row per trial (number, value, params, seconds)."""

    best_params: Params
    best_value: float
    best_cv: CVResult
    trials: list[dict[str, object]]


def tune(candidate: Candidate, folds: Sequence[Fold], n_rows: int, *, n_trials: int, seed: int, n_jobs: int,
         metric: str) -> TuningResult:
    """Search ``candidate.search_space`` for ``n_trials`` trials (the first one is the default parameters)."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.enqueue_trial(candidate.default_params)
    results: dict[int, CVResult] = {}
    trials: list[dict[str, object]] = []

    def objective(trial: optuna.Trial) -> float:
        started = time.perf_counter()
        params = candidate.search_space(trial)
        result = cross_validate(candidate, params, folds, n_rows, seed=seed, n_jobs=n_jobs)
        results[trial.number] = result
        value = stability_score(result.summary, metric)
        trials.append({"number": trial.number, "value": value, "params": params,
                       "seconds": round(time.perf_counter() - started, 2)})
        return value

    def report(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        log.info("trial %d/%d  %s mean-std = %.4f  (best %.4f, trial %d)  %s", trial.number + 1, n_trials,
                 metric, trial.value, study.best_value, study.best_trial.number + 1, _short(trial.params))

    study.optimize(objective, n_trials=n_trials, callbacks=[report])
    best = study.best_trial
    return TuningResult(dict(best.params), float(best.value),
                        results[best.number], trials)


def _short(params: Params) -> str:
    return ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in params.items())
