"""Security headers on every response of the Flask server (API, dashboard, docs, downloads).

The Content-Security-Policy allows only this origin's scripts plus the hashes of Dash's own inline scripts
(``Dash.csp_hashes``): no ``'unsafe-inline'`` or ``'unsafe-eval'`` for scripts. Styles keep ``'unsafe-inline'``
because Plotly and Swagger UI write ``<style>`` elements at run time; images and fonts may be ``data:`` URIs
(Swagger UI's icons, Plotly's exported images). The page may not be framed by anyone.
"""
from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, Response


def content_security_policy(script_hashes: Sequence[str] = ()) -> str:
    """The policy text, with ``script_hashes`` (quoted sources, ``"'sha256-…'"``) allowed as inline scripts."""
    scripts = " ".join(["'self'", *script_hashes])
    directives = {
        "default-src": "'self'", "script-src": scripts, "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:", "font-src": "'self' data:", "connect-src": "'self'",
        "object-src": "'none'", "base-uri": "'self'", "form-action": "'self'", "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def register_security_headers(server: Flask, script_hashes: Sequence[str] = ()) -> None:
    """Add the CSP, ``nosniff``, frame denial and referrer policy to every response ``server`` sends."""
    headers = {
        "Content-Security-Policy": content_security_policy(script_hashes),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
    }

    @server.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
