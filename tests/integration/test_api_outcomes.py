"""POST /outcomes through the Flask app: statuses, overwrite, idempotency, errors, key, and the profiles."""
from __future__ import annotations

from app.services.selection import Selection


def _predict(client, record, request_id: str, n: int = 1) -> None:
    if n == 1:
        assert client.post("/predict", json=record, headers={"X-Request-ID": request_id}).status_code == 200
    else:
        response = client.post("/predict_batch", json=[record] * n, headers={"X-Request-ID": request_id})
        assert response.status_code == 200


def _statuses(response) -> list[str]:
    return [r["status"] for r in response.get_json()["results"]]


def test_outcomes_are_recorded_once_and_conflicts_need_overwrite(client, services, record):
    _predict(client, record, "single-1")
    _predict(client, record, "batch-1", n=3)
    labelled_before = services.performance.summary(Selection(sources=("api",))).n_labelled
    body = [{"request_id": "single-1", "Pago_atiempo": 0}, {"request_id": "batch-1", "row": 2, "Pago_atiempo": 1},
            {"request_id": "batch-1", "row": 7, "Pago_atiempo": 1}, {"request_id": "batch-1", "row": 0,
                                                                      "Pago_atiempo": "late"}]
    first = client.post("/outcomes", json=body)
    assert first.status_code == 200
    assert _statuses(first) == ["recorded", "recorded", "unknown", "invalid"]
    assert first.get_json()["summary"]["refused"] == 2
    assert first.get_json()["results"][3]["problems"][0]["field"] == "Pago_atiempo"
    assert services.performance.summary(Selection(sources=("api",))).n_labelled == labelled_before + 2

    assert _statuses(client.post("/outcomes", json=body[:2])) == ["unchanged", "unchanged"]
    flipped = [{"request_id": "single-1", "Pago_atiempo": 1}]
    conflict = client.post("/outcomes", json=flipped)
    assert conflict.status_code == 422 and conflict.get_json()["results"][0] == {
        "index": 0, "request_id": "single-1", "row": 0, "status": "conflict", "previous": 0}
    assert _statuses(client.post("/outcomes?overwrite=true", json=flipped)) == ["overwritten"]
    wrapped = client.post("/outcomes", json={"outcomes": [{"request_id": "single-1", "Pago_atiempo": 0}],
                                             "overwrite": True})
    assert _statuses(wrapped) == ["overwritten"]
    assert services.performance.summary(Selection(sources=("api",))).n_labelled == labelled_before + 2


def test_idempotency_key_replays_the_answer_and_refuses_another_body(client, record):
    _predict(client, record, "idem-1")
    headers = {"Idempotency-Key": "call-42"}
    body = [{"request_id": "idem-1", "Pago_atiempo": 1}]
    first = client.post("/outcomes", json=body, headers=headers)
    replay = client.post("/outcomes", json=body, headers=headers)
    assert first.headers["Idempotent-Replayed"] == "false" and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.data == first.data and _statuses(replay) == ["recorded"]
    other = client.post("/outcomes", json=[{"request_id": "idem-1", "Pago_atiempo": 0}], headers=headers)
    assert other.status_code == 409 and other.get_json()["error"] == "idempotency_key_reused"
    bad_key = client.post("/outcomes", json=body, headers={"Idempotency-Key": "x" * 101})
    assert bad_key.status_code == 400
    assert client.post("/predict", json=record, headers={"Idempotency-Key": "shared-7"}).status_code == 200
    other_route = client.post("/outcomes", json=body, headers={"Idempotency-Key": "shared-7"})
    assert other_route.status_code == 409  # one key namespace across routes


def test_bad_bodies_are_named_errors(client, services):
    assert client.post("/outcomes", json={"request_id": "a"}).status_code == 422
    assert client.post("/outcomes?overwrite=maybe", json=[]).status_code == 400
    assert client.post("/outcomes", json={"outcomes": [], "overwrite": "yes"}).status_code == 422
    assert client.post("/outcomes", data="[", content_type="application/json").status_code == 400
    assert client.post("/outcomes", data="x", content_type="text/plain").status_code == 415
    too_many = [{"request_id": "a", "Pago_atiempo": 1}] * (services.settings.max_batch_rows + 1)
    assert client.post("/outcomes", json=too_many).status_code == 413
    assert client.get("/outcomes").status_code == 405
    assert client.post("/outcomes", json=[]).get_json()["summary"]["received"] == 0


def test_api_key_applies_and_openapi_documents_the_route(make_app):
    client = make_app(api_key="secret").test_client()
    assert client.post("/outcomes", json=[]).status_code == 401
    assert client.post("/outcomes", json=[], headers={"X-API-Key": "secret"}).status_code == 200
    document = client.get("/openapi.json").get_json()
    assert document["paths"]["/outcomes"]["post"]["security"] == [{"ApiKey": []}]
    assert "OutcomesResponse" in document["components"]["schemas"]
