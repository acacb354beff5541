"""API key on POST routes, body-size and batch-size limits (413), and the log-failure policy (503)."""
from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa


@pytest.fixture
def keyed_client(make_app):
    return make_app(api_key="s3cret-key").test_client()


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}, {"X-API-Key": ""}, {"X-API-Key": "s3cret-key "},
                                     {"X-API-Key": "ñ"}])
def test_post_routes_need_the_key(keyed_client, record, headers):
    for path, payload in (("/predict", record), ("/predict_batch", [record])):
        response = keyed_client.post(path, json=payload, headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"] == "unauthorized"
        assert "X-API-Key" in response.headers["WWW-Authenticate"]


def test_the_right_key_is_accepted_and_health_stays_open(keyed_client, record):
    assert keyed_client.post("/predict", json=record, headers={"X-API-Key": "s3cret-key"}).status_code == 200
    assert keyed_client.get("/health").status_code == 200


def test_the_key_is_checked_before_the_body_is_read(keyed_client):
    response = keyed_client.post("/predict", data="{broken", content_type="application/json")
    assert response.status_code == 401


def test_openapi_declares_the_key_only_when_set(keyed_client, client):
    assert "ApiKey" in keyed_client.get("/openapi.json").get_json()["components"]["securitySchemes"]
    assert "securitySchemes" not in client.get("/openapi.json").get_json()["components"]


def test_too_many_records_is_413_before_scoring(client, services, record):
    limit = services.settings.max_batch_rows
    before = services.log.count()
    response = client.post("/predict_batch", json=[record] * (limit + 1))
    assert response.status_code == 413
    body = response.get_json()
    assert body["error"] == "too_many_records" and str(limit) in body["message"]
    assert services.log.count() == before
    assert client.post("/predict_batch", json=[record] * limit).status_code == 200


def test_body_over_the_upload_limit_is_413_json(client, services):
    limit = services.settings.max_upload_bytes
    body = json.dumps([{"padding": "x" * 1000}] * (limit // 1000 + 10))
    response = client.post("/predict_batch", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"] == "payload_too_large"
    assert "MAX_UPLOAD_MB" in response.get_json()["message"]


def test_a_large_body_is_refused_without_being_read(client, services):
    """A declared length over the limit is refused from the headers; the stream is never consumed."""
    limit = services.settings.max_upload_bytes

    class CountingStream(io.BytesIO):
        consumed = 0

        def read(self, size=-1):
            data = super().read(size)
            CountingStream.consumed += len(data)
            return data

        def readinto(self, buffer):
            n = super().readinto(buffer)
            CountingStream.consumed += n
            return n

    stream = CountingStream(b"[" + b"0," * (2 * limit) + b"0]")
    response = client.post("/predict_batch", input_stream=stream, content_type="application/json",
                           headers={"Content-Length": str(len(stream.getvalue()))})
    assert response.status_code == 413
    assert CountingStream.consumed == 0


def test_log_failure_means_503_and_no_prediction_returned(client, services, record):
    with services.log.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE predictions"))
    response = client.post("/predict", json=record)
    assert response.status_code == 503
    body = response.get_json()
    assert body["error"] == "prediction_log_unavailable"
    assert "prob_default" not in body and "not returned" in body["message"]
    assert "predictions" not in body["message"] and response.headers["Retry-After"].isdigit()
    assert client.post("/predict_batch", json=[record]).status_code == 503
    health = client.get("/health")
    assert health.status_code == 503
    assert health.get_json()["status"] == "error" and not health.get_json()["database"]["reachable"]
