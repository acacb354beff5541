"""Idempotency-Key and client X-Request-ID on /predict and /predict_batch: a retry gets the stored answer and logs
nothing; another body with the same key is a 409; races between workers (separate engines) on SQLite and
PostgreSQL leave exactly one logged answer."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.config import Settings
from app.services import build_services
from app.services.idempotency import IdempotencyConflict, body_digest, request_keys
from app.services.log.tables import idempotency_keys
from app.services.scoring.requests import Answer, PredictItem


def count_keys(services) -> int:
    with services.log.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(idempotency_keys)).scalar_one()


def test_a_retry_with_the_same_key_gets_the_stored_answer_and_logs_nothing(client, services, record):
    first = client.post("/predict", json=record, headers={"Idempotency-Key": "order-17"})
    assert first.status_code == 200
    assert "Idempotent-Replayed" not in first.headers
    logged = services.log.count(source="api")
    again = client.post("/predict", json=record, headers={"Idempotency-Key": "order-17"})
    assert again.status_code == 200
    assert again.data == first.data
    assert again.headers["Idempotent-Replayed"] == "true"
    assert services.log.count(source="api") == logged == 1


def test_the_same_key_with_another_body_is_a_409(client, services, record):
    assert client.post("/predict", json=record, headers={"Idempotency-Key": "k-1"}).status_code == 200
    response = client.post("/predict", json={**record, "edad_cliente": 51}, headers={"Idempotency-Key": "k-1"})
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "idempotency_key_reused"
    assert "Idempotency-Key" in body["message"]
    assert services.log.count(source="api") == 1


def test_a_resent_x_request_id_is_answered_not_a_503(client, services, record):
    first = client.post("/predict", json=record, headers={"X-Request-ID": "client-retry-1"})
    again = client.post("/predict", json=record, headers={"X-Request-ID": "client-retry-1"})
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.data == first.data and again.headers["Idempotent-Replayed"] == "true"
    other = client.post("/predict", json={**record, "plazo_meses": 24}, headers={"X-Request-ID": "client-retry-1"})
    assert other.status_code == 409 and "X-Request-ID" in other.get_json()["message"]
    assert services.log.count(source="api") == 1


def test_a_request_id_logged_before_keys_existed_is_a_409(client, services, record):
    client.post("/predict", json=record, headers={"X-Request-ID": "legacy-7"})
    with services.log.engine.begin() as conn:  # as a log written before idempotency keys were stored
        conn.execute(idempotency_keys.delete())
    response = client.post("/predict", json=record, headers={"X-Request-ID": "legacy-7"})
    assert response.status_code == 409
    assert response.get_json()["error"] == "idempotency_key_reused"
    assert services.log.count(source="api") == 1


def test_predict_batch_replays_and_refuses_another_body(client, services, record):
    records = [record, {**record, "edad_cliente": 33}, {"tipo_credito": 4}]
    first = client.post("/predict_batch", json=records, headers={"Idempotency-Key": "batch-1"})
    assert first.status_code == 200 and first.get_json()["summary"]["scored"] == 2
    again = client.post("/predict_batch", json=records, headers={"Idempotency-Key": "batch-1"})
    assert again.data == first.data and again.headers["Idempotent-Replayed"] == "true"
    other = client.post("/predict_batch", json=records[:2], headers={"Idempotency-Key": "batch-1"})
    assert other.status_code == 409
    assert services.log.count(source="api") == 2


def test_a_key_belongs_to_one_route(client, record):
    assert client.post("/predict", json=record, headers={"Idempotency-Key": "shared"}).status_code == 200
    response = client.post("/predict_batch", data=b"", headers={"Idempotency-Key": "shared"},
                           content_type="application/json")
    assert response.status_code == 400  # malformed body: refused before any key is looked at
    response = client.post("/predict_batch", json=[record], headers={"Idempotency-Key": "shared"})
    assert response.status_code == 409


def test_invalid_answers_are_not_stored(client, services, record):
    bad = client.post("/predict", json={**record, "edad_cliente": "abc"}, headers={"Idempotency-Key": "fix-me"})
    assert bad.status_code == 422
    assert count_keys(services) == 0
    good = client.post("/predict", json=record, headers={"Idempotency-Key": "fix-me"})
    assert good.status_code == 200 and services.log.count(source="api") == 1


def test_a_malformed_key_is_a_400(client, record):
    response = client.post("/predict", json=record, headers={"Idempotency-Key": "x" * 101})
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_idempotency_key"


def test_one_conflicting_key_does_not_fail_its_micro_batch(client, services, record):
    assert client.post("/predict", json=record, headers={"Idempotency-Key": "taken"}).status_code == 200
    scorer = client.application.extensions["predict_batcher"].process.__self__
    other = {**record, "edad_cliente": 60}
    items = [PredictItem(other, "r-conflict", request_keys("taken", None), body_digest(b"another body")),
             PredictItem(record, "r-fine", request_keys("fresh", None), body_digest(b"x")),
             PredictItem({**record, "plazo_meses": -5}, "r-invalid"),
             PredictItem(other, "r-no-key")]
    outcomes = scorer.score_singles(items)
    assert isinstance(outcomes[0], IdempotencyConflict)
    assert isinstance(outcomes[1], Answer) and outcomes[1].status == 200
    assert isinstance(outcomes[2], Answer) and outcomes[2].status == 422 and outcomes[2].problems
    assert isinstance(outcomes[3], Answer) and outcomes[3].status == 200
    logged = services.log.read(source="api")["request_id"].tolist()
    assert sorted(logged) == sorted([*logged[:1], "r-fine", "r-no-key"])


def test_duplicate_keys_inside_one_micro_batch_get_one_answer(client, services, record):
    scorer = client.application.extensions["predict_batcher"].process.__self__
    digest = body_digest(b"same body")
    items = [PredictItem(record, f"dup-{i}", request_keys("same-key", None), digest) for i in range(3)]
    outcomes = scorer.score_singles(items)
    assert [o.status for o in outcomes] == [200, 200, 200]
    assert outcomes[0].body == outcomes[1].body == outcomes[2].body
    assert [o.replayed for o in outcomes] == [False, True, True]
    assert services.log.count(source="api") == 1


@pytest.mark.parametrize("route", ["/predict", "/predict_batch"])
def test_concurrent_retries_across_workers_log_once(route, log_url, trained_models_dir, tmp_path: Path, record):
    """Two service stacks (two workers: separate engines and pools) and 8 threads sending the same key at once."""
    stacks = [build_services(Settings(models_dir=trained_models_dir, predictions_dir=tmp_path / f"p{i}",
                                      database_url=log_url, seed_holdout=False)) for i in range(2)]
    from app.api.routes import batch_json, prediction_json
    from app.services.idempotency import IdempotencyStore
    from app.services.scoring.requests import RequestScorer

    scorers = [RequestScorer(s.scoring, IdempotencyStore(s.log.engine),
                             lambda result, rid, s=s: prediction_json(result, s.scoring.model_version, rid),
                             batch_json) for s in stacks]
    digest = body_digest(b"the same body")
    keys = request_keys(f"race-{route}", None)
    start = threading.Barrier(8)
    outcomes: list[object] = [None] * 8

    def attempt(i: int) -> None:
        scorer = scorers[i % 2]
        start.wait()
        try:
            if route == "/predict":
                outcomes[i] = scorer.score_singles([PredictItem(record, f"attempt-{i}", keys, digest)])[0]
            else:
                outcomes[i] = scorer.score_batch([record, record], f"attempt-{i}", keys, digest)
        except Exception as exc:  # recorded, then asserted below
            outcomes[i] = exc

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(o, Answer) and o.status == 200 for o in outcomes), outcomes
    assert len({o.body for o in outcomes}) == 1
    assert sum(not o.replayed for o in outcomes) == 1
    assert stacks[0].log.count() == (1 if route == "/predict" else 2)
    for stack in stacks:
        stack.log.dispose()
