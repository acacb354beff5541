"""SQLite's write-ahead log is copied into the database file by a background checkpoint, not by a committing
request: the log stays bounded and the file holds the rows."""
from __future__ import annotations

import sqlite3
import threading
import time

from app.services.log.engine import create_log_engine
from app.services.log.store import PredictionLog


def _wait_for(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _checkpointing() -> bool:
    return any(thread.name == "sqlite-wal-checkpoint" for thread in threading.enumerate())


def test_a_grown_log_is_checkpointed_in_the_background(tmp_path):
    path = tmp_path / "log.sqlite"
    log = PredictionLog(create_log_engine(f"sqlite:///{path}"))
    with log.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x BLOB)")
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    empty = path.stat().st_size
    with log.engine.begin() as conn:  # ~6 MiB of pages go to the log; the committing connection does not copy them
        conn.exec_driver_sql("INSERT INTO t VALUES (?)", [(b"x" * 4000,)] * 1500)
    assert path.stat().st_size == empty
    with log.transaction() as conn:  # a log write finds the log past 4 MiB and starts a checkpoint beside it
        conn.exec_driver_sql("INSERT INTO t VALUES (x'00')")
    # SQLite sizes the file before copying the pages into it: wait for the checkpoint's thread to finish too
    assert _wait_for(lambda: path.stat().st_size > 6_000_000 and not _checkpointing()), \
        "the rows never reached the database file"
    with log.engine.begin() as conn:  # the next writer restarts the checkpointed log from its start, cut back
        conn.exec_driver_sql("INSERT INTO t VALUES (x'01')")
    assert (tmp_path / "log.sqlite-wal").stat().st_size < 100_000
    log.dispose()
    with sqlite3.connect(path) as plain:
        assert plain.execute("SELECT count(*) FROM t").fetchone()[0] == 1502


def test_every_connection_keeps_a_backstop_checkpoint(tmp_path):
    engine = create_log_engine(f"sqlite:///{tmp_path / 'log.sqlite'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 16_384
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
