"""A small prediction log for the Logs tab tests, and the pandas selection every query result is checked against.

The log is filled through the real scoring service (session bundle); the expectation is computed independently
from ``PredictionLog.read`` with pandas.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from app.services.log.browse import LogService
from app.services.log.query import LogQuery
from app.services.log.store import PredictionLog
from app.services.scoring.service import ScoringService
from app.services.selection import ALL_VERSIONS
from modeling.artifacts import load_bundle
from modeling.data.columns import DATE_COLUMN, TARGET
from modeling.data.schema import FEATURE_COLUMNS
from modeling.synthetic import generate_loans

API_REQUEST = "api_100%_done"
OTHER_VERSION = "0-older-model"


def fill_log(log: PredictionLog, models_dir: Path) -> LogService:
    """Hold-out rows with outcomes, API requests with awkward ids, a batch with an undated row and odd values,
    and rows of another model version; the service over it."""
    bundle = load_bundle(models_dir)
    scoring = ScoringService(bundle, log)
    loans = generate_loans(n_rows=260, seed=5)
    scoring.score_frame(loans.iloc[:120], source="holdout", actual=loans[TARGET].iloc[:120])
    records = loans.iloc[120:140][list(FEATURE_COLUMNS)].assign(fecha_prestamo=lambda f: f[DATE_COLUMN].astype(str))
    for request_id, part in ((API_REQUEST, records.iloc[:4]), ("api_other", records.iloc[4:10]),
                             ("API_upper", records.iloc[10:12]), ("apix", records.iloc[12:])):
        scoring.score_records(part.to_dict("records"), source="api", request_id=request_id)
    batch = loans.iloc[140:].copy()
    batch.loc[batch.index[0], DATE_COLUMN] = pd.NaT
    batch.loc[batch.index[1], "edad_cliente"] = 95
    batch.loc[batch.index[2], "tendencia_ingresos"] = 'sube "mucho"'
    scoring.score_frame(batch, source="batch")
    older = log.read(source="batch").iloc[5:20].assign(model_version=OTHER_VERSION, request_id="older")
    log.append(older)
    fields = [c for c in FEATURE_COLUMNS if c != DATE_COLUMN]
    return LogService(log, bundle.risk_bands["labels"], bundle.model_version, input_fields=fields)


def selected(everything: pd.DataFrame, query: LogQuery, serving_version: str) -> pd.DataFrame:
    """The rows ``query`` means, newest first, by pandas."""
    s = query.selection
    keep = pd.Series(True, index=everything.index)
    if not s.all_sources:
        keep &= everything["source"].isin(s.sources)
    if s.model_version != ALL_VERSIONS:
        keep &= everything["model_version"] == (s.model_version or serving_version)
    day = everything["day"].dt.date
    if s.start:
        keep &= day >= s.start
    if s.end:
        keep &= day <= s.end
    if query.risk_bands:
        keep &= everything["risk_band"].isin(query.risk_bands)
    if query.predicted:
        keep &= everything["Pago_atiempo_pred"].isin(query.predicted)
    if query.request_id:
        keep &= everything["request_id"].str.startswith(query.request_id)
    return everything[keep].sort_values("id", ascending=False)


def walk_down(service: LogService, query: LogQuery, size: int) -> list[int]:
    """Every matching id, newest first, read page by page with the next-page cursor."""
    walked, cursor = [], None
    while True:
        page = service.page(query, before_id=cursor, size=size)
        walked += page.ids
        if len(page.ids) < size:
            return walked
        cursor = page.last_id


def walk_up(service: LogService, query: LogQuery, size: int) -> list[int]:
    """Every matching id, newest first, read from the last page back with the previous-page cursor."""
    page = service.page(query, last=True, size=size)
    walked = page.ids
    while len(page.ids) == size:
        page = service.page(query, after_id=page.first_id, size=size)
        walked = page.ids + walked
    return walked
