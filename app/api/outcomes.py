"""``POST /outcomes``: attach real outcomes to logged predictions. Parse, call the outcome service, answer."""
from __future__ import annotations

import logging
import re
import uuid

import sqlalchemy as sa
from flask import Blueprint, Response, g, request

from app.api.api_key import require_api_key
from app.api.errors import RETRY_AFTER_SECONDS, ApiError
from app.api.routes import read_json_body
from app.services import Services
from app.services.outcomes import (
    IdempotencyConflict,
    IdempotentCall,
    OutcomeRaceError,
    OutcomeService,
    valid_key,
)

logger = logging.getLogger(__name__)
ROUTE = "outcomes"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no", "")


def create_outcomes_blueprint(services: Services) -> Blueprint:
    """Blueprint with ``/outcomes`` bound to the log of ``services`` (API_KEY applies as on /predict)."""
    bp = Blueprint("outcomes", __name__)
    settings = services.settings
    outcomes = OutcomeService(services.log.engine, services.profiles.store)

    @bp.before_request
    def _identify_and_authorise() -> None:
        sent = request.headers.get("X-Request-ID", "")
        g.request_id = sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex  # as on /predict
        if request.method == "POST":
            require_api_key(settings.api_key)

    @bp.post("/outcomes")
    def record_outcomes() -> Response:
        key = request.headers.get("Idempotency-Key")
        if key is not None and not valid_key(key):
            raise ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1–100 visible ASCII characters")
        raw = request.get_data() if key is not None and request.is_json else b""  # kept for read_json_body
        items, overwrite = _parse(read_json_body())
        if len(items) > settings.max_batch_rows:
            raise ApiError(413, "too_many_outcomes", f"{len(items)} outcomes sent; at most "
                           f"{settings.max_batch_rows} per call (MAX_BATCH_ROWS)")
        call = None
        if key is not None:
            call = IdempotentCall.of(key, ROUTE, request.query_string + b"\n" + raw)
        try:
            answer = outcomes.record(items, overwrite=overwrite, idempotent=call)
        except IdempotencyConflict as error:
            raise ApiError(409, "idempotency_key_reused", str(error)) from None
        except (OutcomeRaceError, sa.exc.SQLAlchemyError):
            logger.exception("outcomes: the log could not be updated")
            raise ApiError(503, "outcome_log_unavailable", "the outcomes could not be stored; nothing changed, "
                           "retry later", headers={"Retry-After": str(RETRY_AFTER_SECONDS)}) from None
        response = Response(answer.body, status=answer.status, mimetype="application/json")
        response.headers["X-Request-ID"] = g.request_id
        if call is not None:
            response.headers["Idempotent-Replayed"] = "true" if answer.report is None else "false"
        return response

    @bp.after_request
    def _allow(response: Response) -> Response:
        if request.method == "OPTIONS":  # not the methods of the rule that only answers them with 405
            response.headers["Allow"] = "OPTIONS, POST"
        return response

    @bp.route("/outcomes", methods=["GET", "PUT", "PATCH", "DELETE"], endpoint="outcomes_other_methods")
    def _post_only() -> Response:
        raise ApiError(405, "method_not_allowed", f"{request.method} is not allowed here; use POST",
                       headers={"Allow": "POST, OPTIONS"})

    return bp


def _parse(body: object) -> tuple[list, bool]:
    """The items and the overwrite flag from a JSON list (``?overwrite=true``) or
    ``{"outcomes": [...], "overwrite": bool}``."""
    query = request.args.get("overwrite", "").strip().lower()
    if query not in _TRUE + _FALSE:
        raise ApiError(400, "invalid_parameter", f"overwrite: expected true or false, found {query!r}")
    overwrite = query in _TRUE
    if isinstance(body, dict) and "outcomes" in body:
        flag = body.get("overwrite", overwrite)
        if not isinstance(flag, bool):
            raise ApiError(422, "invalid_body", f"overwrite: expected true or false, found {flag!r}")
        overwrite, body = flag, body["outcomes"]
    if not isinstance(body, list):
        raise ApiError(422, "invalid_body", 'expected a JSON array of {"request_id", "row", "Pago_atiempo"} '
                       'objects or {"outcomes": [...], "overwrite": false}')
    return body, overwrite
