"""Fast bulk fill of a prediction log for the monitoring benchmarks: millions of rows in minutes.

Rows come from a pool of synthetic loans validated and scored once by the real service; each chunk samples the
pool, gives every row a new day, source and outcome, recomputes the derived variables for the new dates and
builds the profile fragments with the production code (:func:`build_fragments`). Rows go in through the log's own
write path: multi-row ``INSERT`` statements on SQLite, ``COPY`` on PostgreSQL. The log grows in time as a lender's
does: each chunk's days lie in its share of the two years, a week either way (so a date range is a narrow id
range); fragments are folded every few chunks as the app's writers would. The inputs JSON is the pool's (its
loan date may differ from the row's ``loan_date``): the benchmarks read the columns, not that text, for anything
date-related.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from app.services.log.values import day_keys
from app.services.profiles import ScoredRows, build_fragments
from app.services.scoring import ScoringService
from modeling.data.columns import DATE_COLUMN, LEAKAGE_COLUMNS, TARGET
from modeling.inference import derived_features, score_frame
from modeling.synthetic import generate_loans

POOL_ROWS = 20_000
FIRST_DAY = np.datetime64("2024-12-01")
DAYS = 730
SOURCES = np.array(["api", "batch", "holdout"], dtype=object)


@dataclass(frozen=True)
class Pool:
    raw: pd.DataFrame
    inputs: np.ndarray
    prob: np.ndarray
    actual: np.ndarray


def make_pool(scoring: ScoringService, seed: int = 7, rows: int = POOL_ROWS) -> Pool:
    """Validated synthetic loans with their JSON inputs, scores and outcomes."""
    loans = generate_loans(n_rows=rows, seed=seed)
    checked = scoring.validator.validate_frame(loans.drop(columns=[*LEAKAGE_COLUMNS, TARGET], errors="ignore"))
    raw = checked.raw.reset_index(drop=True)
    filled = raw.assign(**{DATE_COLUMN: raw[DATE_COLUMN].fillna(pd.Timestamp("2025-06-01"))})
    prob = score_frame(scoring.bundle, filled)["prob_default"].to_numpy()
    inputs = raw.to_json(orient="records", lines=True, date_format="iso", date_unit="s", double_precision=15)
    actual = loans[TARGET].to_numpy()[checked.positions]
    return Pool(raw, np.array(inputs.rstrip("\n").split("\n"), dtype=object), prob, actual)


def chunk(scoring: ScoringService, pool: Pool, n: int, rng: np.random.Generator, serial: int,
          span: tuple[float, float] = (0.0, 1.0)) -> tuple[dict, list]:
    """``n`` log rows and their fragment rows, dated in the ``span`` share of the period (± a week)."""
    bundle = scoring.bundle
    pick = rng.integers(0, len(pool.prob), n)
    offsets = DAYS * (span[0] + (span[1] - span[0]) * rng.random(n)) + rng.integers(-7, 8, n)
    days = FIRST_DAY + np.clip(offsets, 0, DAYS - 1).astype(np.int64).astype("timedelta64[D]")
    loan = (days.astype("datetime64[s]") + rng.integers(8 * 3600, 18 * 3600, n).astype("timedelta64[s]"))
    loan[rng.random(n) < 0.01] = np.datetime64("NaT")
    scored_at = np.datetime64("2026-11-30T12:00:00", "us")
    source = SOURCES[rng.choice(3, n, p=[0.7, 0.25, 0.05])]
    actual = np.where(rng.random(n) < 0.3, pool.actual[pick], np.nan)
    prob = np.clip(pool.prob[pick] * rng.lognormal(0, 0.1, n), 0, 1)
    pred = np.where(prob >= bundle.threshold, 0, 1)
    band = np.asarray(bundle.risk_bands["labels"], dtype=object)[
        np.searchsorted(bundle.risk_bands["cuts"], prob, side="right")]
    raw = pool.raw.iloc[pick].reset_index(drop=True)
    raw[DATE_COLUMN] = pd.Series(loan.astype("datetime64[ns]")).fillna(pd.Timestamp(scored_at))
    variables = pd.concat([raw, derived_features(bundle, raw).reset_index(drop=True)], axis=1)
    request_ids = np.char.add(f"bench-{serial}-", np.arange(n).astype(str)).astype(object)
    rows = {"request_id": request_ids, "row": 0, "scored_at": scored_at, "loan_date": loan.astype("datetime64[us]"),
            "source": source, "model_version": scoring.model_version, "inputs": pool.inputs[pick],
            "prob_default": prob, "Pago_atiempo_pred": pred, "risk_band": band, "warnings": "[]", "latency_ms": 5.0,
            "actual": [None if np.isnan(a) else int(a) for a in actual]}
    profiled = ScoredRows(variables.assign(prob_default=prob), prob, pred, band,
                          day_keys(rows["loan_date"], scored_at, n), source, actual,
                          np.zeros((n, len(scoring.layout.warning_codes)), dtype=bool), 5.0, 1, scored_at)
    return rows, [f.row() for f in build_fragments(scoring.layout, profiled)]


def fill(scoring: ScoringService, target_rows: int, *, chunk_rows: int = 100_000, seed: int = 1) -> float:
    """Append rows until the log holds ``target_rows`` (counted by this call's caller); return seconds spent."""
    log = scoring.log
    started = time.perf_counter()
    pool = make_pool(scoring)
    rng = np.random.default_rng(seed)
    present = log.count()
    serial = present
    while present < target_rows:
        n = min(chunk_rows, target_rows - present)
        rows, fragments = chunk(scoring, pool, n, rng, serial, (present / target_rows, (present + n) / target_rows))
        log.append(rows, fragments=fragments)  # the app's bulk path: multi-row INSERTs on SQLite, COPY on PostgreSQL
        present += n
        serial += 1
        if serial % 10 == 0:
            scoring.profiles.fold()
    scoring.profiles.fold()
    if log.backend == "postgresql":  # what autovacuum does to a live database, done now after the bulk fill
        with log.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE predictions")
            conn.exec_driver_sql("VACUUM ANALYZE profile_fragments")
    return time.perf_counter() - started

