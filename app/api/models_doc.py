"""The OpenAPI entries of ``/models``, ``/models/promote`` and ``/models/challenger``, merged by
:mod:`app.api.openapi`."""
from __future__ import annotations

from typing import Any


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _switch_operation(summary: str, description: str, request: str,
                      security: list[dict[str, list[str]]]) -> dict[str, Any]:
    responses = {"200": _json("ModelSwitchResponse", "switched; the versions as they are now")}
    for status, text in (("400", "malformed JSON"), ("401", "missing or wrong X-API-Key"),
                         ("404", "no complete bundle of that version in MODELS_DIR (unknown_version)"),
                         ("409", "that version is already served (version_conflict)"),
                         ("415", "body is not JSON"),
                         ("422", "bad body, or the bundle fails to load (bundle_not_loadable)"),
                         ("503", "the models folder is not writable (not_writable)")):
        responses[status] = _json("Error", text)
    return {"summary": summary, "description": description, "security": security,
            "parameters": [{"name": "X-Actor", "in": "header", "required": False, "schema": {"type": "string"},
                            "description": "Who switches (recorded); the body's actor wins"}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(request)}}},
            "responses": responses}


def models_paths(security: list[dict[str, list[str]]]) -> dict[str, Any]:
    """The ``/models`` path items."""
    return {
        "/models": {"get": {"summary": "Model versions: served by this process, named by LATEST and CHALLENGER, "
                                       "the bundles available and the recent switches",
                            "responses": {"200": _json("ModelsStatus", "versions and history")}}},
        "/models/promote": {"post": _switch_operation(
            "Promote a bundle (or roll back to an earlier one)",
            "Points LATEST at the version, atomically. Every worker of every host reading the same MODELS_DIR "
            "serves it within MODEL_POLL_SECONDS, without a restart; requests in flight finish on the old model. "
            "Rollback is the same call with the previous version (`previous` in GET /models). Recorded with who "
            "and when.", "PromoteRequest", security)},
        "/models/challenger": {"post": _switch_operation(
            "Start or stop shadow scoring by a challenger bundle",
            "Every record the served model logs is also scored by this bundle, off the request path; its scores "
            "are stored beside the champion's (never returned). null stops it.", "ChallengerRequest", security)},
    }


def model_schemas() -> dict[str, Any]:
    """Component schemas of the ``/models`` routes."""
    version = {"type": "string", "description": "A bundle folder name in MODELS_DIR"}
    switch = {"type": "object", "properties": {
        "kind": {"type": "string", "enum": ["promote", "challenger"]},
        "from_version": {"type": "string", "nullable": True}, "to_version": {"type": "string", "nullable": True},
        "actor": {"type": "string"}, "at": {"type": "string", "format": "date-time"}}}
    status = {
        "served": {**version, "description": "The version this process serves now"},
        "latest": {**version, "description": "The version LATEST names (every process follows it)"},
        "challenger": {**version, "nullable": True, "description": "The challenger named (CHALLENGER file, "
                                                                   "else CHALLENGER_VERSION)"},
        "shadowing": {**version, "nullable": True, "description": "The challenger this process scores with"},
        "previous": {**version, "nullable": True, "description": "The version served before LATEST's (rollback)"},
        "versions": {"type": "array", "items": version}}
    return {
        "ModelSwitch": switch,
        "PromoteRequest": {"type": "object", "required": ["version"], "properties": {
            "version": version, "actor": {"type": "string", "maxLength": 128}}},
        "ChallengerRequest": {"type": "object", "required": ["version"], "properties": {
            "version": {**version, "nullable": True}, "actor": {"type": "string", "maxLength": 128}}},
        "ModelsStatus": {"type": "object", "properties": {
            **status, "history": {"type": "array", "items": _ref("ModelSwitch")}}},
        "ModelSwitchResponse": {"type": "object", "properties": {"switch": _ref("ModelSwitch"), **status}},
    }
