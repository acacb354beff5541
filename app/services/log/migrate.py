"""Bring a log database to the newest schema with Alembic (migrations in ``app/services/log/migrations``).

A database created before Alembic was adopted (tables present, no ``alembic_version``) is stamped as revision
``0001`` first, then upgraded in place. Processes starting together take a lock first (PostgreSQL: an advisory
lock held for the transaction; SQLite: a lock file beside the database), so one migrates and the others find
the schema current.
"""
from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_REVISION = "0001"
_ADVISORY_KEY = 72_356_101  # any constant shared by every process of this app


def alembic_config(connection: sa.Connection) -> Config:
    """Alembic configuration running on ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` to ``revision`` (stamping a pre-Alembic log first)."""
    with _lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_KEY})
        config = alembic_config(conn)
        tables = set(sa.inspect(conn).get_table_names())
        if "predictions" in tables and "alembic_version" not in tables:
            command.stamp(config, FIRST_REVISION)
        if MigrationContext.configure(conn).get_current_revision() != head_revision() or revision != "head":
            command.upgrade(config, revision)


@contextmanager
def _lock(engine: Engine) -> Iterator[None]:
    """A lock file beside a SQLite database file (best effort: none when the folder is not writable); nothing for
    other databases (they lock in SQL)."""
    url = engine.url
    path = url.database or ""
    if url.get_backend_name() != "sqlite" or not path or path == ":memory:":
        yield
        return
    if path.startswith("file:"):  # a SQLite URI filename (``?uri=true``)
        path = path.removeprefix("file:").split("?")[0]
    try:
        handle = open(f"{path}.migrate.lock", "a")  # noqa: SIM115 - held open for the lock's lifetime
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
