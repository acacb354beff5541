"""Prometheus series of shadow scoring: ``credit_risk_shadow_rows_total{outcome}`` — rows a challenger scored
(``scored``), rows left unscored because the queue was full (``dropped``: the request did not wait) or because
the challenger or its write failed (``failed``)."""
from __future__ import annotations

from prometheus_client import Counter

SHADOW_ROWS = Counter("credit_risk_shadow_rows", "Rows handed to the challenger model, by outcome (scored, dropped "
                      "because the shadow queue was full, failed)", ["outcome"])


def count(outcome: str, rows: int) -> None:
    """Add ``rows`` to the ``outcome`` series."""
    if rows:
        SHADOW_ROWS.labels(outcome=outcome).inc(rows)
