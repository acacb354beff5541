"""JSON routes: parse the request, call the scoring service, serialise. Nothing else."""
from __future__ import annotations

import hmac
import json
import re
import uuid
from typing import Any

import orjson
from flask import Blueprint, Response, g, jsonify, request

from app.api.errors import ApiError
from app.services import Services
from app.services.scoring import ScoredBatch

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_OTHER_METHODS = ["GET", "PUT", "PATCH", "DELETE"]


def create_api_blueprint(services: Services) -> Blueprint:
    """Blueprint with ``/predict`` and ``/predict_batch`` bound to ``services``."""
    bp = Blueprint("api", __name__)
    settings, scoring = services.settings, services.scoring

    @bp.before_request
    def _identify_and_authorise() -> None:
        sent = request.headers.get("X-Request-ID", "")
        g.request_id = sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex
        if settings.api_key and request.method == "POST":
            given = request.headers.get("X-API-Key", "").encode("utf-8", "replace")
            if not hmac.compare_digest(given, settings.api_key.encode("utf-8")):
                raise ApiError(401, "unauthorized", "missing or wrong X-API-Key header",
                               headers={"WWW-Authenticate": 'ApiKey header="X-API-Key"'})

    @bp.after_request
    def _echo_request_id(response: Response) -> Response:
        if g.get("request_id"):
            response.headers["X-Request-ID"] = g.request_id
        return response

    @bp.post("/predict")
    def predict() -> Response:
        record = read_json_body()
        if not isinstance(record, dict):
            raise ApiError(422, "invalid_body", f"expected one JSON object, got {_json_type(record)}"
                           " (send several records to /predict_batch)")
        batch = scoring.score_records([record], source="api", request_id=g.request_id)
        if batch.errors:
            raise ApiError(422, "invalid_fields", "the record has invalid fields", batch.errors[0]["problems"])
        row = batch.results.iloc[0]
        return jsonify({"prob_default": float(row["prob_default"]), "Pago_atiempo_pred": int(row["Pago_atiempo_pred"]),
                        "risk_band": row["risk_band"], "warnings": row["warnings"],
                        "model_version": batch.model_version, "request_id": batch.request_id})

    @bp.post("/predict_batch")
    def predict_batch() -> Response:
        body = read_json_body()
        records = body.get("records") if isinstance(body, dict) and "records" in body else body
        if not isinstance(records, list):
            raise ApiError(422, "invalid_body", 'expected a JSON array of records or {"records": [...]}, '
                           f"got {_json_type(body)}")
        if not records:
            raise ApiError(422, "invalid_body", "the batch holds no records")
        if len(records) > settings.max_batch_rows:
            raise ApiError(413, "too_many_records", f"{len(records)} records sent; at most "
                           f"{settings.max_batch_rows} per batch (MAX_BATCH_ROWS)")
        batch = scoring.score_records(records, source="api", request_id=g.request_id)
        return Response(batch_json(batch), status=200 if len(batch.results) else 422, mimetype="application/json")

    for rule in ("/predict", "/predict_batch"):
        bp.add_url_rule(rule, endpoint=f"{rule.strip('/')}_other_methods", view_func=_post_only,
                        methods=_OTHER_METHODS)
    return bp


def read_json_body() -> Any:
    """The request's JSON (415 if not declared JSON, 413 if over the body limit, 400 if malformed)."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the body as JSON with Content-Type: application/json "
                       f"(got {request.mimetype or 'no Content-Type'})")
    data = request.get_data(cache=False)  # raises 413 past MAX_CONTENT_LENGTH without reading it whole
    try:
        return orjson.loads(data)  # fast path; strict JSON (no NaN/Infinity), integers up to 64 bits
    except orjson.JSONDecodeError:
        pass  # the standard parser gives the precise message, and reads wider integers as floats
    try:
        return json.loads(data, parse_constant=_reject_constant, parse_int=_parse_int)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, "malformed_json", f"the body is not valid JSON: {exc}") from None


def batch_json(batch: ScoredBatch) -> bytes:
    """``{"results", "errors", "summary"}``; floats keep full precision, equal to the logged values."""
    results = batch.results
    columns = zip(results.index.tolist(), results["prob_default"].tolist(), results["Pago_atiempo_pred"].tolist(),
                  results["risk_band"].tolist(), results["warnings"].tolist(), strict=True)
    items = [{"index": i, "prob_default": p, "Pago_atiempo_pred": y, "risk_band": b, "warnings": w,
              "model_version": batch.model_version, "request_id": batch.request_id} for i, p, y, b, w in columns]
    return orjson.dumps({"results": items, "errors": batch.errors, "summary": batch.summary},
                        option=orjson.OPT_SERIALIZE_NUMPY)


def _post_only() -> Response:
    raise ApiError(405, "method_not_allowed", f"{request.method} is not allowed here; use POST",
                   headers={"Allow": "POST, OPTIONS"})


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid JSON value")


def _parse_int(text: str) -> int | float:
    """Integers beyond 18 digits become floats (inf when out of range) instead of unbounded ints."""
    return int(text) if len(text) <= 18 else float(text)


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")
