"""create_app as a whole: start-up, health, docs, dashboard shell, hold-out seeding and concurrency."""
from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from app import create_app
from app.config import Settings
from modeling.artifacts import BundleNotFoundError
from modeling.data.schema import FEATURE_COLUMNS
from modeling.paths import PROJECT_ROOT


def test_health_reports_model_and_database(client, services):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["model_version"] == services.bundle.model_version
    assert body["database"] == {"reachable": True, "writable": True, "backend": "sqlite"}


def test_missing_bundle_stops_start_up_with_training_instructions(tmp_path):
    with pytest.raises(BundleNotFoundError, match=r"make train|modeling\.train"):
        create_app(Settings(models_dir=tmp_path / "empty", predictions_dir=tmp_path))


def test_create_app_never_imports_the_training_stack(settings):
    code = ("import sys; from app import create_app; from app.config import Settings; "
            f"create_app(Settings(models_dir={str(settings.models_dir)!r}, "
            f"predictions_dir={str(settings.predictions_dir)!r})); "
            "bad = [m for m in ('optuna', 'modeling.train') if m in sys.modules]; "
            "assert not bad, bad")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_openapi_document_comes_from_the_schema(client):
    doc = client.get("/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    record = doc["components"]["schemas"]["LoanRecord"]
    assert set(FEATURE_COLUMNS) <= set(record["properties"])
    assert "fecha_prestamo" not in record["required"] and "edad_cliente" in record["required"]
    props = record["properties"]
    assert props["tipo_laboral"]["x-known-values"] == ["Empleado", "Independiente"]
    assert "enum" not in props["tipo_laboral"]  # an unseen category is scored (with a warning), not refused
    assert props["tendencia_ingresos"]["nullable"] and "Creciente" in props["tendencia_ingresos"]["x-known-values"]
    assert props["tipo_credito"]["type"] == "integer" and 4 in props["tipo_credito"]["x-known-values"]
    assert props["fecha_prestamo"]["format"] == "date-time"
    assert props["capital_prestado"]["type"] == "number" and props["capital_prestado"]["minimum"] == 0
    assert record["example"]["edad_cliente"] == props["edad_cliente"]["example"]
    assert {"/predict", "/predict_batch", "/health"} <= set(doc["paths"])
    assert "422" in doc["paths"]["/predict"]["post"]["responses"]


def test_docs_are_served_offline_from_the_package(client):
    page = client.get("/docs")
    assert page.status_code == 200 and b'src="/docs/init.js"' in page.data
    assert b"http" not in page.data.lower().replace(b"http-equiv", b"")
    assert b'"/openapi.json"' in client.get("/docs/init.js").data
    script = client.get("/docs/static/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.data) > 100_000
    assert client.get("/docs/static/swagger-ui.css").status_code == 200


def test_dashboard_shell_is_mounted_at_the_root(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "MLOps Pipeline – Monitoreo y Data Drift" in page.get_data(as_text=True)
    layout = json.dumps(client.get("/_dash-layout").get_json(), ensure_ascii=False)
    for label in ("Gráficas", "Data Drift", "Logs", "Predicciones por Lotes", "Desempeño"):
        assert label in layout


def test_holdout_is_seeded_once_with_real_dates_and_outcomes(services, settings):
    holdout = services.bundle.load_frame("holdout")
    seeded = services.log.read(source="holdout")
    assert services.holdout.seeded and len(seeded) == len(holdout) - services.holdout.rejected
    assert seeded["actual"].notna().all()
    assert seeded["loan_date"].notna().all()
    assert seeded["loan_date"].min() == holdout["fecha_prestamo"].min()
    again = create_app(settings).extensions["credit_risk"]
    assert not again.holdout.seeded
    assert again.log.count(source="holdout") == len(seeded)


def test_two_workers_starting_at_once_seed_once(settings):
    barrier = threading.Barrier(2)
    apps = []

    def start() -> None:
        barrier.wait()
        apps.append(create_app(settings))

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seeded = [a.extensions["credit_risk"].holdout for a in apps]
    assert sorted(o.seeded for o in seeded) == [False, True]
    winner = next(o for o in seeded if o.seeded)
    assert apps[0].extensions["credit_risk"].log.count(source="holdout") == winner.rows > 0


def test_concurrent_posts_log_exactly_the_answered_rows(app, services, record):
    before = services.log.count()
    answered: list[int] = []
    lock = threading.Lock()

    def post(i: int) -> None:
        client = app.test_client()
        for j in range(5):
            if (i + j) % 2:
                response = client.post("/predict", json={**record, "edad_cliente": 20 + i + j})
                rows = 1
            else:
                response = client.post("/predict_batch", json=[record] * 3)
                rows = 3
            with lock:
                answered.append(rows if response.status_code == 200 else 0)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answered) == 30 and all(answered)
    assert services.log.count() - before == sum(answered)
