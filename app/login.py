"""Optional HTTP Basic login for everything that is not the JSON API (Flask-HTTPAuth).

When ``DASHBOARD_USER`` and ``DASHBOARD_PASSWORD`` are set, every request outside the API blueprints — Dash
pages and assets, ``/_dash-*`` callbacks, uploads (which travel through callbacks) and downloads such as
``/logs/export.csv`` — needs those credentials (compared in constant time). The JSON API, ``/docs``,
``/openapi.json``, the health routes and ``/metrics`` keep their own rules. Unknown paths need the login too.
"""
from __future__ import annotations

import hmac

from flask import Flask, Response, request
from flask_httpauth import HTTPBasicAuth

OPEN_BLUEPRINTS = frozenset({"api", "jobs", "docs", "health", "metrics"})
REALM = "Credit-risk dashboard"


def register_dashboard_login(server: Flask, user: str, password: str) -> None:
    """Require ``user``/``password`` (HTTP Basic) on every request to ``server`` outside :data:`OPEN_BLUEPRINTS`."""
    auth = HTTPBasicAuth(realm=REALM)
    expected_user, expected_password = user.encode(), password.encode()

    @auth.verify_password
    def _verify(given_user: str, given_password: str) -> bool:
        user_ok = hmac.compare_digest(given_user.encode(), expected_user)
        password_ok = hmac.compare_digest(given_password.encode(), expected_password)
        return user_ok and password_ok

    @auth.login_required
    def _allowed() -> None:
        return None

    @server.before_request
    def _require_login() -> Response | None:
        if request.blueprint in OPEN_BLUEPRINTS:
            return None
        return _allowed()
