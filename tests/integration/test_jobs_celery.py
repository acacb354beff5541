"""Batch jobs on Celery (many machines): a real worker on the local Redis, started and stopped here; the worker
killed mid-job; two gunicorn hosts + one worker + PostgreSQL + Redis (submit on one, follow and download on the
other). Skipped when Redis does not answer on 127.0.0.1:6379 (``.ci/run`` starts it)."""
from __future__ import annotations

import io
import time

import pandas as pd
import pytest
import requests
from job_helpers import FINISHED, celery_worker, kill_group, loans_csv, logged_rows, redis_url, wait_job
from live_server import live_server


@pytest.fixture
def broker() -> str:
    url = redis_url(13)
    if url is None:
        pytest.skip("Redis is not answering on 127.0.0.1:6379 (apt-get install redis-server)")
    return url


def _worker_env(settings, broker: str, **extra: str) -> dict[str, str]:
    return {"CELERY_BROKER_URL": broker, "MODELS_DIR": str(settings.models_dir),
            "PREDICTIONS_DIR": str(settings.predictions_dir), "DATABASE_URL": settings.log_database_url, **extra}


def test_a_celery_worker_runs_the_job_and_logs_each_row_once(make_app, broker, tmp_path):
    app = make_app(celery_broker_url=broker, max_upload_mb=64, seed_holdout=False)
    client, settings = app.test_client(), app.extensions["credit_risk"].settings
    assert client.get("/health/ready").get_json()["jobs"] == {"engine": "celery", "reachable": True}
    data = loans_csv(tmp_path / "cartera.csv", 12_000, bad_rows=(10,)).read_bytes()
    with celery_worker(tmp_path / "worker.log", **_worker_env(settings, broker, JOB_CHUNK_ROWS="3000")):
        response = client.post("/jobs?filename=cartera.csv", data=data, headers={"Content-Type": "text/csv"})
        assert response.status_code == 202
        job_id = response.get_json()["id"]
        done = wait_job(lambda: client.get(f"/jobs/{job_id}").get_json(), lambda v: v["state"] in FINISHED, 180)
    assert done["state"] == "done" and done["engine"] == "celery", done
    assert done["counts"] == {"scored": 11_999, "rejected": 1}
    assert logged_rows(settings.log_database_url, job_id) == (11_999, 11_999, 2, 12_001)
    frame = pd.read_csv(io.BytesIO(client.get(f"/jobs/{job_id}/result").data), encoding="utf-8-sig")
    assert len(frame) == 12_000


def test_broker_down_makes_readiness_fail_and_submissions_503(make_app, tmp_path):
    app = make_app(celery_broker_url="redis://127.0.0.1:1/0", max_upload_mb=64, seed_holdout=False)
    client = app.test_client()
    ready = client.get("/health/ready")
    assert ready.status_code == 503 and ready.get_json()["jobs"]["reachable"] is False
    data = loans_csv(tmp_path / "a.csv", 20).read_bytes()
    response = client.post("/jobs?filename=a.csv", data=data, headers={"Content-Type": "text/csv"})
    assert response.status_code == 503 and response.get_json()["error"] == "engine_unavailable"


def test_a_killed_worker_fails_the_job_with_rows_done_and_a_new_worker_reruns_it_without_duplicates(
        make_app, broker, tmp_path):
    app = make_app(celery_broker_url=broker, max_upload_mb=64, job_stale_seconds=4, seed_holdout=False)
    client, services = app.test_client(), app.extensions["credit_risk"]
    settings = services.settings
    data = loans_csv(tmp_path / "cartera.csv", 80_000).read_bytes()
    env = _worker_env(settings, broker, JOB_CHUNK_ROWS="2000")
    with celery_worker(tmp_path / "worker.log", **env) as worker:
        job_id = client.post("/jobs?filename=cartera.csv", data=data,
                             headers={"Content-Type": "text/csv"}).get_json()["id"]
        wait_job(lambda: client.get(f"/jobs/{job_id}").get_json(), lambda v: v["progress"]["rows_done"] >= 6_000)
        kill_group(worker)  # the worker host is lost mid-job
    failed = wait_job(lambda: client.get(f"/jobs/{job_id}").get_json(), lambda v: v["state"] in FINISHED, 60)
    assert failed["state"] == "failed"
    assert f"after {failed['progress']['rows_done']:,} of 80,000 rows" in failed["error"]
    assert not list(settings.predictions_dir.glob("predicciones_batch_*"))
    logged, distinct, _, _ = logged_rows(settings.log_database_url, job_id)
    assert logged == distinct and 6_000 <= logged < 80_000

    assert services.jobs.store.requeue(job_id)
    with celery_worker(tmp_path / "worker2.log", **env):
        services.jobs.engine.submit(job_id)
        done = wait_job(lambda: client.get(f"/jobs/{job_id}").get_json(), lambda v: v["state"] in FINISHED, 240)
    assert done["state"] == "done", done
    assert logged_rows(settings.log_database_url, job_id) == (80_000, 80_000, 2, 80_001)


def test_two_hosts_one_worker_postgresql_and_redis(trained_models_dir, postgres_url, tmp_path):
    broker = redis_url(14)
    if broker is None:
        pytest.skip("Redis is not answering on 127.0.0.1:6379")
    shared = tmp_path / "shared"  # the volume both hosts and the worker mount on PREDICTIONS_DIR
    data = loans_csv(tmp_path / "cartera.csv", 40_000, bad_rows=(7,)).read_bytes()
    env = {"CELERY_BROKER_URL": broker, "JOB_CHUNK_ROWS": "4000", "MAX_UPLOAD_MB": "256",
           "PREDICTIONS_DIR": str(shared)}
    with live_server(trained_models_dir, tmp_path / "a", postgres_url, workers=1, **env) as host_a, \
            live_server(trained_models_dir, tmp_path / "b", postgres_url, workers=1, **env) as host_b, \
            celery_worker(tmp_path / "worker.log", MODELS_DIR=str(trained_models_dir), DATABASE_URL=postgres_url,
                          **env):
        submitted = requests.post(f"{host_a.url}/jobs?filename=cartera.csv", data=data, timeout=60,
                                  headers={"Content-Type": "text/csv"})
        assert submitted.status_code == 202, submitted.text
        job_id = submitted.json()["id"]
        location = submitted.headers["Location"]
        seen: list[int] = []
        deadline = time.monotonic() + 240
        view: dict = {}
        while time.monotonic() < deadline:  # watched on the other host
            view = requests.get(host_b.url + location, timeout=30).json()
            seen.append(view["progress"]["rows_done"])
            if view["state"] in FINISHED:
                break
            time.sleep(0.3)
        assert view["state"] == "done" and view["engine"] == "celery", view
        assert seen == sorted(seen) and seen[-1] == 40_000
        result = requests.get(f"{host_b.url}{location}/result", timeout=60)
        assert result.status_code == 200
        frame = pd.read_csv(io.BytesIO(result.content), encoding="utf-8-sig", low_memory=False)
        assert len(frame) == 40_000 and frame["error"].notna().sum() == 1
        list_a = requests.get(f"{host_a.url}/jobs", timeout=30).json()["jobs"]
        list_b = requests.get(f"{host_b.url}/jobs", timeout=30).json()["jobs"]
        assert [j["id"] for j in list_a] == [j["id"] for j in list_b] == [job_id]
        assert requests.get(host_a.url + location, timeout=30).json()["counts"] == view["counts"]
    assert logged_rows(postgres_url, job_id) == (39_999, 39_999, 2, 40_001)
