"""Every error status is JSON with a clear message; no client input produces a 500."""
from __future__ import annotations

import json

import pytest


def strict_json(response):
    """The body parsed as standard JSON (NaN / Infinity literals rejected)."""
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True), parse_constant=lambda name: pytest.fail(f"{name} in JSON"))


def assert_json_error(response, status: int, error: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = strict_json(response)
    assert body["message"]
    if error:
        assert body["error"] == error
    return body


def test_malformed_json_is_400(client):
    body = assert_json_error(client.post("/predict", data="{not json", content_type="application/json"), 400,
                             "malformed_json")
    assert "line 1" in body["message"]


@pytest.mark.parametrize("payload", [b"", b'{"a": NaN}', b"[Infinity]", b"\xff\xfe\x00garbage", b"[" * 100_000])
def test_non_json_bodies_are_400(client, payload):
    assert_json_error(client.post("/predict_batch", data=payload, content_type="application/json"), 400)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_wrong_content_type_is_415(client, record, content_type):
    kwargs = {"content_type": content_type} if content_type else {}
    body = assert_json_error(client.post("/predict", data=json.dumps(record), **kwargs), 415,
                             "unsupported_media_type")
    assert "application/json" in body["message"]


@pytest.mark.parametrize("path", ["/predict", "/predict_batch", "/outcomes"])
def test_options_lists_only_post(client, path):
    response = client.options(path)
    assert response.status_code == 200 and response.headers["Allow"] == "OPTIONS, POST"


@pytest.mark.parametrize(("method", "path"), [("get", "/predict"), ("put", "/predict"), ("delete", "/predict_batch"),
                                              ("get", "/predict_batch"), ("post", "/health")])
def test_wrong_method_is_405(client, method, path):
    response = getattr(client, method)(path)
    assert_json_error(response, 405)
    assert "POST" in response.headers["Allow"] or "GET" in response.headers["Allow"]


def test_predict_needs_an_object(client, record):
    body = assert_json_error(client.post("/predict", json=[record]), 422, "invalid_body")
    assert "/predict_batch" in body["message"]


@pytest.mark.parametrize("payload", [{}, {"records": "x"}, "text", 3, [], {"records": []}])
def test_batch_needs_a_non_empty_list(client, payload):
    assert_json_error(client.post("/predict_batch", json=payload), 422)


def test_post_to_an_unknown_path_is_json(client):
    assert_json_error(client.post("/nope", json={}), 405)


ODD_VALUES = [{"nested": {"deep": [1, {"x": None}]}}, [1, [2, [3]]], 10**400, -(10**30), 1e308, 1.5e-320,
              "NaN", "Infinity", "-inf", "", "  ", "🙂 ñandú \u202e", "\x00", True, None, "2025-02-30",
              "99999-01-01", "1e999", "0x10", {"$ref": "#"}, "4" * 5000]


@pytest.mark.parametrize("value", ODD_VALUES, ids=range(len(ODD_VALUES)))
def test_odd_values_in_any_field_never_cause_a_500(client, record, value):
    for field in ("edad_cliente", "tipo_laboral", "fecha_prestamo", "tipo_credito", "tendencia_ingresos"):
        single = client.post("/predict", json={**record, field: value})
        assert single.status_code in (200, 422), (field, value, single.get_data(as_text=True)[:300])
        strict_json(single)
    batch = client.post("/predict_batch", json=[{**record, "capital_prestado": value}, value, record])
    assert batch.status_code == 200 and strict_json(batch)["results"][-1]["index"] == 2


@pytest.mark.parametrize("payload", [
    b'{"records": [null, [], {}, 1, "x", true]}', b"[[[[[]]]]]", b'{"\\u0000": 1}', '{"édad": "ü"}'.encode("latin-1"),
    b'[{"edad_cliente": 1e999999}]', b'{"records": {"a": 1}}', json.dumps([{"k": i} for i in range(50)]).encode(),
])
def test_structural_oddities_never_cause_a_500(client, payload):
    response = client.post("/predict_batch", data=payload, content_type="application/json")
    assert response.status_code in (200, 400, 413, 422)
    strict_json(response)
