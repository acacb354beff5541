"""The prediction log: one ``predictions`` row per scored record, in SQLite or PostgreSQL via SQLAlchemy Core.

Times are stored as naive UTC (``scored_at``); ``loan_date`` is the record's ``fecha_prestamo`` (NULL when the
client left it out). ``inputs`` (the validated feature values) and ``warnings`` hold JSON text.
``latency_ms`` is the validation + scoring time of the request the row came in. ``actual`` is the real
outcome (Pago_atiempo) when known — set for the held-out period. A batch is written in one transaction with the
database's bulk path: multi-row ``INSERT`` statements on SQLite, ``COPY … FROM STDIN`` on PostgreSQL (rows and
profile fragments; :mod:`app.services.log.bulk`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.services.log.bulk import copies, copy_rows, insert_dicts, insert_rows_sqlite
from app.services.log.checkpoint import after_write
from app.services.log.engine import create_log_engine
from app.services.log.tables import LOG_COLUMNS, READ_DTYPES, holdout_seeds, predictions, profile_fragments
from app.services.log.values import LogRows, datetime_values, day_values, plain_values, row_count

_WRITTEN = (*LOG_COLUMNS, "day")
_FRAGMENT_COLUMNS = tuple(c.name for c in profile_fragments.columns if c.name != "id")
_DATETIME_COLUMNS = frozenset(c.name for c in predictions.columns if isinstance(c.type, sa.DateTime))


class PredictionLogError(RuntimeError):
    """The log could not be read or written; the message says why."""


class DuplicateRowsError(PredictionLogError):
    """A write broke a unique constraint (e.g. a ``(request_id, row)`` that is already logged); nothing was
    written."""


@dataclass(frozen=True)
class LogStatus:
    """Outcome of a health probe."""

    reachable: bool
    backend: str
    error: str | None = None


class PredictionLog:
    """Append, read and count logged predictions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def from_url(cls, url: str) -> PredictionLog:
        """Connect and bring the schema up to date (creating it when the database is new)."""
        log = cls(create_log_engine(url))
        log.create_tables()
        return log

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def create_tables(self) -> None:
        """Create or migrate the log's tables to the newest schema (Alembic; safe when processes race)."""
        from app.services.log.migrate import upgrade

        upgrade(self.engine)

    def append(self, rows: LogRows, fragments: Sequence[Mapping[str, Any]] = (),
               guard: Callable[[sa.Connection], None] | None = None) -> int:
        """Insert ``rows`` (columns ``LOG_COLUMNS``; ``row`` defaults to 0..n-1) and their profile ``fragments``
        (``profile_fragments`` rows) in one transaction; return how many rows were written.

        ``guard(conn)`` runs first in the same transaction (e.g. to add idempotency keys); an exception it raises
        rolls everything back and propagates unchanged.
        """
        n = row_count(rows)
        if n == 0 and not fragments and guard is None:
            return 0
        with self.transaction() as conn:
            if guard is not None:
                guard(conn)
            self.insert_rows(conn, rows, fragments)
        return n

    @contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """One write transaction; database failures become ``PredictionLogError`` (``DuplicateRowsError`` for a
        unique-constraint violation)."""
        driver_error = self.engine.dialect.loaded_dbapi.Error  # the COPY path raises the driver's own errors
        try:
            with self.engine.begin() as conn:
                yield conn
            after_write(self.engine)  # SQLite: a background WAL checkpoint when one is due
        except (sa.exc.SQLAlchemyError, driver_error) as exc:
            cause = getattr(exc, "orig", None) or exc
            if getattr(cause, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(cause):
                raise DuplicateRowsError(f"the prediction log refused duplicate rows: {_short(exc)}") from exc
            raise PredictionLogError(f"could not write to the prediction log: {_short(exc)}") from exc

    def insert_rows(self, conn: sa.Connection, rows: LogRows, fragments: Sequence[Mapping[str, Any]] = ()) -> int:
        """Insert ``rows`` and ``fragments`` inside the caller's transaction ``conn``."""
        n = row_count(rows)
        if n:
            self._insert(conn, rows, n)
        if fragments and copies(conn):
            copy_rows(conn, profile_fragments.name, _FRAGMENT_COLUMNS, ([f[c] for c in _FRAGMENT_COLUMNS]
                                                                         for f in fragments))
        else:
            insert_dicts(conn, profile_fragments, fragments)
        return n

    def append_once(self, key: str, rows: LogRows, fragments: Sequence[Mapping[str, Any]] = ()) -> bool:
        """Insert ``rows`` and ``fragments`` together with the marker ``key``; False (nothing written) if the
        marker exists."""
        n = row_count(rows)
        marker = {"model_version": key, "seeded_at": _utcnow(), "rows": n}
        try:
            with self.transaction() as conn:
                conn.execute(holdout_seeds.insert(), marker)  # first statement: takes the write lock
                self.insert_rows(conn, rows, fragments)
        except DuplicateRowsError:
            return False
        return True

    def _insert(self, conn: sa.Connection, rows: LogRows, n: int) -> None:
        """The bulk path: on SQLite multi-row ``INSERT`` statements straight to the driver (dates pre-formatted as
        SQLAlchemy stores them); on PostgreSQL ``COPY … FROM STDIN`` (binary-safe rows through psycopg's copy)."""
        sqlite = self.backend == "sqlite"
        columns = [_column(rows, name, n, as_text=sqlite) for name in LOG_COLUMNS]
        columns.append(day_values(rows["loan_date"], rows["scored_at"], n, as_text=sqlite))
        rows_as_tuples = zip(*columns, strict=True)
        if sqlite:
            insert_rows_sqlite(conn, predictions.name, _WRITTEN, rows_as_tuples, n)
        elif copies(conn):
            copy_rows(conn, predictions.name, _WRITTEN, rows_as_tuples)
        else:
            conn.execute(predictions.insert(), [dict(zip(_WRITTEN, row, strict=True)) for row in rows_as_tuples])

    def has_marker(self, key: str) -> bool:
        """Whether ``append_once`` already succeeded for ``key``."""
        query = sa.select(holdout_seeds.c.model_version).where(holdout_seeds.c.model_version == key)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def read(self, *, source: str | Sequence[str] | None = None, model_version: str | None = None,
             since: datetime | None = None, until: datetime | None = None, limit: int | None = None,
             newest_first: bool = False) -> pd.DataFrame:
        """Logged rows matching the filters (``since``/``until`` on ``scored_at``), oldest first by default."""
        query = _filtered(sa.select(predictions), source, model_version, since, until)
        order = predictions.c.id.desc() if newest_first else predictions.c.id
        query = query.order_by(order).limit(limit)
        with self.engine.connect() as conn:
            frame = pd.read_sql(query, conn)
        return frame.astype(READ_DTYPES)

    def count(self, *, source: str | Sequence[str] | None = None, model_version: str | None = None,
              since: datetime | None = None, until: datetime | None = None) -> int:
        """Number of logged rows matching the filters."""
        query = _filtered(sa.select(sa.func.count()).select_from(predictions), source, model_version, since, until)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def ping(self) -> LogStatus:
        """Whether the ``predictions`` table can be queried."""
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.select(predictions.c.id).limit(1)).all()
        except sa.exc.SQLAlchemyError as exc:
            return LogStatus(False, self.backend, _short(exc))
        return LogStatus(True, self.backend)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


def _column(rows: LogRows, name: str, n: int, *, as_text: bool) -> Sequence[Any]:
    """One column's values for the driver; ``row`` left out means the rows' positions in this write."""
    if name == "row" and name not in rows:
        return range(n)
    return datetime_values(rows[name], n, as_text=as_text) if name in _DATETIME_COLUMNS else plain_values(rows[name], n)


def _filtered(query: Any, source: str | Sequence[str] | None, model_version: str | None,
              since: datetime | None, until: datetime | None) -> Any:
    if source is not None:
        sources = [source] if isinstance(source, str) else list(source)
        query = query.where(predictions.c.source.in_(sources))
    if model_version is not None:
        query = query.where(predictions.c.model_version == model_version)
    if since is not None:
        query = query.where(predictions.c.scored_at >= since)
    if until is not None:
        query = query.where(predictions.c.scored_at < until)
    return query


def _utcnow() -> datetime:
    return pd.Timestamp.now(tz="UTC").tz_localize(None).to_pydatetime()


def _short(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0][:300] if text else type(exc).__name__
