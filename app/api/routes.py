"""JSON routes: parse the request, call the scoring service, serialise. Nothing else.

Concurrent ``/predict`` requests of a worker are scored together (:mod:`app.api.microbatch`); ``Idempotency-Key``
and a client-sent ``X-Request-ID`` make both routes safe to retry (:mod:`app.services.idempotency`).
"""
from __future__ import annotations

import json
import re
import uuid
from typing import Any

import orjson
from flask import Blueprint, Response, current_app, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from app.api.api_key import require_api_key
from app.api.body import body_bytes
from app.api.errors import ApiError
from app.api.microbatch import MicroBatcher
from app.services import Services
from app.services.idempotency import IDEMPOTENCY_KEY, IdempotencyConflict, IdempotencyStore, body_digest, request_keys
from app.services.scoring import ScoredBatch
from app.services.scoring.requests import Outcome, PredictItem, RequestScorer

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
MAX_OBJECT_FIELDS = 256  # fields in one JSON object: the loan has ~20, the rest would be ignored
_OTHER_METHODS = ["GET", "PUT", "PATCH", "DELETE"]


def create_api_blueprint(services: Services) -> Blueprint:
    """Blueprint with ``/predict`` and ``/predict_batch`` bound to ``services``."""
    bp = Blueprint("api", __name__)
    settings, scoring = services.settings, services.scoring  # scoring follows promotions (the request's model)
    scorer = RequestScorer(scoring, IdempotencyStore(services.log.engine),
                           render_one=lambda result, request_id: prediction_json(result, scoring.model_version,
                                                                                 request_id),
                           render_batch=batch_json)
    batcher = (MicroBatcher(scorer.score_singles, max_size=settings.microbatch_max,
                            max_wait_s=settings.microbatch_wait_ms / 1000) if settings.microbatch else None)
    bp.record_once(lambda state: state.app.extensions.setdefault("predict_batcher", batcher))

    @bp.before_request
    def _identify_and_authorise() -> None:
        sent = request.headers.get("X-Request-ID", "")
        g.client_request_id = sent if _REQUEST_ID.match(sent) else None
        g.request_id = g.client_request_id or uuid.uuid4().hex
        if request.method == "POST":
            require_api_key(settings.api_key)

    @bp.after_request
    def _echo_request_id(response: Response) -> Response:
        if g.get("request_id"):
            response.headers["X-Request-ID"] = g.request_id
        if request.method == "OPTIONS":  # not the methods of the rule that only answers them with 405
            response.headers["Allow"] = "OPTIONS, POST"
        return response

    @bp.post("/predict")
    def predict() -> Response:
        if batcher is None:
            return _respond(scorer.score_singles([_predict_item()])[0])
        with batcher.arriving():  # tells the batch leader this request is on its way
            item = _predict_item()
        try:
            outcome = batcher.submit(item)  # raises the outcome when it is an exception
        except IdempotencyConflict as conflict:
            outcome = conflict
        return _respond(outcome)

    @bp.post("/predict_batch")
    def predict_batch() -> Response:
        body, data = read_json_body(with_bytes=True)
        records = body.get("records") if isinstance(body, dict) and "records" in body else body
        if not isinstance(records, list):
            raise ApiError(422, "invalid_body", 'expected a JSON array of records or {"records": [...]}, '
                           f"got {_json_type(body)}")
        if not records:
            raise ApiError(422, "invalid_body", "the batch holds no records")
        if len(records) > settings.max_batch_rows:
            raise ApiError(413, "too_many_records", f"{len(records)} records sent; at most "
                           f"{settings.max_batch_rows} per batch (MAX_BATCH_ROWS)")
        keys = _request_keys()
        try:
            answer = scorer.score_batch(records, g.request_id, keys, body_digest(data) if keys else "")
        except IdempotencyConflict as conflict:
            return _respond(conflict)
        return _respond(answer)

    for rule in ("/predict", "/predict_batch"):
        bp.add_url_rule(rule, endpoint=f"{rule.strip('/')}_other_methods", view_func=_post_only,
                        methods=_OTHER_METHODS)
    return bp


