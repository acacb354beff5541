"""Batch jobs and model switches: the job processes (a pool started once) score each job with the bundle LATEST
names when the job starts — a promotion reaches the next job without restarting them — and the challenger
shadow-scores job rows as it does requests."""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from job_helpers import FINISHED, loans_csv, wait_job
from model_versions import models_with_challenger

from app import create_app
from app.config import Settings

ROWS = 1_000


@pytest.fixture(scope="module")
def two_models(trained_models_dir, small_table, tmp_path_factory):
    return models_with_challenger(trained_models_dir, small_table, tmp_path_factory.mktemp("two-models"))


def _run(client, path) -> dict:
    job = client.post("/jobs?filename=cartera.csv", data=path.read_bytes(), headers={"Content-Type": "text/csv"})
    assert job.status_code == 202, job.get_json()
    return wait_job(lambda: client.get(f"/jobs/{job.get_json()['id']}").get_json(),
                    lambda view: view["state"] in FINISHED, 180)


def _shadowed(engine, job_id: str, expected: int, timeout: float = 30.0) -> int:
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as conn:
            found = conn.execute(sa.text("SELECT count(*) FROM shadow_scores WHERE request_id = :id"),
                                 {"id": job_id}).scalar_one()
        if found >= expected or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_jobs_follow_promotion_and_are_shadow_scored(two_models, tmp_path):
    models_dir, champion, challenger = two_models
    app = create_app(Settings(models_dir=models_dir, predictions_dir=tmp_path / "predicciones", seed_holdout=False,
                              job_chunk_rows=400, challenger_version=challenger, model_poll_seconds=0))
    client = app.test_client()
    engine = app.extensions["credit_risk"].log.engine
    path = loans_csv(tmp_path / "cartera.csv", ROWS)
    try:
        first = _run(client, path)
        assert first["state"] == "done" and first["model_version"] == champion
        assert _shadowed(engine, first["id"], ROWS) == ROWS  # scored by the challenger in the job process

        assert client.post("/models/promote", json={"version": challenger}).status_code == 200
        second = _run(client, path)
        assert second["state"] == "done" and second["model_version"] == challenger  # same pool, new bundle
        with engine.connect() as conn:
            versions = conn.execute(sa.text("SELECT DISTINCT model_version FROM predictions WHERE request_id = :id"),
                                    {"id": second["id"]}).scalars().all()
        assert versions == [challenger]
        assert _shadowed(engine, second["id"], 1, timeout=2) == 0  # the challenger is the champion now
    finally:
        (models_dir / "LATEST").write_text(champion + "\n")
        app.extensions["credit_risk"].jobs.engine.shutdown()
