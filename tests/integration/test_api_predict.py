"""POST /predict and /predict_batch: results, warnings, input order, partial batches and the prediction log."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from modeling.data.coercion import coerce_frame
from modeling.data.input_warnings import stored_specs
from modeling.inference import score_frame

RESULT_KEYS = {"prob_default", "Pago_atiempo_pred", "risk_band", "warnings", "model_version", "request_id"}


def test_predict_returns_one_result_and_logs_it(client, services, record):
    before = services.log.count()
    response = client.post("/predict", json=record)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == RESULT_KEYS
    assert 0.0 <= body["prob_default"] <= 1.0
    assert body["Pago_atiempo_pred"] == (0 if body["prob_default"] >= services.bundle.threshold else 1)
    assert body["risk_band"] in services.bundle.risk_bands["labels"]
    assert body["model_version"] == services.bundle.model_version
    assert response.headers["X-Request-ID"] == body["request_id"]
    assert services.log.count() == before + 1
    row = services.log.read(source="api").iloc[-1]
    assert row["request_id"] == body["request_id"]
    assert row["prob_default"] == body["prob_default"]
    assert row["loan_date"] == pd.Timestamp(record["fecha_prestamo"])
    assert json.loads(row["inputs"])["edad_cliente"] == record["edad_cliente"]
    assert row["actual"] is pd.NA


def test_the_api_scores_exactly_what_the_pipeline_scores(client, services, record):
    body = client.post("/predict", json=record).get_json()
    raw = coerce_frame(pd.DataFrame([record]), stored_specs(services.bundle.schema)).frame
    direct = score_frame(services.bundle, raw)
    assert body["prob_default"] == direct["prob_default"].iloc[0]
    assert body["risk_band"] == direct["risk_band"].iloc[0]


def test_missing_date_uses_scoring_time_with_a_warning(client, services, record):
    del record["fecha_prestamo"]
    body = client.post("/predict", json=record).get_json()
    assert {"field": "fecha_prestamo", "code": "date_defaulted"}.items() <= body["warnings"][0].items()
    assert pd.isna(services.log.read().iloc[-1]["loan_date"])


def test_target_and_leakage_fields_are_ignored_and_unknown_fields_warned(client, record):
    plain = client.post("/predict", json=record).get_json()
    extra = client.post("/predict", json={**record, "Pago_atiempo": 0, "puntaje": 95.0, "saldo_mora": 1e6,
                                          "color": "azul"}).get_json()
    assert extra["prob_default"] == plain["prob_default"]
    assert [w["code"] for w in extra["warnings"]] == ["ignored_field"]
    assert extra["warnings"][0]["field"] == "color"


def test_headers_are_matched_ignoring_case_and_spaces(client, record):
    messy = {f"  {k.upper()} ": v for k, v in record.items()}
    assert client.post("/predict", json=messy).get_json()["prob_default"] == \
        client.post("/predict", json=record).get_json()["prob_default"]


def test_out_of_range_values_are_scored_with_warnings(client, record):
    body = client.post("/predict", json={**record, "edad_cliente": 150, "tendencia_ingresos": "8315"}).get_json()
    codes = {(w["field"], w["code"]) for w in body["warnings"]}
    assert ("edad_cliente", "implausible_value") in codes
    assert ("tendencia_ingresos", "unknown_trend") in codes


def test_batch_keeps_input_order_and_matches_single_predictions(client, record):
    rng = np.random.default_rng(0)
    records = [{**record, "edad_cliente": int(a), "capital_prestado": float(c)}
               for a, c in zip(rng.integers(20, 80, 12), rng.integers(500_000, 9_000_000, 12), strict=True)]
    response = client.post("/predict_batch", json=records)
    assert response.status_code == 200
    body = response.get_json()
    assert [r["index"] for r in body["results"]] == list(range(12))
    assert body["errors"] == []
    assert body["summary"]["received"] == body["summary"]["scored"] == 12
    singles = [client.post("/predict", json=r).get_json()["prob_default"] for r in records[:3]]
    assert [r["prob_default"] for r in body["results"][:3]] == singles
    assert len({r["request_id"] for r in body["results"]}) == 1


def test_records_envelope_is_accepted(client, record):
    body = client.post("/predict_batch", json={"records": [record, record]}).get_json()
    assert len(body["results"]) == 2


def test_partial_batch_scores_good_rows_and_reports_every_problem_of_bad_rows(client, services, record):
    bad_two_fields = {**record, "edad_cliente": "viejo", "plazo_meses": -3}
    missing = {k: v for k, v in record.items() if k != "cuota_pactada"}
    before = services.log.count()
    body = client.post("/predict_batch", json=[record, bad_two_fields, None, missing, record, [1, 2]]).get_json()
    assert [r["index"] for r in body["results"]] == [0, 4]
    errors = {e["index"]: e["problems"] for e in body["errors"]}
    assert sorted(errors) == [1, 2, 3, 5]
    assert {p["field"] for p in errors[1]} == {"edad_cliente", "plazo_meses"}
    age = next(p for p in errors[1] if p["field"] == "edad_cliente")
    assert age == {"field": "edad_cliente", "message": "could not be parsed", "value": "viejo",
                   "expected": "an integer"}
    assert errors[3] == [{"field": "cuota_pactada", "message": "missing value", "expected": "a number"}]
    assert errors[2][0]["message"] == "not a JSON object" and errors[2][0]["value"] == "null"
    assert body["summary"] | {"received": 6, "scored": 2, "rejected": 4} == body["summary"]
    assert services.log.count() == before + 2


def test_a_field_missing_from_every_record_is_reported_for_each(client, record):
    del record["huella_consulta"]
    response = client.post("/predict_batch", json=[record, record])
    assert response.status_code == 422
    body = response.get_json()
    assert body["results"] == []
    assert [e["index"] for e in body["errors"]] == [0, 1]
    assert body["errors"][0]["problems"][0]["field"] == "huella_consulta"


def test_predict_with_invalid_fields_lists_every_problem(client, record):
    response = client.post("/predict", json={**record, "capital_prestado": "mucho", "tipo_laboral": None,
                                             "edad_cliente": 41.5})
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid_fields"
    by_field = {p["field"]: p for p in body["problems"]}
    assert set(by_field) == {"capital_prestado", "tipo_laboral", "edad_cliente"}
    assert by_field["capital_prestado"]["value"] == "mucho"
    assert by_field["edad_cliente"]["message"] == "not a whole number"
    assert all("expected" in p for p in body["problems"])


def test_nullable_fields_may_be_null_or_left_out(client, record):
    del record["puntaje_datacredito"]
    record["tendencia_ingresos"] = None
    response = client.post("/predict", json=record)
    assert response.status_code == 200
    assert response.get_json()["warnings"] == []