def _predict_item() -> PredictItem:
    record, data = read_json_body(with_bytes=True)
    if not isinstance(record, dict):
        raise ApiError(422, "invalid_body", f"expected one JSON object, got {_json_type(record)}"
                       " (send several records to /predict_batch)")
    keys = _request_keys()
    return PredictItem(record, g.request_id, keys, body_digest(data) if keys else "")


def _request_keys() -> tuple[str, ...]:
    """The request's idempotency keys: its ``Idempotency-Key`` (400 if malformed) and client ``X-Request-ID``."""
    key = request.headers.get("Idempotency-Key")
    if key is not None and not IDEMPOTENCY_KEY.match(key):
        raise ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1 to 100 visible ASCII characters")
    return request_keys(key, g.client_request_id)


def _respond(outcome: Outcome) -> Response:
    """The HTTP response of a scoring outcome (a stored answer is marked ``Idempotent-Replayed: true``)."""
    if isinstance(outcome, IdempotencyConflict):
        raise ApiError(409, "idempotency_key_reused", str(outcome))
    if isinstance(outcome, BaseException):
        raise outcome
    if outcome.body is None:
        raise ApiError(422, "invalid_fields", "the record has invalid fields", outcome.problems)
    response = Response(outcome.body, status=outcome.status, mimetype="application/json")
    if outcome.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def prediction_json(result: dict[str, Any], model_version: str, request_id: str) -> bytes:
    """The ``/predict`` body of one scored record."""
    return orjson.dumps({"prob_default": float(result["prob_default"]),
                         "Pago_atiempo_pred": int(result["Pago_atiempo_pred"]), "risk_band": result["risk_band"],
                         "warnings": result["warnings"], "model_version": model_version, "request_id": request_id})


def read_json_body(with_bytes: bool = False) -> Any:
    """The request's JSON (415 if not declared JSON, 413 if over the body limit, 400 if malformed); with
    ``with_bytes``, ``(json, raw body)``."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the body as JSON with Content-Type: application/json "
                       f"(got {request.mimetype or 'no Content-Type'})")
    data = body_bytes()  # raises 413 past MAX_CONTENT_LENGTH without reading it whole
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if request.content_length is None and limit and len(data) >= limit:  # chunked: werkzeug stops at the limit
        raise RequestEntityTooLarge()
    parsed = _parse_json(data)
    _check_object_sizes(parsed)
    return (parsed, data) if with_bytes else parsed


def _parse_json(data: bytes) -> Any:
    try:
        return orjson.loads(data)  # fast path; strict JSON (no NaN/Infinity), integers up to 64 bits
    except orjson.JSONDecodeError:
        pass  # the standard parser gives the precise message, and reads wider integers as floats
    try:
        return json.loads(data, parse_constant=_reject_constant, parse_int=_parse_int)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, "malformed_json", f"the body is not valid JSON: {exc}") from None


def _check_object_sizes(body: Any) -> None:
    """422 when the body, a record or ``records``' item holds more than ``MAX_OBJECT_FIELDS`` fields (each
    unknown field would otherwise be echoed and logged as a warning)."""
    items = body.get("records") if isinstance(body, dict) else body
    objects = [body, *(items if isinstance(items, list) else [])]
    sizes = [(i - 1, len(o)) for i, o in enumerate(objects) if isinstance(o, dict) and len(o) > MAX_OBJECT_FIELDS]
    if sizes:
        where, count = sizes[0]
        place = "the body" if where < 0 else f"record {where}"
        raise ApiError(422, "too_many_fields", f"{place} has {count:,} fields; at most {MAX_OBJECT_FIELDS} per object")


def batch_json(batch: ScoredBatch) -> bytes:
    """``{"results", "errors", "summary"}``; floats keep full precision, equal to the logged values."""
    columns = zip(batch.positions.tolist(), batch.prob.tolist(), batch.pred.tolist(), batch.band.tolist(),
                  batch.warnings, strict=True)
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
