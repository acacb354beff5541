"""A real prediction log for the drift service tests, and the same drift computed on its rows.

The log is written by the real :class:`ScoringService` (rows and profile fragments in one transaction): the
held-out period with outcomes, API requests with undated records, unseen codes and categories, missing and
out-of-range values, a shifted batch in later months, and a second model version with its own reference profile.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from app.services.log.store import PredictionLog
from app.services.profiles.rows import current_frame
from app.services.scoring.service import ScoringService
from modeling.artifacts import Bundle
from modeling.data.columns import DATE_COLUMN, TARGET
from modeling.data.schema import FEATURE_COLUMNS
from modeling.drift import SCORE_NAME
from modeling.inference import score_frame
from modeling.training.bundle_metadata import reference_profile

OLDER = "older-model"


def older_bundle(bundle: Bundle) -> Bundle:
    """The same pipeline served as another version whose reference profile is the held-out period's."""
    holdout = bundle.load_frame("holdout").drop(columns=[TARGET])
    profile = reference_profile(bundle.pipeline, holdout, score_frame(bundle, holdout)["prob_default"].to_numpy())
    metadata = {**bundle.metadata, "model_version": OLDER, "reference_profile": profile}
    return Bundle(bundle.path, bundle.pipeline, metadata, bundle.feature_names)


def odd_records(frame: pd.DataFrame) -> list[dict]:
    """JSON-like records with undated rows, unseen codes and categories, missing and out-of-range values."""
    records = frame.drop(columns=[TARGET]).assign(**{DATE_COLUMN: frame[DATE_COLUMN].dt.strftime("%Y-%m-%d")})
    records = records.astype(object).where(records.notna(), None).to_dict(orient="records")
    for i, record in enumerate(records):
        if i % 3 == 0:
            record.pop(DATE_COLUMN)
        if i % 5 == 0:
            record["tipo_credito"] = 68
        if i % 7 == 0:
            record["tipo_laboral"] = "Pensionado"
        if i % 11 == 0:
            record["tendencia_ingresos"] = "Rara"
        if i % 4 == 0:
            record["capital_prestado"] = record["capital_prestado"] * 100
        if i % 6 == 0:
            record["promedio_ingresos_datacredito"] = None
        if i % 13 == 0:
            record["edad_cliente"] = 120
    return records


def fill_log(log: PredictionLog, bundle: Bundle, older: Bundle) -> ScoringService:
    """Write the test traffic (see the module docstring); return the served version's scoring service."""
    holdout, reference = bundle.load_frame("holdout"), bundle.load_frame("reference")
    scoring = ScoringService(bundle, log)
    scoring.score_frame(holdout.drop(columns=[TARGET]), source="holdout", actual=holdout[TARGET])
    scoring.score_records(odd_records(holdout.sample(90, random_state=1)), source="api")
    scoring.profiles.fold()
    scoring.score_records(odd_records(reference.sample(60, random_state=2)), source="api")
    shifted = reference.sample(400, random_state=3).drop(columns=[TARGET])
    later = shifted[DATE_COLUMN] + pd.Timedelta(days=420)
    scoring.score_frame(shifted.assign(plazo_meses=36, capital_prestado=shifted["capital_prestado"] * 50,
                                       **{DATE_COLUMN: later}), source="batch")
    ScoringService(older, log).score_frame(holdout.sample(150, random_state=4).drop(columns=[TARGET]), source="api")
    return scoring


def logged_rows(bundle: Bundle, log: PredictionLog, version: str) -> pd.DataFrame:
    """The version's logged rows as drift compares them (``day``: loan date, else scoring date)."""
    rows = log.read(model_version=version).reset_index(drop=True)
    rows["when"] = rows["loan_date"].fillna(rows["scored_at"])
    return current_frame(bundle, rows, list(FEATURE_COLUMNS)).assign(day=rows["day"].to_numpy())


def scores(rows: pd.DataFrame) -> np.ndarray:
    return rows[SCORE_NAME].to_numpy()
