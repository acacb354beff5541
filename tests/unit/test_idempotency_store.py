"""IdempotencyStore and the log's write transaction: keys reported when taken, conflicts, guard rollback, duplicate
rows as DuplicateRowsError (SQLite and PostgreSQL, where rows go through COPY)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from test_prediction_log import log_rows

from app.services.idempotency import (
    IdempotencyConflict,
    IdempotencyStore,
    KeyRow,
    KeysTaken,
    body_digest,
    request_keys,
)
from app.services.log.store import DuplicateRowsError, PredictionLog
from app.services.log.tables import idempotency_keys


@pytest.fixture
def log(log_url) -> PredictionLog:
    log = PredictionLog.from_url(log_url)
    yield log
    log.dispose()


def key_count(log: PredictionLog) -> int:
    with log.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(idempotency_keys)).scalar_one()


def test_request_keys_keep_the_two_headers_apart():
    assert request_keys("abc", "abc") == ("key:abc", "request-id:abc")
    assert request_keys(None, None) == ()
    assert body_digest(b"x") == body_digest(b"x") != body_digest(b"y")


def test_insert_reports_existing_keys_and_writes_the_others(log):
    store = IdempotencyStore(log.engine)
    with log.engine.begin() as conn:
        assert store.insert(conn, [KeyRow("key:a", "/predict", "h1", 200, b"A")]) == set()
    with log.engine.begin() as conn:
        taken = store.insert(conn, [KeyRow("key:a", "/predict", "h1", 200, b"other"),
                                    KeyRow("key:b", "/predict", "h2", 200, b"B")])
    assert taken == {"key:a"}
    assert store.lookup(["key:a"], "/predict", "h1").response == b"A"  # the first answer is kept
    assert store.lookup(["key:zz", "key:b"], "/predict", "h2").response == b"B"
    assert store.lookup(["key:none"], "/predict", "h") is None


def test_lookup_refuses_another_body_or_route(log):
    store = IdempotencyStore(log.engine)
    with log.engine.begin() as conn:
        store.insert(conn, [KeyRow("request-id:r1", "/predict", "h1", 200, b"A")])
    with pytest.raises(IdempotencyConflict, match="X-Request-ID"):
        store.lookup(["request-id:r1"], "/predict", "other")
    with pytest.raises(IdempotencyConflict):
        store.lookup(["request-id:r1"], "/predict_batch", "h1")


def test_a_taken_key_rolls_back_the_whole_write(log):
    store = IdempotencyStore(log.engine)
    log.append(log_rows(2), guard=store.claim([KeyRow("key:k", "/predict_batch", "h", 200, b"first")]))
    with pytest.raises(KeysTaken) as taken:
        log.append(log_rows(3),
                   guard=store.claim([KeyRow("key:k", "/predict_batch", "h", 200, b"second")]))
    assert taken.value.keys == {"key:k"}
    assert log.count() == 2 and key_count(log) == 1


def test_duplicate_rows_are_a_duplicate_rows_error(log):
    rows = log_rows(4)
    log.append(rows)
    with pytest.raises(DuplicateRowsError):
        log.append(rows)  # the same (request_id, row) pairs again
    assert log.count() == 4
