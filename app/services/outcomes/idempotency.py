"""``Idempotency-Key``: the answer of a call stored under its key, in the transaction that made its changes.

The same key with the same body (sha256) gets the stored answer back without doing anything; the same key with
another body, or on another route, is refused (:class:`IdempotencyMismatch`, HTTP 409).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from app.services.log.tables import idempotency_keys

MAX_KEY = 128
_K = idempotency_keys.c


@dataclass(frozen=True)
class IdempotentCall:
    """A call's key, route and body digest."""

    key: str
    route: str
    body_sha256: str

    @classmethod
    def of(cls, key: str, route: str, body: bytes) -> IdempotentCall:
        return cls(key, route, hashlib.sha256(body).hexdigest())


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: bytes


class IdempotencyMismatch(ValueError):
    """The key was used before for another body or route."""


def valid_key(key: str) -> bool:
    """1 to ``MAX_KEY`` printable ASCII characters."""
    return 0 < len(key) <= MAX_KEY and key.isascii() and key.isprintable()


def stored_answer(conn: sa.Connection, call: IdempotentCall) -> StoredAnswer | None:
    """The answer stored under ``call.key`` (None: first use); raises :class:`IdempotencyMismatch`."""
    found = conn.execute(sa.select(_K.route, _K.body_sha256, _K.status, _K.response)
                         .where(_K.key == call.key)).first()
    if found is None:
        return None
    route, digest, status, response = found
    if route != call.route or digest != call.body_sha256:
        raise IdempotencyMismatch(f"Idempotency-Key {call.key!r} was already used for a different request; "
                                  "send a new key for a new request")
    return StoredAnswer(int(status), bytes(response))


def store_answer(conn: sa.Connection, call: IdempotentCall, answer: StoredAnswer) -> None:
    """Store ``answer`` under the key (IntegrityError when another call stored it first)."""
    conn.execute(idempotency_keys.insert(), {
        "key": call.key, "route": call.route, "body_sha256": call.body_sha256, "status": answer.status,
        "response": answer.body, "created_at": datetime.now(UTC).replace(tzinfo=None)})
