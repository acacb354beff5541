"""``/jobs`` on the one-machine engine (the local process pool): submit, progress, result, log rows, idempotency,
API key, refusals, cancel, a full or unwritable predictions folder, a killed job process, a re-run."""
from __future__ import annotations

import io
import os
import signal

import pandas as pd
import pytest
from job_helpers import FINISHED, loans_csv, logged_rows, wait_job

from app.services.jobs.runner import context_for, run_job
from modeling.data.schema import specs_for


@pytest.fixture
def jobs_app(make_app):
    app = make_app(max_upload_mb=64, job_chunk_rows=2_000, job_stale_seconds=5, seed_holdout=False)
    yield app
    app.extensions["credit_risk"].jobs.engine.shutdown()


@pytest.fixture
def jobs_client(jobs_app):
    return jobs_app.test_client()


def _submit(client, data: bytes, name: str = "cartera.csv", **headers: str):
    return client.post(f"/jobs?filename={name}", data=data, headers={"Content-Type": "text/csv", **headers})


def _finished(client, job_id: str, timeout: float = 180.0) -> dict:
    return wait_job(lambda: client.get(f"/jobs/{job_id}").get_json(), lambda v: v["state"] in FINISHED, timeout)


def test_a_job_scores_every_row_logs_it_under_its_file_row_and_streams_the_result(jobs_client, jobs_app, tmp_path):
    path = loans_csv(tmp_path / "cartera.csv", 9_000, bad_rows=(4, 8_500))
    response = _submit(jobs_client, path.read_bytes())
    assert response.status_code == 202
    job = response.get_json()
    assert response.headers["Location"] == f"/jobs/{job['id']}" and job["state"] == "queued"
    assert job["progress"]["rows_total"] == 9_000  # known at once: the progress shows right after the upload

    done = _finished(jobs_client, job["id"])
    assert done["state"] == "done", done
    assert done["progress"]["rows_done"] == 9_000 and done["counts"] == {"scored": 8_998, "rejected": 2}
    assert [e["row"] for e in done["first_errors"]] == [6, 8_502]  # spreadsheet rows (header = row 1)
    assert done["engine"] == "local" and done["links"]["result"] == f"/jobs/{job['id']}/result"

    result = jobs_client.get(f"/jobs/{job['id']}/result")
    assert result.status_code == 200 and result.mimetype == "text/csv"
    assert done["result_file"] in result.headers["Content-Disposition"]
    frame = pd.read_csv(io.BytesIO(result.data), encoding="utf-8-sig", low_memory=False)
    assert frame["fila"].tolist() == list(range(2, 9_002))
    assert frame["error"].notna().sum() == 2 and (frame["request_id"] == job["id"]).all()

    url = jobs_app.extensions["credit_risk"].settings.log_database_url
    assert logged_rows(url, job["id"]) == (8_998, 8_998, 2, 9_001)
    folder = jobs_app.extensions["credit_risk"].settings.predictions_dir
    assert not list(folder.glob(".job-*")) and not list((folder / "uploads").iterdir())


def test_multipart_xlsx_is_read_in_streaming_mode(jobs_client, tmp_path):
    from modeling.synthetic import generate_loans

    path = tmp_path / "cartera.xlsx"
    generate_loans(n_rows=300, seed=8).to_excel(path, index=False)
    with path.open("rb") as handle:
        response = jobs_client.post("/jobs", data={"file": (handle, "cartera.xlsx")},
                                    content_type="multipart/form-data")
    assert response.status_code == 202
    done = _finished(jobs_client, response.get_json()["id"])
    assert done["state"] == "done" and done["counts"]["scored"] == 300


def test_idempotency_key_same_bytes_same_job_other_bytes_409(jobs_client, tmp_path):
    data = loans_csv(tmp_path / "a.csv", 50).read_bytes()
    first = _submit(jobs_client, data, **{"Idempotency-Key": "cartera-2026-11"})
    again = _submit(jobs_client, data, **{"Idempotency-Key": "cartera-2026-11"})
    assert first.status_code == again.status_code == 202
    assert again.get_json()["id"] == first.get_json()["id"] and again.headers["Idempotent-Replayed"] == "true"
    other = _submit(jobs_client, data + b"\n", **{"Idempotency-Key": "cartera-2026-11"})
    assert other.status_code == 409 and other.get_json()["error"] == "idempotency_key_reused"
    assert len(jobs_client.get("/jobs").get_json()["jobs"]) == 1


@pytest.mark.parametrize(("name", "data", "status", "code"), [
    ("notas.csv", b"nombre,telefono\nAna,123\n", 422, "invalid_file"),
    ("foto.png", b"\x89PNG\r\n", 422, "invalid_file"),
    ("vacio.csv", b"", 422, "invalid_file"),
])
def test_bad_files_are_refused_with_the_problem_named(jobs_client, name, data, status, code):
    response = _submit(jobs_client, data, name=name)
    assert response.status_code == status
    body = response.get_json()
    assert body["error"] == code and body["problems"][0]["field"] == "file"


