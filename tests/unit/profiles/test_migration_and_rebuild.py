"""A log written by the released schema upgrades in place (Alembic) and rebuild-profiles restores its profiles."""
from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa
from profile_log import all_cells, expected_cells, fill_log, loans

from app import create_app
from app.config import Settings
from app.services.log import PredictionLog
from app.services.log.engine import create_log_engine
from app.services.log.migrate import current_revision, head_revision, upgrade
from app.services.profiles import ProfileReader, ProfileStore
from app.services.profiles.rebuild import rebuild_profiles
from app.services.scoring import ScoringService
from app.services.selection import Selection
from modeling.data.columns import DATE_COLUMN
from modeling.data.schema import FEATURE_COLUMNS

OLD_COLUMNS = ["request_id", "scored_at", "loan_date", "source", "model_version", "inputs", "prob_default",
               "Pago_atiempo_pred", "risk_band", "warnings", "latency_ms", "actual"]


def released_log(url: str, bundle, tmp_path) -> pd.DataFrame:
    """A database as the released code left it (schema 0001, no alembic_version table), filled with rows that the
    same scoring service produced; returns those rows as written."""
    source = PredictionLog.from_url(f"sqlite:///{tmp_path / 'source.sqlite'}")
    fill_log(ScoringService(bundle, source), n=400, seed=21)
    rows = source.read()[OLD_COLUMNS]
    rows.loc[rows.index[-3:], "request_id"] = rows["request_id"].iloc[0]  # a request id logged twice (a retry)
    source.dispose()
    engine = create_log_engine(url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(sa.table("predictions", *(sa.column(c) for c in OLD_COLUMNS)).insert(), _records(rows))
        conn.execute(sa.text("INSERT INTO holdout_seeds (model_version, seeded_at, rows) VALUES (:v, :t, 200)"),
                     {"v": bundle.model_version, "t": pd.Timestamp("2026-01-01").to_pydatetime()})
        conn.execute(sa.text("DROP TABLE alembic_version"))
    engine.dispose()
    return rows


def _records(rows: pd.DataFrame) -> list[dict]:
    """Plain Python values (datetimes, ints, floats, None) for the DB-API driver."""
    plain = rows.astype(object).where(rows.notna(), None)
    return [{k: v.to_pydatetime() if isinstance(v, pd.Timestamp) else v.item() if hasattr(v, "item") else v
             for k, v in record.items()} for record in plain.to_dict("records")]


def test_released_log_upgrades_in_place_and_rebuilds_its_profiles(log_url, bundle, tmp_path):
    written = released_log(log_url, bundle, tmp_path)
    log = PredictionLog.from_url(log_url)
    assert current_revision(log.engine) == head_revision()
    rows = log.read()
    assert len(rows) == len(written) and log.has_marker(bundle.model_version)
    pd.testing.assert_frame_equal(rows[OLD_COLUMNS].reset_index(drop=True), written.reset_index(drop=True),
                                  check_dtype=False)
    expected_day = rows["loan_date"].fillna(rows["scored_at"]).dt.normalize()
    assert (rows["day"] == expected_day).all()
    assert (rows["row"] == rows.groupby("request_id").cumcount()).all()  # numbered in logging order per request
    store = ProfileStore(log.engine)
    assert ProfileReader(store).latest(bundle.model_version) is None  # nothing profiled before the rebuild

    report = rebuild_profiles(log, lambda v: bundle if v == bundle.model_version else None, chunk_rows=150)
    assert report.rows == {bundle.model_version: len(rows)} and not report.skipped
    profiles = ProfileReader(store).latest(bundle.model_version)
    layout = store.layout(bundle.model_version)
    np.testing.assert_array_equal(all_cells(profiles), expected_cells(bundle, layout, rows))
    again = rebuild_profiles(log, lambda v: bundle, chunk_rows=150)
    assert again.rows == report.rows
    np.testing.assert_array_equal(all_cells(ProfileReader(store).latest(bundle.model_version)),
                                  expected_cells(bundle, layout, rows))
    log.dispose()


def test_rebuild_matches_the_profiles_written_with_the_rows(log_url, bundle):
    log = PredictionLog.from_url(log_url)
    scoring = ScoringService(bundle, log)
    fill_log(scoring, n=900, seed=31)
    odd = loans(2, 5)[0][list(FEATURE_COLUMNS)].astype(object).assign(**{DATE_COLUMN: "2025-03-01"})
    odd["tipo_laboral"] = ['Otro "x"/y', "Independiente, con\\ barra"]  # JSON escapes: that chunk reads JSON
    assert len(scoring.score_records(odd.to_dict("records"), source="api").results) == 2
    reader = ProfileReader(scoring.profiles)
    before = reader.latest(bundle.model_version)
    sums_before = before.sums(before.total(Selection()))
    report = rebuild_profiles(log, lambda v: bundle, chunk_rows=150)
    assert report.total_rows == len(log.read())
    sequential = rebuild_profiles(log, lambda v: bundle, chunk_rows=150, workers=1)
    assert sequential.rows == report.rows
    after = reader.latest(bundle.model_version)
    np.testing.assert_array_equal(all_cells(after), all_cells(before))
    np.testing.assert_allclose(after.sums(after.total(Selection())), sums_before, rtol=1e-12)
    log.dispose()


def test_unknown_versions_keep_their_profiles(log_url, bundle):
    log = PredictionLog.from_url(log_url)
    fill_log(ScoringService(bundle, log), n=200, seed=41)
    store = ProfileStore(log.engine)
    before = all_cells(ProfileReader(store).latest(bundle.model_version))
    report = rebuild_profiles(log, lambda v: None)
    assert report.skipped == {bundle.model_version: len(log.read())} and not report.rows
    np.testing.assert_array_equal(all_cells(ProfileReader(store).latest(bundle.model_version)), before)
    log.dispose()


def test_rebuild_profiles_command(trained_models_dir, tmp_path, bundle):
    settings = Settings(models_dir=trained_models_dir, predictions_dir=tmp_path, seed_holdout=False)
    server = create_app(settings)
    scoring = server.extensions["credit_risk"].scoring
    frame, _ = loans(120, seed=51)
    scoring.score_frame(frame, source="batch")
    result = server.test_cli_runner().invoke(args=["rebuild-profiles", "--chunk-rows", "1000"])
    assert result.exit_code == 0, result.output
    assert "rebuilt the profiles of 120 rows" in result.output
    folded = server.test_cli_runner().invoke(args=["fold-profiles"])
    assert folded.exit_code == 0 and "folded the profiles" in folded.output
