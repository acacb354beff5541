"""Idempotent POSTs, enforced by the database: the ``idempotency_keys`` table (key primary key).

A write that may be retried by its client stores its answer under the client's key **in the same transaction**
as what it writes, so a key exists exactly when its write committed, whichever worker or host did it.

Usage by a route (``/predict`` and ``/predict_batch`` via :mod:`app.services.scoring.requests`; ``POST /jobs`` and
``POST /outcomes`` alike)::

    keys = request_keys(request.headers.get("Idempotency-Key"), client_request_id)  # () when neither was sent
    digest = body_digest(raw_body)
    stored = store.lookup(keys, route, digest)   # StoredAnswer to replay, None, or raises IdempotencyConflict (409)
    ...compute the answer: status and response bytes...
    try:
        log.append(rows, guard=store.claim([KeyRow(k, route, digest, status, body) for k in keys]))
    except KeysTaken:                             # a concurrent request committed the key first: nothing written
        stored = store.lookup(keys, route, digest)    # its answer (or IdempotencyConflict)

``claim`` returns a transaction guard; ``insert(conn, rows)`` is the same inside a transaction the caller holds.
The insert never aborts the transaction (``ON CONFLICT DO NOTHING … RETURNING``): it reports the keys that already
existed, and on PostgreSQL it first waits for a concurrent transaction holding the same key to commit or roll back.
Only answers that wrote something are stored; keys stay with the log (no expiry).
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from app.services.log.tables import idempotency_keys

IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,100}$")  # visible ASCII, at most 100 characters
_KEY_PREFIX, _REQUEST_PREFIX = "key:", "request-id:"


class IdempotencyConflict(Exception):
    """The key was already used for another route or another body (answer 409)."""

    def __init__(self, key: str, route: str, message: str | None = None) -> None:
        header = "X-Request-ID" if key.startswith(_REQUEST_PREFIX) else "Idempotency-Key"
        super().__init__(message or f"this {header} was already used for a different request body or route "
                         f"({route}); use a new key for a new request")
        self.key, self.route, self.header = key, route, header


class KeysTaken(Exception):
    """Raised inside a write transaction when some of its keys already exist: roll back, then look them up."""

    def __init__(self, keys: set[str]) -> None:
        super().__init__(f"{len(keys)} idempotency key(s) already stored")
        self.keys = keys


@dataclass(frozen=True)
class StoredAnswer:
    """The answer stored under a key: replay ``status`` and ``response`` byte for byte."""

    key: str
    route: str
    body_sha256: str
    status: int
    response: bytes


@dataclass(frozen=True)
class KeyRow:
    """One ``idempotency_keys`` row to write with the answer it guards."""

    key: str
    route: str
    body_sha256: str
    status: int
    response: bytes


def request_keys(idempotency_key: str | None, client_request_id: str | None) -> tuple[str, ...]:
    """The stored keys of a request: its ``Idempotency-Key`` and its client-sent ``X-Request-ID`` (each in its
    own namespace, so the two headers never collide). Validate the header with ``IDEMPOTENCY_KEY`` first."""
    keys = []
    if idempotency_key:
        keys.append(_KEY_PREFIX + idempotency_key)
    if client_request_id:
        keys.append(_REQUEST_PREFIX + client_request_id)
    return tuple(keys)


def body_digest(body: bytes) -> str:
    """sha256 (hex) of the raw request body: a retry must send the same bytes."""
    return hashlib.sha256(body).hexdigest()


class IdempotencyStore:
    """Read and write ``idempotency_keys`` rows (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._insert = (dialect.insert(idempotency_keys).on_conflict_do_nothing(index_elements=["key"])
                        .returning(idempotency_keys.c.key))

    def lookup(self, keys: Sequence[str], route: str, body_sha256: str,
               conn: sa.Connection | None = None) -> StoredAnswer | None:
        """The stored answer of the first of ``keys`` that exists, or None when none does.

        Raises ``IdempotencyConflict`` when a key exists for another route or another body.
        """
        if not keys:
            return None
        found = self.lookup_many(keys, conn)
        for key in keys:
            stored = found.get(key)
            if stored is not None:
                if stored.route != route or stored.body_sha256 != body_sha256:
                    raise IdempotencyConflict(key, stored.route)
                return stored
        return None

    def lookup_many(self, keys: Iterable[str], conn: sa.Connection | None = None) -> dict[str, StoredAnswer]:
        """Every stored answer among ``keys`` (one query)."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return {}
        query = sa.select(idempotency_keys).where(idempotency_keys.c.key.in_(keys))
        if conn is not None:
            rows = conn.execute(query).all()
        else:
            with self.engine.connect() as own:
                rows = own.execute(query).all()
        return {row.key: StoredAnswer(row.key, row.route, row.body_sha256, int(row.status), bytes(row.response))
                for row in rows}

    def insert(self, conn: sa.Connection, rows: Sequence[KeyRow]) -> set[str]:
        """Add ``rows`` inside the caller's transaction; return the keys that already existed (not written).

        The caller must not write what those keys guard: it rolls back, or leaves those requests out.
        """
        if not rows:
            return set()
        now = datetime.now(UTC).replace(tzinfo=None)
        values = [{"key": r.key, "route": r.route, "body_sha256": r.body_sha256, "status": r.status,
                   "response": r.response, "created_at": now} for r in rows]
        written = set(conn.execute(self._insert, values).scalars().all())
        return {r.key for r in rows} - written

    def claim(self, rows: Sequence[KeyRow]) -> Callable[[sa.Connection], None]:
        """A transaction guard that inserts ``rows`` and raises ``KeysTaken`` if any key already exists."""
        def guard(conn: sa.Connection) -> None:
            taken = self.insert(conn, rows)
            if taken:
                raise KeysTaken(taken)
        return guard
