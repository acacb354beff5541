"""Model training: candidates, time-series cross-validation, tuning, calibration, evaluation, the run's report.

Modules (import names from them; this ``__init__`` imports nothing, so serving can use ``evaluation`` and
``calibration`` without loading Optuna, which only ``tuning`` needs)::

    candidates        the three candidate models and their Optuna search spaces: CANDIDATES, Candidate, Params
    cross_validation  TimeSeriesSplit folds with preprocessing fitted per fold: prepare_folds, cross_validate
    tuning            Optuna tuning of the selected candidate: tune, TuningResult
    calibration       Platt recalibration of prob_default: fit_platt, apply_platt
    evaluation        class-0 metrics and accuracy, fold summaries, threshold and risk-band choices:
                      classification_metrics, confusion, summarize_folds, choose_threshold, risk_band_cuts
    bundle_metadata   what metadata.json holds: build_metadata, reference_profile
    report            progress and summary output of a run: PhaseTimer, format_summary

The command line that runs them is :mod:`modeling.train`; the model classes stored inside bundles are in
:mod:`modeling.estimators` (their import path is part of every saved bundle, so they stay put).
"""

__all__ = ["bundle_metadata", "calibration", "candidates", "cross_validation", "evaluation", "report", "tuning"]
