"""Training a challenger on recent labelled loans: loans scored through the API, outcomes sent back with
``POST /outcomes``, the Logs CSV export of the log — that file, as it is, is the ``--data`` of
``python -m modeling.train`` (loan_date and actual read as fecha_prestamo and Pago_atiempo, rows without an
outcome left out). On SQLite (keyset chunks) and PostgreSQL (``COPY``) exports alike."""
from __future__ import annotations

import json
import subprocess
import sys

from app import create_app
from app.config import Settings
from app.services.log.query import parse_query
from modeling.artifacts import LATEST_FILE, load_bundle
from modeling.data.columns import TARGET
from modeling.data.reading import load_training_data
from modeling.paths import PROJECT_ROOT
from modeling.synthetic import generate_loans

LOANS, UNLABELLED = 1_500, 100


def test_the_logs_export_trains_a_challenger(trained_models_dir, tmp_path, log_url):
    app = create_app(Settings(models_dir=trained_models_dir, predictions_dir=tmp_path / "predicciones",
                              database_url=log_url, seed_holdout=False, model_poll_seconds=0))
    client = app.test_client()
    loans = generate_loans(n_rows=LOANS, seed=23)
    records = json.loads(loans.drop(columns=[TARGET]).to_json(orient="records", date_format="iso"))
    answer = client.post("/predict_batch", json={"records": records}, headers={"X-Request-ID": "recent-loans"})
    assert answer.status_code == 200 and answer.json["summary"]["scored"] == LOANS
    outcomes = [{"request_id": "recent-loans", "row": i, "Pago_atiempo": int(loans[TARGET].iloc[i])}
                for i in range(LOANS - UNLABELLED)]  # the latest loans' outcomes are not known yet
    assert client.post("/outcomes", json=outcomes).json["summary"]["recorded"] == LOANS - UNLABELLED

    services = app.extensions["credit_risk"]
    export = tmp_path / "registros.csv"
    export.write_bytes(b"".join(services.logs.export(parse_query(sources=["api"]))))

    table = load_training_data(export)
    assert table.rows == LOANS - UNLABELLED and table.log_export
    assert any(f"left out {UNLABELLED} logged row(s)" in w for w in table.warnings)
    assert table.frame[TARGET].value_counts().to_dict() == \
        loans[TARGET].iloc[:LOANS - UNLABELLED].value_counts().to_dict()

    models_dir = tmp_path / "models"
    result = subprocess.run([sys.executable, "-m", "modeling.train", "--data", str(export), "--models-dir",
                             str(models_dir), "--trials", "1", "--folds", "3", "--seed", "5"],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    bundle = load_bundle(models_dir)
    assert bundle.metadata["data"]["rows"] == LOANS - UNLABELLED
    assert (models_dir / LATEST_FILE).read_text().strip() == bundle.model_version
