"""Training: ``python -m modeling.train [--data PATH] [--models-dir DIR] [--trials N] [--seed N] [--folds N]``.

1. load the data (``--data``; else a ``Base_de_datos.xlsx`` at the project root or in ``data/``; else the built-in
   synthetic dataset) and split it in time, 80 % / 20 %;
2. drop implausible rows from the training period by the schema's fixed rules;
3. cross-validate RandomForest, XGBoost and CatBoost with ``TimeSeriesSplit`` on the training period and
   select by mean − std of the priority metric (PR-AUC of class 0 by default);
4. tune the selected model with Optuna (seeded); on the out-of-fold predictions of the training period,
   fit the Platt recalibration of ``prob_default`` and choose the threshold and the risk-band cuts;
5. fit the final pipeline on the whole training period, evaluate it once on the test period, build the
   drift reference profile and write the bundle atomically.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from modeling.artifacts import save_bundle
from modeling.data.columns import TARGET
from modeling.data.dataset_file import choose_training_data
from modeling.data.reading import LoadedTable, load_training_data
from modeling.data.schema import FEATURE_COLUMNS, SchemaError
from modeling.data.time_split import drop_implausible, time_split
from modeling.estimators import PlattCalibratedClassifier
from modeling.features import build_preprocessor, model_feature_names
from modeling.inference import predict_default
from modeling.paths import DEFAULT_MODELS_DIR, PROJECT_ROOT
from modeling.training.bundle_metadata import build_metadata, reference_profile
from modeling.training.calibration import apply_platt, fit_platt
from modeling.training.candidates import CANDIDATES, Candidate, Params, predict_single_threaded
from modeling.training.cross_validation import cross_validate, prepare_folds
from modeling.training.evaluation import (
    choose_threshold,
    classification_metrics,
    confusion,
    is_risk,
    risk_band_cuts,
    stability_score,
)
from modeling.training.report import PhaseTimer, format_summary
from modeling.training.tuning import tune

log = logging.getLogger("modeling.train")


@dataclass(frozen=True)
class TrainOptions:
    """Everything that determines a training run (same options + same data → same metrics)."""

    data: Path | None = None
    models_dir: Path = DEFAULT_MODELS_DIR
    trials: int = 20
    seed: int = 42
    folds: int = 5
    n_jobs: int = 2
    target_recall: float = 0.60
    priority_metric: str = "pr_auc_0"
    candidates: tuple[str, ...] = field(default=tuple(CANDIDATES))


@dataclass(frozen=True)
class TrainResult:
    """Where the bundle was written, its metadata and the seconds spent per phase."""

    bundle_path: Path
    metadata: dict[str, Any]
    timings: dict[str, float]


def train(options: TrainOptions) -> TrainResult:
    """Load the data named by ``options`` and train a bundle from it."""
    timer = PhaseTimer()
    with timer.phase("load data"):
        table = load_training_data(options.data)
        log.info("%s: %d rows, sha256 %s…", table.source, table.rows, table.sha256[:12])
    return train_table(table, options, timer)


def train_table(table: LoadedTable, options: TrainOptions, timer: PhaseTimer | None = None) -> TrainResult:
    """Train, evaluate and save a bundle from an already loaded table."""
    timer = timer or PhaseTimer()
    with timer.phase("split"):
        split = time_split(table.frame)
        train_rows, dropped = drop_implausible(split.train)
        y = train_rows[TARGET].to_numpy().astype(int)
        y_test = split.test[TARGET].to_numpy().astype(int)
        log.info("train %d rows (%d implausible dropped: %s), test %d rows; class-0 share %.3f / %.3f",
                 len(train_rows), len(split.train) - len(train_rows), dropped, len(split.test),
                 np.mean(y == 0), np.mean(y_test == 0))
    with timer.phase("prepare folds"):
        folds = prepare_folds(train_rows, y, options.folds)
    with timer.phase("compare candidates"):
        cv_table, scores = {}, {}
        for name in options.candidates:
            result = cross_validate(CANDIDATES[name], None, folds, len(train_rows), seed=options.seed,
                                    n_jobs=options.n_jobs)
            cv_table[name] = result.summary
            scores[name] = stability_score(result.summary, options.priority_metric)
            log.info("%-14s %s mean-std = %.4f", name, options.priority_metric, scores[name])
        selected = max(options.candidates, key=lambda n: scores[n])
    with timer.phase(f"tune {selected}"):
        tuning = tune(CANDIDATES[selected], folds, len(train_rows), n_trials=max(options.trials, 1),
                      seed=options.seed, n_jobs=options.n_jobs, metric=options.priority_metric)
    with timer.phase("calibrate and choose threshold"):
        validated = tuning.best_cv.validated
        slope, intercept = fit_platt(tuning.best_cv.oof[validated], is_risk(y[validated]))
        oof, oof_y = apply_platt(tuning.best_cv.oof[validated], slope, intercept), y[validated]
        threshold = choose_threshold(oof_y, oof, options.target_recall)
        cuts = risk_band_cuts(oof, threshold)
        cv_metrics = classification_metrics(oof_y, oof, threshold)
        log.info("Platt slope %.3f intercept %.3f; threshold %.4f; risk-band cuts %s", slope, intercept, threshold,
                 [round(c, 4) for c in cuts])
    with timer.phase("final fit"):
        pipeline = fit_final_pipeline(CANDIDATES[selected], tuning.best_params, train_rows, y, seed=options.seed,
                                      n_jobs=options.n_jobs, calibration=(slope, intercept))
    with timer.phase("evaluate test"):
        test_prob = predict_default(pipeline, split.test)
        test_metrics = {**classification_metrics(y_test, test_prob, threshold),
                        "confusion_matrix": confusion(y_test, test_prob, threshold)}
    with timer.phase("reference profile"):
        train_prob = predict_default(pipeline, train_rows)
        profile = reference_profile(pipeline, train_rows, train_prob)
    with timer.phase("save bundle"):
        metadata = build_metadata(
            table=table, options=asdict(options), split=split, train_rows=train_rows, dropped=dropped,
            cv_table=cv_table, scores=scores, selected=selected, tuning=tuning, calibration=(slope, intercept),
            threshold=threshold, cuts=cuts, metrics={"cv": cv_metrics, "test": test_metrics}, profile=profile,
            models_dir=options.models_dir)
        frames = {"reference": _rows(train_rows).assign(prob_default=train_prob), "holdout": _rows(split.test)}
        path = save_bundle(options.models_dir, pipeline=pipeline, metadata=metadata,
                           feature_names=model_feature_names(pipeline), frames=frames)
    timings = {**timer.seconds, "total": round(timer.total, 3)}
    log.info("%s", format_summary(metadata, timings))
    return TrainResult(path, metadata, timings)


def fit_final_pipeline(candidate: Candidate, params: Params, rows: pd.DataFrame, y: np.ndarray, *, seed: int,
                       n_jobs: int, calibration: tuple[float, float]) -> Pipeline:
    """Fit the preprocessing on ``rows``, then the recalibrated model on its output (the model is built once the
    input columns are known, since they place its monotone constraints); return them as one pipeline."""
    preprocessor = build_preprocessor()
    X = preprocessor.fit_transform(rows, y)
    estimator = candidate.build(params, seed=seed, n_jobs=n_jobs, feature_names=model_feature_names(preprocessor))
    model = PlattCalibratedClassifier(estimator, *calibration).fit(X, y, **candidate.fit_params(y))
    predict_single_threaded(model.estimator_)
    return Pipeline([*preprocessor.steps, ("model", model)])


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[:, [*FEATURE_COLUMNS, TARGET]].reset_index(drop=True)


def parse_args(argv: Sequence[str] | None = None) -> TrainOptions:
    """Command-line options → ``TrainOptions`` (``--models-dir`` defaults to ``$MODELS_DIR`` or ``models/``)."""
    defaults = TrainOptions()
    parser = argparse.ArgumentParser(prog="python -m modeling.train",
                                     description="Train, evaluate and save a loan-default model bundle.")
    parser.add_argument("--data", type=Path, default=None,
                        help="loan file (.xlsx/.csv); default: Base_de_datos.xlsx at the project root or in data/, "
                             "else the built-in synthetic dataset")
    parser.add_argument("--models-dir", type=Path, default=Path(os.environ.get("MODELS_DIR") or DEFAULT_MODELS_DIR),
                        help="where bundles and LATEST are written (default: $MODELS_DIR or models/)")
    parser.add_argument("--trials", type=int, default=defaults.trials, help="Optuna trials for the selected model")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="seed of the models and of Optuna")
    parser.add_argument("--folds", type=int, default=defaults.folds, help="TimeSeriesSplit folds")
    parser.add_argument("--n-jobs", type=int, default=defaults.n_jobs, help="threads per model fit")
    parser.add_argument("--target-recall", type=float, default=defaults.target_recall,
                        help="class-0 recall the threshold must reach on out-of-fold predictions")
    args = parser.parse_args(argv)
    if args.trials < 1 or args.folds < 2 or args.n_jobs < 1:
        parser.error("--trials must be >= 1, --folds >= 2 and --n-jobs >= 1")
    return TrainOptions(data=args.data, models_dir=args.models_dir, trials=args.trials, seed=args.seed,
                        folds=args.folds, n_jobs=args.n_jobs, target_recall=args.target_recall)


def main(argv: Sequence[str] | None = None, *, root: Path = PROJECT_ROOT) -> int:
    """CLI entry point; bad data or options end with a clear message and exit status 2. Without ``--data``, a
    ``Base_de_datos.xlsx`` under ``root`` (the project) is used when present, and the choice is announced."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    options = parse_args(argv)
    data, announcement = choose_training_data(options.data, root)
    print(f"{'=' * 100}\n{announcement}\n{'=' * 100}", flush=True)
    options = replace(options, data=data)
    try:
        result = train(options)
    except (SchemaError, ValueError, FileNotFoundError) as exc:
        print(f"training failed: {exc}", file=sys.stderr)
        return 2
    print(f"model bundle written to {result.bundle_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
