"""What a bundle's ``metadata.json`` holds, assembled from the results of a training run."""
from __future__ import annotations

import math
import platform
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from modeling.artifacts import unique_version
from modeling.data.columns import DATE_COLUMN
from modeling.data.reading import LoadedTable
from modeling.data.schema import RAW_COLUMNS, schema_document
from modeling.data.time_split import TimeSplit
from modeling.drift import build_reference_profile
from modeling.features.derived import DERIVED_CATEGORICAL, DERIVED_FEATURES
from modeling.inference import engineered_variables
from modeling.training.candidates import CANDIDATES
from modeling.training.evaluation import RISK_BAND_LABELS
from modeling.training.tuning import TuningResult

LIBRARIES: tuple[str, ...] = ("numpy", "pandas", "scikit-learn", "feature-engine", "xgboost", "catboost", "optuna",
                              "joblib", "pyarrow")
PROFILED_RAW = [s for s in RAW_COLUMNS if s.role == "feature" and s.name != DATE_COLUMN]


def library_versions() -> dict[str, str]:
    """Python and the versions of the libraries that produced (and must load) the pipeline."""
    return {"python": platform.python_version(),
            **{name: importlib_metadata.version(name) for name in LIBRARIES}}


def reference_profile(pipeline: Any, train_rows: pd.DataFrame, prob_default: np.ndarray) -> dict[str, Any]:
    """The drift reference profile of the training period: raw features (minus the date), the engineered
    variables, and the final model's scores on those rows."""
    derived = engineered_variables(pipeline, train_rows)
    frame = pd.concat([train_rows[[s.name for s in PROFILED_RAW]], derived], axis=1)
    numeric = [s.name for s in PROFILED_RAW if s.kind in ("numeric", "integer")]
    numeric += [name for name in DERIVED_FEATURES if name not in DERIVED_CATEGORICAL]
    categorical = [s.name for s in PROFILED_RAW if s.kind in ("code", "category")] + list(DERIVED_CATEGORICAL)
    return build_reference_profile(frame, numeric=numeric, categorical=categorical, scores=prob_default)


def build_metadata(*, table: LoadedTable, options: dict[str, Any], split: TimeSplit, train_rows: pd.DataFrame,
                   dropped: dict[str, int], cv_table: dict[str, Any], scores: dict[str, float], selected: str,
                   tuning: TuningResult, calibration: tuple[float, float], threshold: float, cuts: list[float],
                   metrics: dict[str, Any],
                   profile: dict[str, Any], models_dir: Path) -> dict[str, Any]:
    """Every key of the bundle contract, JSON-ready (NaN → null)."""
    created = datetime.now(UTC).replace(microsecond=0)
    periods = split.describe()
    periods["train"].update(rows_used=len(train_rows), implausible_dropped=dropped)
    metadata = {
        "model_version": unique_version(models_dir, f"{created:%Y%m%dT%H%M%SZ}-{selected}"),
        "created_at": created.isoformat().replace("+00:00", "Z"),
        "library_versions": library_versions(),
        "data": {"path": table.source, "sha256": table.sha256, "rows": table.rows, "warnings": table.warnings},
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in options.items()},
        "split": periods,
        "cv_table": cv_table,
        "selection": {"metric": options["priority_metric"], "rule": "mean - std over folds", "scores": scores},
        "selected_model": {"name": selected, "params": tuning.best_params,
                           "monotone_constraints": CANDIDATES[selected].monotone_directions,
                           "cv": tuning.best_cv.summary,
                           "tuning": {"trials": len(tuning.trials), "best_value": tuning.best_value,
                                      "history": tuning.trials}},
        "calibration": {"method": "platt", "slope": calibration[0], "intercept": calibration[1],
                        "fitted_on": "out-of-fold predictions of the training period"},
        "threshold": threshold,
        "threshold_rule": f"highest threshold with out-of-fold recall_0 >= {options['target_recall']}",
        "risk_bands": {"labels": list(RISK_BAND_LABELS), "cuts": cuts},
        "metrics": metrics,
        "schema": schema_document(train_rows),
        "reference_profile": profile,
        "derived_features": list(DERIVED_FEATURES),
    }
    return _jsonable(metadata)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
