"""SQLite's WAL checkpoints beside the writers rather than inside a committing request.

By default the connection whose commit takes the write-ahead log past 1,000 pages copies the log into the
database file before its commit returns: a request that happens to commit then waits for that copy (and its
fsync) — every 10,000-record batch, and every few hundred micro-batched ``/predict`` commits. Here a write of
the prediction log (:func:`after_write`) that finds the log past ``WAL_CHECKPOINT_BYTES`` starts one background
``PRAGMA wal_checkpoint(PASSIVE)`` (never two at once in a process; PASSIVE neither waits for nor blocks readers
and writers); the automatic checkpoint stays as a backstop at ``BACKSTOP_PAGES`` for the other writers (folds,
outcomes, jobs). The log file is cut back to nothing when SQLite restarts it after a complete checkpoint
(``journal_size_limit`` 0), so its size says how much is waiting; while readers hold a checkpoint back, a
process tries again at most every ``RETRY_SECONDS``.
"""
from __future__ import annotations

import logging
import os
import threading
import time
import weakref

import sqlalchemy as sa
from sqlalchemy.engine import Engine

WAL_CHECKPOINT_BYTES = 4 << 20  # SQLite's own default: 1,000 pages of 4 KiB
BACKSTOP_PAGES = 16_384         # 64 MiB of log before a committing connection checkpoints itself
RETRY_SECONDS = 0.25

logger = logging.getLogger(__name__)


class WalCheckpointer:
    """Starts a background checkpoint of ``engine``'s database when its ``-wal`` file has grown past a size."""

    def __init__(self, engine: Engine, database: str, threshold_bytes: int = WAL_CHECKPOINT_BYTES) -> None:
        self._engine = weakref.ref(engine)  # the registry below must not keep a disposed engine alive
        self.wal_path, self.threshold = f"{database}-wal", threshold_bytes
        self._lock = threading.Lock()
        self._running = False
        self._next_try = 0.0

    def on_commit(self) -> None:
        """Called as each transaction commits: a ``stat`` of the log, and a checkpoint thread when it is due."""
        now = time.monotonic()
        if now < self._next_try:
            return
        try:
            due = os.stat(self.wal_path).st_size >= self.threshold
        except OSError:
            return
        with self._lock:
            if not due or self._running:
                return
            self._running, self._next_try = True, now + RETRY_SECONDS
        threading.Thread(target=self._checkpoint, name="sqlite-wal-checkpoint", daemon=True).start()

    def _checkpoint(self) -> None:
        try:
            engine = self._engine()
            if engine is not None:
                with engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except sa.exc.SQLAlchemyError as exc:  # the backstop checkpoint still bounds the log
            logger.warning("background WAL checkpoint failed: %s", exc)
        finally:
            with self._lock:
                self._running = False


_CHECKPOINTERS: weakref.WeakKeyDictionary[Engine, WalCheckpointer] = weakref.WeakKeyDictionary()


def checkpoint_in_background(engine: Engine, database: str) -> None:
    """Give ``engine`` (a SQLite file's; the caller sets the backstop pragma) a :class:`WalCheckpointer`."""
    _CHECKPOINTERS[engine] = WalCheckpointer(engine, database)


def after_write(engine: Engine) -> None:
    """A write transaction on ``engine`` committed: start a background checkpoint when one is due. (A call here
    rather than an engine event: any event listener puts every statement of the engine on SQLAlchemy's slower
    dispatching path, ~15 µs per transaction.)"""
    checkpointer = _CHECKPOINTERS.get(engine)
    if checkpointer is not None:
        checkpointer.on_commit()
