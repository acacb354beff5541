"""Text fields have a maximum length: /predict refuses longer values (422), /predict_batch reports the row."""
from __future__ import annotations

import pytest

from modeling.data.schema import TEXT_MAX_LENGTH

LONG = "x" * 10_000


@pytest.mark.parametrize("field", ["tipo_laboral", "tendencia_ingresos"])
def test_predict_refuses_a_long_text_value(client, services, record, field):
    before = services.log.count()
    response = client.post("/predict", json={**record, field: LONG})
    assert response.status_code == 422
    problems = response.get_json()["problems"]
    assert [p["field"] for p in problems] == [field]
    assert problems[0]["expected"] == f"at most {TEXT_MAX_LENGTH} characters"
    assert problems[0]["value"] == "10000 characters"
    assert services.log.count() == before


def test_a_value_at_the_limit_is_scored(client, record):
    response = client.post("/predict", json={**record, "tipo_laboral": "E" * TEXT_MAX_LENGTH})
    assert response.status_code == 200


def test_surrounding_spaces_do_not_count(client, record):
    response = client.post("/predict", json={**record, "tipo_laboral": f"{' ' * 100}Empleado{' ' * 100}"})
    assert response.status_code == 200


def test_batch_reports_the_long_row_and_scores_the_others(client, services, record):
    before = services.log.count()
    response = client.post("/predict_batch", json=[record, {**record, "tipo_laboral": LONG}, record])
    assert response.status_code == 200
    body = response.get_json()
    assert [r["index"] for r in body["results"]] == [0, 2]
    assert [e["index"] for e in body["errors"]] == [1]
    problem = body["errors"][0]["problems"][0]
    assert problem["field"] == "tipo_laboral" and "characters" in problem["expected"]
    assert services.log.count() == before + 2


def test_batch_general_path_reports_long_rows(client, record):
    """More records than the shortcut takes: the vectorised validation reports the same problem."""
    records = [record] * 40 + [{**record, "tendencia_ingresos": LONG}]
    body = client.post("/predict_batch", json=records).get_json()
    assert [e["index"] for e in body["errors"]] == [40]
    assert body["errors"][0]["problems"][0]["field"] == "tendencia_ingresos"
    assert len(body["results"]) == 40


def test_openapi_declares_max_length(client):
    properties = client.get("/openapi.json").get_json()["components"]["schemas"]["LoanRecord"]["properties"]
    assert properties["tipo_laboral"]["maxLength"] == TEXT_MAX_LENGTH
    assert properties["tendencia_ingresos"]["maxLength"] == TEXT_MAX_LENGTH
    assert "maxLength" not in properties["edad_cliente"]