def test_missing_columns_fail_the_job_naming_them(jobs_client, tmp_path):
    frame = pd.read_csv(loans_csv(tmp_path / "a.csv", 20))
    data = frame.drop(columns=["edad_cliente"]).to_csv(index=False).encode()
    done = _finished(jobs_client, _submit(jobs_client, data).get_json()["id"])
    assert done["state"] == "failed" and "edad_cliente: missing column" in done["error"]


def test_too_large_is_413_and_api_key_guards_every_method(make_app, tmp_path):
    app = make_app(max_upload_mb=0.01, api_key="secreto")
    client = app.test_client()
    data = loans_csv(tmp_path / "a.csv", 200).read_bytes()
    assert _submit(client, data).status_code == 401
    assert client.get("/jobs").status_code == 401
    too_big = _submit(client, data, **{"X-API-Key": "secreto"})
    assert too_big.status_code == 413 and "MAX_UPLOAD_MB" in too_big.get_json()["message"]


def test_unknown_and_unfinished_jobs(jobs_client):
    assert jobs_client.get("/jobs/" + "0" * 32).status_code == 404
    assert jobs_client.get("/jobs/not-an-id/result").status_code == 404
    assert jobs_client.delete("/jobs/" + "f" * 32).status_code == 404


def test_unwritable_predictions_folder_is_a_clear_error(jobs_app, jobs_client, tmp_path):
    folder = jobs_app.extensions["credit_risk"].settings.predictions_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "uploads").write_text("a file where the uploads folder should be")
    response = _submit(jobs_client, loans_csv(tmp_path / "a.csv", 20).read_bytes())
    assert response.status_code == 507
    body = response.get_json()
    assert body["error"] == "storage_unavailable" and "predictions folder" in body["message"]
    assert response.headers["Retry-After"]


def test_results_that_cannot_be_written_fail_the_job_and_publish_nothing(jobs_app, tmp_path):
    services = jobs_app.extensions["credit_risk"]
    folder = services.settings.predictions_dir
    upload = folder / "uploads" / "blocked.csv"
    upload.parent.mkdir(parents=True, exist_ok=True)
    loans_csv(upload, 30)
    job_id = "b" * 32
    services.jobs.store.create(job_id, filename="blocked.csv", upload_path=str(upload), upload_bytes=1, engine="local")
    (folder / f".job-{job_id}.partial.csv").mkdir()  # the results file cannot be created
    assert run_job(job_id, context_for(services.settings)) == "failed"
    view = services.jobs.get(job_id)
    assert "results file could not be written in the predictions folder" in view.error
    assert "disk full or the folder read-only" in view.error
    assert not list(folder.glob("predicciones_batch_*.csv"))


def test_cancel_stops_a_running_job_and_publishes_nothing(jobs_client, jobs_app, tmp_path):
    job_id = _submit(jobs_client, loans_csv(tmp_path / "a.csv", 60_000).read_bytes()).get_json()["id"]
    wait_job(lambda: jobs_client.get(f"/jobs/{job_id}").get_json(), lambda v: v["progress"]["rows_done"] > 0)
    assert jobs_client.delete(f"/jobs/{job_id}").status_code == 200
    done = _finished(jobs_client, job_id)
    assert done["state"] == "cancelled" and 0 < done["progress"]["rows_done"] < 60_000
    assert not list(jobs_app.extensions["credit_risk"].settings.predictions_dir.glob("predicciones_batch_*"))
    assert jobs_client.get(f"/jobs/{job_id}/result").status_code == 409


def test_a_killed_job_process_fails_the_job_and_a_rerun_never_logs_a_row_twice(jobs_client, jobs_app, tmp_path):
    services = jobs_app.extensions["credit_risk"]
    job_id = _submit(jobs_client, loans_csv(tmp_path / "a.csv", 60_000).read_bytes()).get_json()["id"]
    running = wait_job(lambda: jobs_client.get(f"/jobs/{job_id}").get_json(),
                       lambda v: v["progress"]["rows_done"] >= 4_000)
    pid = int(services.jobs.get(job_id).worker.rsplit(":", 1)[1])
    os.kill(pid, signal.SIGKILL)
    failed = _finished(jobs_client, job_id)
    assert failed["state"] == "failed" and "stopped unexpectedly" in failed["error"]
    assert f"after {failed['progress']['rows_done']:,} of 60,000 rows" in failed["error"]
    assert failed["progress"]["rows_done"] >= running["progress"]["rows_done"]
    folder = services.settings.predictions_dir
    assert not list(folder.glob("predicciones_batch_*"))  # nothing that looks complete
    url = services.settings.log_database_url
    logged, distinct, _, _ = logged_rows(url, job_id)
    assert logged == distinct and logged % 2_000 == 0 and logged >= 4_000

    assert services.jobs.store.requeue(job_id)  # run it again, here: the chunks already logged are skipped
    assert run_job(job_id, context_for(services.settings)) == "done"
    assert logged_rows(url, job_id) == (60_000, 60_000, 2, 60_001)
    assert services.jobs.get(job_id).result_file


