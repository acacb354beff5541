"""The OpenAPI entries of ``POST /outcomes`` (path and component schemas), merged by :mod:`app.api.openapi`."""
from __future__ import annotations

from typing import Any

from app.services.outcomes.report import STATUSES


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def outcomes_operation(security: list[dict[str, list[str]]]) -> dict[str, Any]:
    """The ``post`` operation of ``/outcomes``."""
    responses = {"200": _json("OutcomesResponse", "every item's status (some accepted)"),
                 "422": _json("OutcomesResponse", "every item refused (or a body that is not a list: Error)")}
    for status, text in (("400", "malformed JSON, bad overwrite parameter or Idempotency-Key"),
                         ("401", "missing or wrong X-API-Key"), ("405", "wrong method"),
                         ("409", "Idempotency-Key already used for a different body"),
                         ("413", "body or number of outcomes too large"), ("415", "body is not JSON"),
                         ("503", "the log could not be updated; nothing changed")):
        responses[status] = _json("Error", text)
    return {
        "summary": "Attach real outcomes (Pago_atiempo) to logged predictions",
        "description": "Sets `actual` of the prediction logged under (request_id, row) and updates its profiles in "
                       "the same transaction. An outcome different from a stored one is refused (`conflict`) "
                       "unless `overwrite` is true. Sending the same call again changes nothing (`unchanged`). "
                       "With an `Idempotency-Key` header the first answer is stored and replayed for the same body; "
                       "another body with that key gets 409.",
        "security": security,
        "parameters": [
            {"name": "overwrite", "in": "query", "required": False, "schema": {"type": "boolean"},
             "description": "Replace stored outcomes that differ (for a JSON array body)"},
            {"name": "Idempotency-Key", "in": "header", "required": False,
             "schema": {"type": "string", "maxLength": 100}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("OutcomesRequest")}}},
        "responses": responses}


def outcome_schemas() -> dict[str, Any]:
    """Component schemas ``OutcomeItem``, ``OutcomesRequest``, ``OutcomesResponse``."""
    item = {"type": "object", "required": ["request_id", "Pago_atiempo"], "properties": {
        "request_id": {"type": "string", "maxLength": 64, "description": "The request id of the prediction "
                       "(X-Request-ID of the call, or the batch's request id)"},
        "row": {"type": "integer", "minimum": 0, "default": 0,
                "description": "The record's position in its request (0 for single-record requests)"},
        "Pago_atiempo": {"type": "integer", "enum": [0, 1], "description": "0 = paid late, 1 = paid on time"}}}
    result = {"type": "object", "properties": {
        "index": {"type": "integer"}, "request_id": {"type": "string", "nullable": True},
        "row": {"type": "integer", "nullable": True}, "status": {"type": "string", "enum": list(STATUSES)},
        "previous": {"type": "integer", "description": "The stored outcome (conflict, overwritten, unchanged)"},
        "problems": {"type": "array", "items": _ref("Problem")}}}
    return {
        "OutcomeItem": item,
        "OutcomesRequest": {"oneOf": [
            {"type": "array", "items": _ref("OutcomeItem")},
            {"type": "object", "required": ["outcomes"], "properties": {
                "outcomes": {"type": "array", "items": _ref("OutcomeItem")},
                "overwrite": {"type": "boolean", "default": False}}}]},
        "OutcomesResponse": {"type": "object", "properties": {
            "summary": {"type": "object", "properties": {
                "received": {"type": "integer"}, "refused": {"type": "integer"}, "overwrite": {"type": "boolean"},
                **{status: {"type": "integer"} for status in STATUSES}}},
            "results": {"type": "array", "items": result}}},
    }
