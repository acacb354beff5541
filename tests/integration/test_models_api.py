"""Challenger scoring in shadow and promotion through the Flask app, on SQLite and PostgreSQL: a second bundle
scores every logged record off the request path (rows keyed like the predictions, never in the answers), and
``POST /models/promote`` / the ``promote`` command switch the served version of this process at once — answers,
health and /metrics follow — and back again (rollback), each switch recorded."""
from __future__ import annotations

import dataclasses
import shutil

import pandas as pd
import pytest
import sqlalchemy as sa
from model_versions import models_with_challenger

from app import create_app
from app.config import Settings
from app.services.log import migrate
from modeling.artifacts import load_bundle
from modeling.inference import score_frame


@pytest.fixture(scope="module")
def two_models(trained_models_dir, small_table, tmp_path_factory):
    return models_with_challenger(trained_models_dir, small_table, tmp_path_factory.mktemp("two-models"))


@pytest.fixture
def make(two_models, log_url, tmp_path):
    models_dir = two_models[0]
    base = Settings(models_dir=models_dir, predictions_dir=tmp_path / "predicciones", database_url=log_url,
                    max_batch_rows=200, seed_holdout=False, model_poll_seconds=0)
    return lambda **changes: create_app(dataclasses.replace(base, **changes))


def _rows(app, sql: str) -> list[tuple]:
    with app.extensions["credit_risk"].log.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql))]


def test_the_challenger_scores_every_logged_record_in_shadow(make, two_models, record):
    models_dir, champion, challenger = two_models
    app = make(challenger_version=challenger)
    client = app.test_client()
    singles = [client.post("/predict", json={**record, "edad_cliente": 30 + i}) for i in range(3)]
    batch = client.post("/predict_batch", json=[record, {**record, "plazo_meses": -5}, {**record, "edad_cliente": 61}])
    assert all(r.status_code == 200 and r.json["model_version"] == champion for r in singles)
    assert batch.status_code == 200 and batch.json["summary"]["scored"] == 2
    assert challenger not in str([r.json for r in singles]) + str(batch.json)  # never shown to clients
    assert app.extensions["credit_risk"].models.shadow.flush()

    logged = _rows(app, 'SELECT request_id, "row", inputs FROM predictions ORDER BY id')
    shadow = _rows(app, 'SELECT request_id, "row", challenger_version, champion_version, prob_default, '
                        '"Pago_atiempo_pred", risk_band FROM shadow_scores')
    assert sorted((r, n) for r, n, *_ in shadow) == sorted((r, n) for r, n, _ in logged)  # 5 = 3 + 2 scored
    assert {(s[2], s[3]) for s in shadow} == {(challenger, champion)}
    # the challenger's scores are what its own pipeline gives for the same validated records
    mine = load_bundle(models_dir, challenger)
    inputs = pd.DataFrame([pd.read_json(pd.io.common.StringIO(text), typ="series") for _, _, text in logged])
    inputs["fecha_prestamo"] = pd.to_datetime(inputs["fecha_prestamo"])
    expected = score_frame(mine, app.extensions["credit_risk"].scoring.validator.validate_frame(inputs).raw)
    by_key = {(r, n): (p, y, b) for r, n, _, _, p, y, b in shadow}
    for (request_id, row, _), (p, y, b) in zip(logged, expected.itertuples(index=False), strict=True):
        got = by_key[(request_id, row)]
        assert got[0] == pytest.approx(p, abs=1e-9) and got[1:] == (y, b)


