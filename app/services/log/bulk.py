"""The log's bulk writes: PostgreSQL's ``COPY … FROM STDIN`` through psycopg 3 (binary-safe rows); on SQLite
multi-row ``INSERT … VALUES``.

Why not ``executemany`` on SQLite: the ``sqlite3`` module releases the GIL around every row's step and must win it
back after, so while another thread runs Python (a request, a batch job scoring its next chunk) each row waits up
to the interpreter's switch interval (5 ms): 10,000 rows took 38–60 s instead of 0.13 s beside one busy thread. A
statement of up to ``SQLITE_ROWS`` rows is stepped once; sizes are powers of two below it, then the last few rows
in one statement, so a few dozen statements serve any count from the module's statement cache (128).
:func:`insert_dicts` does the same for any table's rows given as dicts (profile fragments, shadow scores), their
values bound as SQLAlchemy binds them.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain, islice
from typing import Any

import sqlalchemy as sa

SQLITE_ROWS = 1024  # rows per statement, at most (fewer when the SQLite library allows fewer parameters)
EXACT_BELOW = 64  # fewer rows than this go in one statement of their own size


def copies(conn: sa.Connection) -> bool:
    """Whether ``conn`` writes with ``COPY`` (PostgreSQL through psycopg 3)."""
    return conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"


def copy_rows(conn: sa.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """``rows`` (values in ``columns``' order) into ``table`` inside the caller's transaction."""
    quote = conn.dialect.identifier_preparer.quote
    cursor = conn.connection.dbapi_connection.cursor()
    with cursor, cursor.copy(f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert_rows_sqlite(conn: sa.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
                       n: int, *, skip_duplicates: bool = False) -> None:
    """The ``n`` ``rows`` (values in ``columns``' order) into SQLite's ``table``, in order, a few statements of up to
    ``SQLITE_ROWS`` rows each, inside the caller's transaction; ``skip_duplicates``: rows breaking a unique index
    are left out (``ON CONFLICT DO NOTHING``)."""
    quote = conn.dialect.identifier_preparer.quote
    head = f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES "
    one = f"({', '.join('?' * len(columns))})"
    tail = " ON CONFLICT DO NOTHING" if skip_duplicates else ""
    parameters = conn.connection.driver_connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # 32,766 by default
    rows = iter(rows)
    for size in _statement_sizes(n, 1 << ((parameters // len(columns)).bit_length() - 1)):
        conn.exec_driver_sql(head + ", ".join([one] * size) + tail, tuple(chain.from_iterable(islice(rows, size))))


def insert_dicts(conn: sa.Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]], *,
                 skip_duplicates: bool = False) -> None:
    """``rows`` (dicts with the same keys) into ``table`` inside the caller's transaction: on SQLite by
    :func:`insert_rows_sqlite` (values processed by their columns' SQLAlchemy types), elsewhere by the dialect's
    ``executemany`` (PostgreSQL); ``skip_duplicates`` leaves out rows breaking a unique index."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        statement = table.insert()
        if skip_duplicates:
            from sqlalchemy.dialects.postgresql import insert

            statement = insert(table).on_conflict_do_nothing()
        conn.execute(statement, list(rows))
        return
    columns = list(rows[0])
    processors = [table.c[name].type.dialect_impl(conn.dialect).bind_processor(conn.dialect) for name in columns]
    values = ([value if process is None else process(value) for process, value in
               zip(processors, (row[name] for name in columns), strict=True)] for row in rows)
    insert_rows_sqlite(conn, table.name, columns, values, len(rows), skip_duplicates=skip_duplicates)


def _statement_sizes(n: int, most: int = SQLITE_ROWS) -> list[int]:
    """``n`` as statements of ``SQLITE_ROWS`` rows (or ``most``, a power of two, when fewer), then the rest's
    binary digits down to ``EXACT_BELOW``, then the last few rows in one statement (1000 → 512, 256, 128, 64, 40):
    at most 68 distinct statements, all cached, and a micro-batch of a few requests is one statement."""
    largest = min(SQLITE_ROWS, most)
    exact = min(EXACT_BELOW, largest)
    full, rest = divmod(n, largest)
    binary = [1 << bit for bit in range(rest.bit_length() - 1, -1, -1) if rest >> bit & 1 and 1 << bit >= exact]
    return [largest] * full + binary + ([rest % exact] if rest % exact else [])