def test_the_tab_upload_route_checks_the_file_first_and_the_job_starts_on_the_button(make_app, tmp_path):
    """The tab's upload (behind the dashboard login) stores and checks the file — rows, columns, the first rows
    and their problems — without scoring anything; ``start`` queues its job once, with a timestamp per row."""
    import base64

    from app.services.jobs import JobError

    app = make_app(max_upload_mb=64, dashboard_user="ana", dashboard_password="clave", seed_holdout=False)
    client = app.test_client()
    data = loans_csv(tmp_path / "a.csv", 30, bad_rows=(3,)).read_bytes()
    login = {"Authorization": "Basic " + base64.b64encode(b"ana:clave").decode()}
    upload = "/batch/upload?filename=a.csv"
    assert client.post(upload, data=data, headers={"X-Batch-Upload": "1"}).status_code == 401
    assert client.post(upload, data=data, headers=login).status_code == 400  # no header: not from the tab
    response = client.post(upload, data=data, headers={**login, "X-Batch-Upload": "1"})
    assert response.status_code == 200
    check = response.get_json()
    assert check["ready"] and check["rows"] == 30 and check["rows_checked"] == 30 and not check["missing"]
    assert check["rows_with_problems"] == 1 and {p["row"] for p in check["problems"]} == {5}
    assert len(check["preview"]) == 10 and "edad_cliente" in check["preview"][0]
    services = app.extensions["credit_risk"]
    assert services.jobs.get(check["upload_id"]) is None  # nothing queued, nothing scored yet

    job = services.jobs.start(check["upload_id"])
    assert job.id == check["upload_id"] and services.jobs.start(check["upload_id"]).id == job.id  # once
    done = wait_job(lambda: services.jobs.get(job.id).to_dict(), lambda v: v["state"] in FINISHED)
    assert done["state"] == "done" and done["summary"]["predicted_late"] >= 0
    assert client.get(f"/batch/results/{done['result_file']}").status_code == 401
    result = client.get(f"/batch/results/{done['result_file']}", headers=login)
    frame = pd.read_csv(io.BytesIO(result.data), encoding="utf-8-sig")
    assert result.status_code == 200 and len(frame) == 30
    assert frame["timestamp"].str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}").all()
    assert done["summary"]["predicted_late"] == int((frame["Pago_atiempo_pred"] == 0).sum())
    assert client.get("/batch/results/prediction_log.sqlite", headers=login).status_code == 404
    with pytest.raises(JobError) as unknown:
        services.jobs.start("0" * 32)
    assert unknown.value.code == "upload_not_found"

    refused = client.post("/batch/upload?filename=notas.csv", data=b"nombre\nAna\n",
                          headers={**login, "X-Batch-Upload": "1"})
    assert refused.status_code == 422 and "«notas.csv» no se puede usar" in refused.get_json()["message"]
    assert "no es una tabla de préstamos" in refused.get_json()["message"]
    partial = pd.read_csv(io.BytesIO(data)).drop(columns=["edad_cliente"]).to_csv(index=False).encode()
    lacking = client.post(upload, data=partial, headers={**login, "X-Batch-Upload": "1"}).get_json()
    assert not lacking["ready"] and lacking["missing"] == ["edad_cliente"]
    with pytest.raises(JobError):
        services.jobs.start(lacking["upload_id"])  # nothing to start: the file was not kept
    uploads = services.settings.predictions_dir / "uploads"
    assert not list(uploads.glob(f"{lacking['upload_id']}*"))
    services.jobs.engine.shutdown()


def test_job_results_neutralise_formula_text(jobs_client):
    """The job's results file, like every CSV the app writes, shows formula text with a leading apostrophe."""
    record = {spec.name: spec.example for spec in specs_for(("feature",))}
    rows = [{**record, "tipo_laboral": '=HYPERLINK("http://x.example")'}, {**record, "edad_cliente": "@SUM(1)"}, record]
    response = _submit(jobs_client, pd.DataFrame(rows).to_csv(index=False).encode())
    done = _finished(jobs_client, response.get_json()["id"])
    assert done["state"] == "done", done
    result = jobs_client.get(done["links"]["result"])
    frame = pd.read_csv(io.BytesIO(result.data), encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert frame.loc[0, "tipo_laboral"] == """'=HYPERLINK("http://x.example")"""
    assert frame.loc[1, "edad_cliente"] == "'@SUM(1)" and frame.loc[1, "error"]
    assert not any(cell.startswith(("=", "+", "@")) for cell in frame.to_numpy().ravel())
    assert float(frame.loc[2, "prob_default"]) >= 0  # numbers stay numbers
