"""A real prediction log for the performance service tests, and the same views computed on its rows.

The log is written by the real :class:`ScoringService` (rows and profile fragments in one transaction): a few
thousand synthetic loans with outcomes in several requests (source ``holdout``), a partly labelled batch with
undated records, single API records and small labelled API requests spread over several days (so a date range
splits them), a fold in between, and a second model version. The expectations are plain pandas / scikit-learn
on the rows read back with :meth:`PredictionLog.read`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from app.services.log.store import PredictionLog
from app.services.scoring.service import ScoringService
from modeling.artifacts import Bundle
from modeling.data.columns import DATE_COLUMN, TARGET
from modeling.synthetic import generate_loans
from modeling.training.evaluation import classification_metrics

OLDER = "older-model"
PERIODS = {"month": "M", "week": "W-SUN", "day": "D"}
STARTS = {"month": "MS", "week": "W-MON", "day": "D"}


def older_bundle(bundle: Bundle) -> Bundle:
    """The same pipeline served under another version name (no bundle directory of that name exists)."""
    return Bundle(bundle.path, bundle.pipeline, {**bundle.metadata, "model_version": OLDER}, bundle.feature_names)


def fill_log(log: PredictionLog, bundle: Bundle, loans: int = 4_400) -> ScoringService:
    """Write the test traffic (see the module docstring); return the served version's scoring service."""
    frame = generate_loans(n_rows=loans, seed=23)
    scoring = ScoringService(bundle, log)
    labelled, batch = frame.iloc[:3_600], frame.iloc[3_600:4_300].reset_index(drop=True)
    for part in np.array_split(np.arange(len(labelled)), 3):
        chunk = labelled.iloc[part]
        scoring.score_frame(chunk.drop(columns=[TARGET]), source="holdout", actual=chunk[TARGET])
    scoring.profiles.fold()
    undated = batch.assign(**{DATE_COLUMN: batch[DATE_COLUMN].where(batch.index % 4 != 0)})
    scoring.score_frame(undated.drop(columns=[TARGET]), source="batch",
                        actual=batch[TARGET].where(batch.index % 2 == 0))
    api = frame.iloc[4_300:].reset_index(drop=True)
    records = api.drop(columns=[TARGET]).iloc[:40]
    records = records.assign(**{DATE_COLUMN: records[DATE_COLUMN].dt.strftime("%Y-%m-%d")}).astype(object)
    for i, record in enumerate(records.where(records.notna(), None).to_dict(orient="records")):
        if i % 3 == 0:
            record.pop(DATE_COLUMN)
        scoring.score_records([record], source="api")
    for start in range(40, len(api), 6):
        chunk = api.iloc[start:start + 6]
        scoring.score_frame(chunk.drop(columns=[TARGET]), source="api", actual=chunk[TARGET])
    ScoringService(older_bundle(bundle), log).score_frame(frame.iloc[:300].drop(columns=[TARGET]), source="api")
    return scoring


def logged_rows(log: PredictionLog, version: str) -> pd.DataFrame:
    """The version's logged rows with ``weight`` = 1 / rows of the row's request (latency attribution)."""
    rows = log.read(model_version=version).reset_index(drop=True)
    return rows.assign(weight=1.0 / rows.groupby("request_id")["id"].transform("size"))


def expected_summary(rows: pd.DataFrame, bands: tuple[str, ...]) -> dict:
    """The summary KPIs computed on rows."""
    n = len(rows)
    return {"n": n, "by_source": {k: int(v) for k, v in rows["source"].value_counts().items()},
            "predicted_late_share": int((rows["Pago_atiempo_pred"] == 0).sum()) / n,
            "band_shares": {b: int((rows["risk_band"] == b).sum()) / n for b in bands},
            "n_labelled": int(rows["actual"].notna().sum()), "mean_prob_default": rows["prob_default"].mean(),
            "requests": rows["weight"].sum(), "latency_per_record_ms": (rows["latency_ms"] * rows["weight"]).sum() / n,
            "mean_latency_ms": (rows["latency_ms"] * rows["weight"]).sum() / rows["weight"].sum(),
            "last_scored_at": rows["scored_at"].max(), "first_date": rows["day"].min().date(),
            "last_date": rows["day"].max().date()}


def expected_timeline(rows: pd.DataFrame, window: str, bands: tuple[str, ...]) -> pd.DataFrame:
    """Per window (every window from the first to the last, empty ones with n = 0): counts and means."""
    start = rows["day"].dt.to_period(PERIODS[window]).dt.start_time.rename("window")
    labelled = rows["actual"].notna()
    parts = pd.DataFrame({"n": 1, "late_pred": (rows["Pago_atiempo_pred"] == 0).astype(int),
                          "n_labelled": labelled.astype(int), "late_actual": (rows["actual"] == 0).fillna(False)
                          .astype(int), "prob": rows["prob_default"], "prob_labelled": rows["prob_default"]
                          .where(labelled, 0.0), **{f"band_{b}": (rows["risk_band"] == b).astype(int) for b in bands}})
    table = parts.groupby(start).sum()
    table = table.reindex(pd.date_range(table.index.min(), table.index.max(), freq=STARTS[window]), fill_value=0)
    return table


def expected_metrics(rows: pd.DataFrame, threshold: float) -> dict:
    """Confusion matrix and metrics of the labelled rows (scikit-learn)."""
    labelled = rows[rows["actual"].notna()]
    actual = labelled["actual"].to_numpy(dtype=np.int64)
    prob, pred = labelled["prob_default"].to_numpy(), labelled["Pago_atiempo_pred"].to_numpy()
    risk = (actual == 0).astype(int)
    metrics = classification_metrics(actual, prob, threshold)
    both = 0 < risk.sum() < risk.size
    metrics.update(roc_auc=roc_auc_score(risk, prob) if both else np.nan,
                   pr_auc_0=average_precision_score(risk, prob) if both else np.nan,
                   brier=brier_score_loss(risk, prob) if risk.size else np.nan)
    matrix = [[int(((actual == a) & (pred == p)).sum()) for p in (0, 1)] for a in (0, 1)]
    return {"metrics": metrics, "confusion": matrix, "prob": prob, "risk": risk}
