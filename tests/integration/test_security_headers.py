"""Security headers on every kind of response: API, errors, health, docs, dashboard shell, Dash callbacks."""
from __future__ import annotations

import re

import pytest

ROUTES = [("get", "/"), ("get", "/docs"), ("get", "/docs/init.js"), ("get", "/openapi.json"), ("get", "/health"),
          ("get", "/health/live"), ("post", "/predict"), ("get", "/nope"), ("get", "/_dash-layout"),
          ("get", "/_dash-dependencies")]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_response_carries_the_security_headers(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code < 500
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp and "default-src 'self'" in csp


def test_scripts_are_limited_to_this_origin_and_dash_inline_hashes(client):
    csp = dict(part.strip().split(" ", 1) for part in client.get("/").headers["Content-Security-Policy"].split(";"))
    sources = csp["script-src"].split()
    assert sources[0] == "'self'" and "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert sources[1:] and all(re.fullmatch(r"'sha256-[A-Za-z0-9+/]+=*'", s) for s in sources[1:])


def test_docs_page_has_no_inline_script(client):
    page = client.get("/docs").get_data(as_text=True)
    assert re.findall(r"<script>", page) == []
    assert "SwaggerUIBundle(" in client.get("/docs/init.js").get_data(as_text=True)
