"""The log database's SQLAlchemy engine: PostgreSQL as configured; SQLite in WAL mode with a busy timeout and its
checkpoints in the background (:mod:`app.services.log.checkpoint`)."""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from app.services.log.checkpoint import BACKSTOP_PAGES, checkpoint_in_background


def create_log_engine(url: str) -> Engine:
    """Engine for ``url``; SQLite gets WAL mode, a busy timeout, background checkpoints (a file database) and its
    parent folder created."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    on_disk = bool(parsed.database) and parsed.database != ":memory:"
    if on_disk:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        _enable_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        if on_disk:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP_PAGES}")
            cursor.execute("PRAGMA journal_size_limit = 0")  # the log's size is what awaits a checkpoint
        cursor.close()

    if on_disk:
        checkpoint_in_background(engine, parsed.database)
    return engine


def _enable_wal(cursor: Any, attempts: int = 50) -> None:
    """Switch the file to WAL (a persistent setting) unless it already is.

    Changing the journal mode needs the file to itself and SQLite does not wait on its busy handler for it,
    so a worker starting while another one writes retries for a few seconds instead of failing.
    """
    for attempt in range(attempts):
        if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
            return
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.1)
