"""``/openapi.json`` generated from the bundle's stored schema, and ``/docs`` (Swagger UI served offline)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, jsonify, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from app.api.jobs_doc import job_schemas, jobs_paths
from app.api.models_doc import model_schemas, models_paths
from app.api.outcomes_doc import outcome_schemas, outcomes_operation
from modeling.data.columns import DATE_COLUMN
from modeling.data.input_warnings import WARNING_CODES, stored_specs
from modeling.data.schema import ColumnSpec

_TYPES = {"code": "integer", "integer": "integer", "numeric": "number", "category": "string",
          "datetime": "string", "target": "integer"}
_DOCS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><title>Credit-risk API – docs</title>
<link rel="stylesheet" href="/docs/static/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script src="/docs/static/swagger-ui-standalone-preset.js"></script>
<script src="/docs/init.js"></script>
</body></html>"""
_DOCS_INIT = """window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"});
"""  # a file, not an inline script, so the Content-Security-Policy needs no 'unsafe-inline' for scripts


def create_docs_blueprint(document: dict[str, Any]) -> Blueprint:
    """Blueprint serving ``document`` at /openapi.json and Swagger UI (from the swagger-ui-bundle package)."""
    bp = Blueprint("docs", __name__)
    bp.add_url_rule("/openapi.json", "openapi", lambda: jsonify(document))
    bp.add_url_rule("/docs", "docs", lambda: Response(_DOCS_PAGE, mimetype="text/html"))
    bp.add_url_rule("/docs/init.js", "docs_init", lambda: Response(_DOCS_INIT, mimetype="text/javascript"))
    bp.add_url_rule("/docs/static/<path:filename>", "docs_static",
                    lambda filename: send_from_directory(swagger_ui_path, filename, max_age=86400))
    return bp


def build_openapi(schema: Mapping[str, Any], *, model_version: str, max_batch_rows: int,
                  api_key: bool) -> dict[str, Any]:
    """OpenAPI 3.0 document: request fields, types, nullability, enums and examples all from ``schema``."""
    features = stored_specs(schema, roles=("feature",))
    ignored = stored_specs(schema, roles=("leakage", "target"))
    training = {entry["name"]: entry.get("training") or {} for entry in schema["columns"]}
    properties = {s.name: _property(s, training.get(s.name, {})) for s in features}
    properties.update({s.name: {**_property(s, {}), "description": f"{s.description}. Accepted and ignored."}
                       for s in ignored})
    record = {"type": "object", "properties": properties, "additionalProperties": True,
              "required": [s.name for s in features if not s.nullable and s.name != DATE_COLUMN],
              "example": {s.name: s.example for s in features}}
    security = [{"ApiKey": []}] if api_key else []
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "Credit-risk scoring API", "version": model_version,
                 "description": "Scores raw loan records with the model bundle loaded by this server. "
                                "Every scored record is written to the prediction log."},
        "paths": {
            "/predict": {"post": _operation("Score one loan record", "LoanRecord", "Prediction", security)},
            "/predict_batch": {"post": _operation(f"Score up to {max_batch_rows} records; invalid rows are "
                                                  "reported by index, valid rows are still scored",
                                                  "BatchRequest", "BatchResponse", security)},
            "/outcomes": {"post": outcomes_operation(security)},
            **jobs_paths(security),
            **models_paths(security),
            "/health": {"get": {"summary": "Readiness (same as /health/ready)", "responses": _health()}},
            "/health/ready": {"get": {"summary": "Model loaded and prediction log writable", "responses": _health()}},
            "/health/live": {"get": {"summary": "The process answers", "responses": {
                "200": _json_ref("Health", "alive")}}},
        },
        "components": {"schemas": {"LoanRecord": record, **_fixed_schemas(), **outcome_schemas(), **job_schemas(),
                                  **model_schemas()}},
    }
    if api_key:
        document["components"]["securitySchemes"] = {"ApiKey": {"type": "apiKey", "in": "header",
                                                                "name": "X-API-Key"}}
    return document


def _property(spec: ColumnSpec, training: Mapping[str, Any]) -> dict[str, Any]:
    prop: dict[str, Any] = {"type": _TYPES[spec.kind], "nullable": spec.nullable or spec.name == DATE_COLUMN}
    description = spec.description
    if spec.kind == "datetime":
        prop["format"] = "date-time"
        description += ". Optional: when missing, the scoring time is used (with a warning)"
    if spec.categories:  # not an ``enum``: other values are accepted (scored with a warning)
        prop["x-known-values"] = list(spec.categories)
        description += f". Known values: {', '.join(map(str, spec.categories))}; others are scored with a warning"
    if spec.max_length is not None:
        prop["maxLength"] = spec.max_length
    lo, hi = spec.valid_range
    if lo is not None:
        prop["minimum"] = lo
    if hi is not None:
        prop["maximum"] = hi
    if "min" in training and spec.kind != "datetime":
        description += f". Training range: [{_number(training['min'])}, {_number(training['max'])}]"
    prop["description"] = description
    if spec.example is not None:
        prop["example"] = spec.example
    return prop


