"""SQLite's WAL checkpoints beside the writers rather than inside a committing request.

By default the connection whose commit takes the write-ahead log past 1,000 pages copies the log into the
database file before its commit returns: a request that happens to commit then waits for that copy (and its
fsync) — every 10,000-record batch, and every few hundred micro-batched ``/predict`` commits. Here a commit that
finds the log past ``WAL_CHECKPOINT_BYTES`` starts one background ``PRAGMA wal_checkpoint(PASSIVE)`` (never two
at once in a process; PASSIVE neither waits for nor blocks readers and writers), and the automatic checkpoint
stays as a backstop at ``BACKSTOP_PAGES`` for processes that write without this hook.
"""
from __future__ import annotations

import logging
import os
import threading

import sqlalchemy as sa
from sqlalchemy.engine import Engine

WAL_CHECKPOINT_BYTES = 4 << 20  # SQLite's own default: 1,000 pages of 4 KiB
BACKSTOP_PAGES = 16_384         # 64 MiB of log before a committing connection checkpoints itself

logger = logging.getLogger(__name__)


class WalCheckpointer:
    """Starts a background checkpoint of ``engine``'s database when its ``-wal`` file has grown past a size."""

    def __init__(self, engine: Engine, database: str, threshold_bytes: int = WAL_CHECKPOINT_BYTES) -> None:
        self.engine, self.wal_path, self.threshold = engine, f"{database}-wal", threshold_bytes
        self._lock = threading.Lock()
        self._running = False

    def on_commit(self) -> None:
        """Called as each transaction commits: a ``stat`` of the log, and a checkpoint thread when it is due."""
        try:
            due = os.stat(self.wal_path).st_size >= self.threshold
        except OSError:
            return
        with self._lock:
            if not due or self._running:
                return
            self._running = True
        threading.Thread(target=self._checkpoint, name="sqlite-wal-checkpoint", daemon=True).start()

    def _checkpoint(self) -> None:
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except sa.exc.SQLAlchemyError as exc:  # the backstop checkpoint still bounds the log
            logger.warning("background WAL checkpoint failed: %s", exc)
        finally:
            with self._lock:
                self._running = False


def checkpoint_in_background(engine: Engine, database: str) -> WalCheckpointer:
    """Hook a :class:`WalCheckpointer` to ``engine``'s commits (the caller sets the backstop pragma)."""
    checkpointer = WalCheckpointer(engine, database)
    sa.event.listen(engine, "commit", lambda _conn: checkpointer.on_commit())
    return checkpointer
