"""Alembic environment: migrations run on the connection handed over by :func:`app.services.log.migrate.upgrade`."""
from __future__ import annotations

from alembic import context

from app.services.log.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