def _operation(summary: str, request_schema: str, response_schema: str,
               security: list[dict[str, list[str]]]) -> dict[str, Any]:
    replayed = {"Idempotent-Replayed": {"description": "`true` when this is the stored answer of an earlier request "
                                                      "with the same Idempotency-Key / X-Request-ID",
                                       "schema": {"type": "string", "enum": ["true"]}}}
    responses = {"200": {**_json_ref(response_schema, "scored (or the stored answer of a retry)"),
                         "headers": replayed}}
    for status, text in (("400", "malformed JSON or Idempotency-Key"), ("401", "missing or wrong X-API-Key"),
                         ("405", "wrong method"), ("409", "Idempotency-Key or X-Request-ID already used for another "
                                                         "body or route (error `idempotency_key_reused`)"),
                         ("413", "body or batch too large"),
                         ("415", "body is not JSON"), ("422", "invalid fields (every problem listed)"),
                         ("503", "the prediction log could not be written; nothing was scored")):
        responses[status] = _json_ref("Error", text)
    if response_schema == "BatchResponse":
        either = {"oneOf": [ref("Error"), ref("BatchResponse")]}
        responses["422"] = {"description": "a body that is not a list of records (Error), or no record could be "
                                           "scored (BatchResponse with every row's problems)",
                            "content": {"application/json": {"schema": either}}}
    parameters = [
        {"name": "Idempotency-Key", "in": "header", "required": False,
         "schema": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[\\x21-\\x7e]+$"},
         "description": "Makes a retry safe: the same key with the same body gets the stored answer (same status and "
                        "body, nothing logged again); with another body, 409"},
        {"name": "X-Request-ID", "in": "header", "required": False,
         "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,64}$"},
         "description": "Your id for this request: it names the logged rows, is echoed back, and acts as an "
                        "idempotency key like Idempotency-Key (a value outside the pattern is replaced by a "
                        "server-made id)"}]
    return {"summary": summary, "security": security, "parameters": parameters, "responses": responses,
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{request_schema}"}}}}}


def _health() -> dict[str, Any]:
    return {"200": _json_ref("Health", "ready"),
            "503": _json_ref("Health", "not ready (error `not_ready`, header Retry-After); details in the server log")}


def _json_ref(name: str, description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def ref(name: str) -> dict[str, str]:
    """A JSON reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def _fixed_schemas() -> dict[str, Any]:
    text, number = {"type": "string"}, {"type": "number"}
    warning = {"type": "object", "properties": {"field": text, "code": {"type": "string", "enum": [
        *WARNING_CODES, "ignored_field"]}, "message": text}}
    problem = {"type": "object", "properties": {"field": text, "message": text, "value": {},
                                                 "expected": text}}
    prediction = {"type": "object", "properties": {
        "prob_default": {**number, "description": "Probability of Pago_atiempo = 0 (late payment)"},
        "Pago_atiempo_pred": {"type": "integer", "enum": [0, 1],
                              "description": "1 = predicted to pay on time, 0 = predicted late (at the threshold)"},
        "risk_band": {"type": "string", "enum": ["Bajo", "Medio", "Alto"]},
        "warnings": {"type": "array", "items": ref("Warning")},
        "model_version": text, "request_id": text}}
    return {
        "Warning": warning, "Problem": problem, "Prediction": prediction,
        "BatchRequest": {"oneOf": [{"type": "array", "items": ref("LoanRecord")},
                                   {"type": "object", "required": ["records"],
                                    "properties": {"records": {"type": "array", "items": ref("LoanRecord")}}}]},
        "BatchResponse": {"type": "object", "required": ["results", "errors", "summary"], "properties": {
            "results": {"type": "array", "items": {"allOf": [ref("Prediction"), {
                "type": "object", "properties": {"index": {"type": "integer"}}}]}},
            "errors": {"type": "array", "items": {"type": "object", "properties": {
                "index": {"type": "integer"}, "problems": {"type": "array", "items": ref("Problem")}}}},
            "summary": {"type": "object"}}},
        "Error": {"type": "object", "required": ["error", "message"],
                  "properties": {"error": text, "message": text, "request_id": text,
                                 "problems": {"type": "array", "items": ref("Problem")}}},
        "Health": {"type": "object", "properties": {"status": {"type": "string", "enum": ["ok", "error"]},
                                                    "model_version": text, "model": {"type": "object"},
                                                    "database": {"type": "object"}, "error": text, "message": text}},
    }
