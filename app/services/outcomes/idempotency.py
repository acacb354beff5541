"""``Idempotency-Key`` on ``POST /outcomes`` through the shared :mod:`app.services.idempotency` table: the answer
is stored under the key in the transaction that made the call's changes; the same key with the same body gets it
back, the same key with another body (or used on another route) is refused (``IdempotencyConflict``, HTTP 409).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.services.idempotency import (
    IDEMPOTENCY_KEY,
    IdempotencyConflict,
    IdempotencyStore,
    KeyRow,
    body_digest,
    request_keys,
)

__all__ = ["IdempotencyConflict", "IdempotentCall", "claim_answer", "stored_answer", "valid_key"]


@dataclass(frozen=True)
class IdempotentCall:
    """A call's stored key (the header's value in its namespace), route and body digest."""

    key: str
    route: str
    body_sha256: str

    @classmethod
    def of(cls, header_value: str, route: str, body: bytes) -> IdempotentCall:
        return cls(request_keys(header_value, None)[0], route, body_digest(body))


def valid_key(value: str) -> bool:
    """1 to 100 visible ASCII characters, as on every other route."""
    return IDEMPOTENCY_KEY.match(value) is not None


def stored_answer(conn: sa.Connection, call: IdempotentCall) -> tuple[int, bytes] | None:
    """The (status, body) stored under the call's key; None on first use; raises ``IdempotencyConflict``."""
    stored = IdempotencyStore(conn.engine).lookup([call.key], call.route, call.body_sha256, conn)
    return None if stored is None else (stored.status, stored.response)


def claim_answer(conn: sa.Connection, call: IdempotentCall, status: int, body: bytes) -> bool:
    """Store the answer inside the caller's transaction; False when a concurrent call stored the key first."""
    taken = IdempotencyStore(conn.engine).insert(conn, [KeyRow(call.key, call.route, call.body_sha256, status,
                                                                  body)])
    return not taken
