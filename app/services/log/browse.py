"""The prediction log as a browsable table: keyset pages newest first, totals, filter options, streamed CSV.

Every page is a keyset query on the primary key — ``id < cursor ORDER BY id DESC LIMIT n`` (next page),
``id > cursor ORDER BY id ASC LIMIT n`` reversed (previous page), ``ORDER BY id ASC LIMIT n`` reversed (the last
page: the oldest rows) — so its cost is the page size whatever the log's size, with the ``(column, id)`` indexes
serving the equality filters in id order. For a page, a day range is sent to SQLite as the list of its days,
and several sources or bands as an ``IN`` list: SQLite reads each value's ``(column, id)`` index range in id order
and stops early. A large read (an export chunk) would then cost values × chunk rows, so it keeps the day range
and tests lists on ``+column``: SQLite walks the primary key in order and filters. Only a jump to a page without
a known neighbour skips rows by ``OFFSET`` (on ids only): the one cost that grows with the distance.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from functools import partial
from typing import Any

import sqlalchemy as sa

from app.services.log.day_pages import day_range_offset, day_range_page
from app.services.log.export import Chunk, flatten, selected, stream_csv
from app.services.log.export_copy import copy_csv
from app.services.log.export_read import arrow_reader
from app.services.log.pages import LogOptions, LogPage, LogTotals
from app.services.log.query import LogQuery, conditions, day_id_range, listed_days, orders_by_code_point
from app.services.log.store import PredictionLog
from app.services.log.tables import predictions, profile_fragments
from app.services.selection import parse_date

PAGE_SIZE = 100
EXPORT_CHUNK_ROWS = 20_000
PAGE_READ_MAX = 1_000  # reads of up to this many rows are pages (for SQLite's query shapes, see the module doc)


class LogService:
    """Row-level reads of the prediction log for the Logs tab and its CSV export."""

    def __init__(self, log: PredictionLog, band_labels: Sequence[str], serving_version: str | None = None, *,
                 input_fields: Sequence[str] | None = None,
                 totals: Callable[[LogQuery], LogTotals] | None = None) -> None:
        """``serving_version``: what a query without a model version means (without it such a query raises
        :class:`SelectionError`); ``input_fields``: the logged inputs shown as columns (None: whatever the rows
        hold); ``totals`` replaces the SQL aggregate of :meth:`totals` (e.g. a sum over profiles)."""
        self.log = log
        self.band_labels = tuple(band_labels)
        self.serving_version = serving_version
        self.input_fields = None if input_fields is None else tuple(input_fields)
        self._totals = totals or self.sql_totals
        self._bytewise: bool | None = None

    def page(self, query: LogQuery, *, before_id: int | None = None, after_id: int | None = None,
             last: bool = False, skip: int = 0, size: int = PAGE_SIZE) -> LogPage:
        """``size`` matching rows, newest first. By default the newest (below ``before_id`` when given);
        with ``after_id`` the ``size`` rows just newer than it (the previous page); with ``last`` the oldest.
        ``skip`` rows are passed over first, counted from the same end: the only O(distance) read."""
        rows = self._rows(query, before_id=before_id, after_id=after_id, last=last, skip=skip, size=size)
        return LogPage(flatten(rows, self.input_fields))

    def _rows(self, query: LogQuery, *, before_id: int | None = None, after_id: int | None = None,
              last: bool = False, skip: int = 0, size: int = PAGE_SIZE, top_id: int | None = None,
              fetch: Callable[[sa.Select], Chunk | None] | None = None) -> Chunk:
        """:meth:`page`'s rows as the driver returns them (``export.selected`` columns), newest first; none above
        ``top_id`` when given. ``fetch`` reads a newest-first read without a listed date range instead (an export
        chunk as an Arrow table) unless it answers None."""
        ascending = after_id is not None or last
        below = before_id if top_id is None else min(before_id or top_id + 1, top_id + 1)
        with self.log.engine.connect() as conn:
            page = size <= PAGE_READ_MAX
            where, low, high, days = self._bounded(conn, query, page=page, below=below, above=after_id)
            if skip > 0:  # the only O(distance) read: a date range counts windows, otherwise ids are skipped
                if days is not None:
                    anchor = day_range_offset(conn, where, days, low, high, ascending=ascending, skip=skip)
                else:
                    anchor = conn.execute(_ordered(sa.select(predictions.c.id), _with_ids(where, low, high),
                                                   ascending).offset(skip).limit(1)).scalar()
                if anchor is None:
                    return []
                low, high = (anchor, high) if ascending else (low, anchor)
            columns = sa.select(*selected(conn.dialect.name))
            if days is not None:  # a date range (a page or an export chunk): skip the ids of other days
                rows = day_range_page(conn, columns, where, days, low, high, ascending=ascending, size=size)
            else:
                statement = _ordered(columns, _with_ids(where, low, high), ascending).limit(size)
                table = fetch(statement) if fetch is not None and not ascending else None
                if table is not None:
                    return table
                rows = conn.execute(statement).cursor.fetchall()  # plain tuples: no type processing needed
        return rows[::-1] if ascending else rows

    def block(self, query: LogQuery, start: int, size: int, total: int, known: Mapping[int, Sequence[int]],
              top_id: int | None = None) -> LogPage:
        """Rows ``start`` … ``start + size - 1`` of the newest-first list of ``total`` rows (ids ≤ ``top_id``).

        ``known`` maps the start of blocks already read to their ``(first_id, last_id)``: the block right after
        one is a next page, the block right before one a previous page; the block reaching ``total`` is the last
        page. Any other block is reached by skipping from the nearest known block or end (``OFFSET``).
        """
        size = max(min(size, total - start), 0)
        if size == 0:
            return LogPage(flatten([], self.input_fields))
        if start + size >= total:
            return self.page(query, last=True, size=size)
        top = None if top_id is None else top_id + 1
        routes = [(start, {"before_id": top}), (total - start - size, {"last": True})]
        for begin, (first_id, last_id) in known.items():
            if begin < start:
                routes.append((start - begin - size, {"before_id": last_id}))
            elif begin > start:
                routes.append((begin - start - size, {"after_id": first_id}))
        skip, where = min((r for r in routes if r[0] >= 0), key=lambda r: r[0])
        return self.page(query, skip=skip, size=size, **where)

    def top_id(self) -> int | None:
        """The newest row's id (one index lookup): pages below it stay put while new rows arrive."""
        with self.log.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(predictions.c.id))).scalar()

    def totals(self, query: LogQuery) -> LogTotals:
        """Count, mean ``prob_default``, rows in the highest band and rows with an outcome, over every match."""
        return self._totals(query)

    def sql_totals(self, query: LogQuery) -> LogTotals:
        """:meth:`totals` as one SQL aggregate over the matching rows."""
        c = predictions.c
        high = self.band_labels[-1] if self.band_labels else "Alto"
        aggregate = sa.select(sa.func.count(), sa.func.avg(c.prob_default),
                              sa.func.sum(sa.case((c.risk_band == high, 1), else_=0)), sa.func.count(c.actual))
        with self.log.engine.connect() as conn:
            count, mean, high_risk, with_actual = conn.execute(aggregate.where(*self._where(conn, query))).one()
        return LogTotals(int(count), None if mean is None else float(mean), int(high_risk or 0), int(with_actual))

    def options(self) -> LogOptions:
        """Sources, model versions and first / last day present, from the small ``profile_fragments`` table."""
        f = profile_fragments.c
        grouped = sa.select(f.source, f.model_version, sa.func.min(f.day), sa.func.max(f.day)).where(f.rows > 0)
        with self.log.engine.connect() as conn:
            rows = conn.execute(grouped.group_by(f.source, f.model_version)).all()
        firsts, lasts = [parse_date(r[2], "day") for r in rows], [parse_date(r[3], "day") for r in rows]
        return LogOptions(sorted({r[0] for r in rows}), sorted({r[1] for r in rows}),
                          min(firsts, default=None), max(lasts, default=None))

    def export(self, query: LogQuery, *, chunk_rows: int = EXPORT_CHUNK_ROWS) -> Iterator[bytes]:
        """The CSV of every matching row, newest first: the BOM and the header, then one piece per keyset chunk
        of ``chunk_rows`` rows (memory stays that of one chunk); on PostgreSQL one ``COPY`` streams it all.
        Rows logged after the start are left out; a date range reads only the ids logged on its days.
        A query that cannot be used raises :class:`SelectionError` here, before anything is streamed."""
        conditions(query, self.serving_version, bytewise=True)
        top_id = self.top_id()
        if self.log.backend == "postgresql" and self.input_fields is not None:
            with self.log.engine.connect() as conn:
                where, low, high, days = self._bounded(conn, query, page=False, below=None, above=None)
                first_id = conn.execute(sa.select(sa.func.min(predictions.c.id))).scalar() or 0
            last_id = top_id or 0
            return copy_csv(self.log.engine, where, self.input_fields, max(low or 0, first_id),
                            last_id if high is None else min(high, last_id), days)
        return self._sqlite_export(query, chunk_rows, top_id)

    def _sqlite_export(self, query: LogQuery, chunk_rows: int, top_id: int | None) -> Iterator[bytes]:
        """The SQLite CSV: chunks read into Arrow by a child process once it is up (a file log), else here."""
        reader = arrow_reader(self.log.engine, chunk_rows)
        try:
            yield from stream_csv(partial(self._rows, query, size=chunk_rows, top_id=top_id, fetch=reader), None,
                                  chunk_rows, self.input_fields)
        finally:
            if reader is not None:
                reader.close()

    def _where(self, conn: sa.Connection, query: LogQuery, *, page: bool = False, below: int | None = None,
               above: int | None = None) -> list[Any]:
        """The query's conditions, shaped for SQLite's planner by the size of the read (see the module doc), with
        ids below ``below`` and above ``above`` (exclusive) and within a date range's id bounds — merged into one
        lower and one upper bound: SQLite seeks on one bound of each side and only filters on the others."""
        where, low, high, _ = self._bounded(conn, query, page=page, below=below, above=above)
        return _with_ids(where, low, high)

    def _bounded(self, conn: sa.Connection, query: LogQuery, *, page: bool, below: int | None, above: int | None
                 ) -> tuple[list[Any], int | None, int | None, list[date] | None]:
        """:meth:`_where`'s conditions without the id bounds, the inclusive lowest and highest id (None: open), and
        the date range's listed days (None without a listed range; then the bounds come from the cursors only)."""
        if self._bytewise is None:
            self._bytewise = orders_by_code_point(conn)
        sqlite = conn.dialect.name == "sqlite"
        days = listed_days(conn, query)
        where = conditions(query, self.serving_version, bytewise=self._bytewise,
                           days=days if page and sqlite else None, unindexed_lists=sqlite and not page)
        lows = [] if above is None else [above + 1]
        highs = [] if below is None else [below - 1]
        bounds = day_id_range(conn, days)
        if bounds is not None:
            lows.append(bounds[0])
            highs.append(bounds[1])
        return where, max(lows, default=None), min(highs, default=None), days

def _with_ids(where: list[Any], low: int | None, high: int | None) -> list[Any]:
    """``where`` with ``low <= id <= high`` (either side open when None)."""
    return (where + ([predictions.c.id >= low] if low is not None else [])
            + ([predictions.c.id <= high] if high is not None else []))


def _ordered(select: Any, where: list[Any], ascending: bool) -> Any:
    return select.where(*where).order_by(predictions.c.id.asc() if ascending else predictions.c.id.desc())
