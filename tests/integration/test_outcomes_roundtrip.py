"""A batch job's results file goes back as outcomes: its ``fila`` and ``request_id`` name the logged rows, so the
file with a ``Pago_atiempo`` column added records every scored row (rejected rows are unknown)."""
from __future__ import annotations

import io

import orjson
import pandas as pd
import pytest
from job_helpers import FINISHED, loans_csv, wait_job

from app.services.outcomes.upload import read_outcome_file


@pytest.fixture
def jobs_app(make_app):
    app = make_app(max_upload_mb=64, job_chunk_rows=150, max_batch_rows=1_000, seed_holdout=False)
    yield app
    app.extensions["credit_risk"].jobs.engine.shutdown()


def test_a_results_file_with_outcomes_added_records_every_scored_row(jobs_app, tmp_path):
    client = jobs_app.test_client()
    path = loans_csv(tmp_path / "cartera.csv", 400, bad_rows=(10,))
    pd.read_csv(path).drop(columns=["Pago_atiempo"], errors="ignore").to_csv(path, index=False)  # not known yet
    job = client.post("/jobs?filename=cartera.csv", data=path.read_bytes(),
                      headers={"Content-Type": "text/csv"}).get_json()
    done = wait_job(lambda: client.get(f"/jobs/{job['id']}").get_json(), lambda v: v["state"] in FINISHED, 180)
    assert done["state"] == "done", done
    results = pd.read_csv(io.BytesIO(client.get(f"/jobs/{job['id']}/result").data), encoding="utf-8-sig")
    results["Pago_atiempo"] = (results["fila"] % 3 != 0).astype(int)
    read = read_outcome_file(results.to_csv(index=False).encode(), "predicciones_batch_con_resultados.csv")
    assert not read.problems and len(read.items) == 400
    response = client.post("/outcomes", data=orjson.dumps(read.items), content_type="application/json")
    answer = response.get_json()
    assert response.status_code == 200, answer
    assert answer["summary"]["recorded"] == 399 and answer["summary"]["unknown"] == 1
    assert [r["row"] for r in answer["results"] if r["status"] == "unknown"] == [12]  # the rejected row (file row 12)
    logged = jobs_app.extensions["credit_risk"].log.read().set_index("row")["actual"]
    assert (logged == (logged.index % 3 != 0).astype(int)).all()