def test_promotion_switches_answers_health_and_metrics_then_rolls_back(make, two_models, record):
    _, champion, challenger = two_models
    app = make(api_key="k")
    client = app.test_client()
    key = {"X-API-Key": "k"}
    assert client.post("/models/promote", json={"version": challenger}).status_code == 401
    assert client.post("/models/promote", json={"version": "nope"}, headers=key).status_code == 404
    assert client.post("/models/promote", json={"version": champion}, headers=key).status_code == 409
    assert client.post("/models/promote", json={"versions": champion}, headers=key).status_code == 422

    answer = client.post("/models/promote", json={"version": challenger, "actor": "ana"}, headers=key)
    assert answer.status_code == 200, answer.json
    assert answer.json["served"] == challenger and answer.json["previous"] == champion
    assert client.post("/predict", json=record, headers=key).json["model_version"] == challenger
    assert client.get("/health").json["model_version"] == challenger
    metrics = client.get("/metrics").text
    assert f'credit_risk_model_info{{model_version="{challenger}"}} 1.0' in metrics
    assert f'credit_risk_model_info{{model_version="{champion}"}} 0.0' in metrics

    back = client.post("/models/promote", json={"version": champion}, headers={**key, "X-Actor": "luis"})
    assert back.status_code == 200 and back.json["served"] == champion
    assert client.post("/predict", json=record, headers=key).json["model_version"] == champion
    history = client.get("/models").json["history"]
    assert [(h["from_version"], h["to_version"], h["actor"]) for h in history[:2]] == [
        (challenger, champion, "luis"), (champion, challenger, "ana")]
    versions = _rows(app, "SELECT model_version, COUNT(*) FROM predictions GROUP BY model_version")
    assert dict(versions) == {challenger: 1, champion: 1}


def test_the_promote_command_and_the_challenger_command(make, two_models):
    _, champion, challenger = two_models
    app = make()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["challenger", challenger, "--actor", "ops"])
    assert result.exit_code == 0, result.output
    assert app.extensions["credit_risk"].models.shadow.version == challenger
    result = runner.invoke(args=["promote", challenger])
    assert result.exit_code == 0 and f"promote {champion}" in result.output
    services = app.extensions["credit_risk"]
    assert services.scoring.model_version == challenger and services.models.shadow.version is None
    assert runner.invoke(args=["promote", "missing"]).exit_code != 0
    assert runner.invoke(args=["promote", champion]).exit_code == 0
    assert services.models.registry.challenger() == challenger  # the pointer still names it: shadow resumes
    assert services.models.shadow.version == challenger


def test_migration_0005_goes_down_and_up_again(log_url):
    from alembic import command

    from app.services.log import PredictionLog

    log = PredictionLog.from_url(log_url)
    assert {"shadow_scores", "model_promotions"} <= set(sa.inspect(log.engine).get_table_names())
    with log.engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0004")
    assert "shadow_scores" not in sa.inspect(log.engine).get_table_names()
    migrate.upgrade(log.engine)
    assert migrate.current_revision(log.engine) == "0005"
    log.engine.dispose()


def test_the_challenger_route_and_damaged_bundles(make, two_models, record):
    models_dir, champion, challenger = two_models
    broken = models_dir / "broken-version"
    if not broken.exists():
        shutil.copytree(models_dir / challenger, broken)
        with (broken / "pipeline.joblib").open("ab") as handle:
            handle.write(b"tampered")  # the checksum no longer matches
    app = make()
    client = app.test_client()
    services = app.extensions["credit_risk"]
    assert client.post("/models/challenger", json={"version": challenger}).json["shadowing"] == challenger
    assert client.post("/models/challenger", json={"version": None}).json["shadowing"] is None
    assert client.post("/models/challenger", json={"version": champion}).status_code == 409
    refused = client.post("/models/promote", json={"version": "broken-version"})
    assert refused.status_code == 422 and refused.json["error"] == "bundle_not_loadable"
    assert (models_dir / "LATEST").read_text().strip() == champion  # did not move

    (models_dir / "LATEST").write_text("broken-version\n")  # pointed at by hand: the process keeps serving
    try:
        services.models.watcher.check()
        assert client.post("/predict", json=record).json["model_version"] == champion
    finally:
        (models_dir / "LATEST").write_text(champion + "\n")


def test_a_pointer_that_cannot_be_written_is_a_clear_503(two_models, tmp_path):
    models_dir, _, challenger = two_models
    copy = tmp_path / "models"
    shutil.copytree(models_dir, copy, ignore=shutil.ignore_patterns("CHALLENGER"))
    (copy / "CHALLENGER").mkdir()  # os.replace cannot put a file there (even as root)
    app = create_app(Settings(models_dir=copy, predictions_dir=tmp_path / "predicciones", seed_holdout=False,
                              model_poll_seconds=0))
    answer = app.test_client().post("/models/challenger", json={"version": challenger})
    assert answer.status_code == 503 and answer.json["error"] == "not_writable"
    assert "CHALLENGER" in answer.json["message"]
