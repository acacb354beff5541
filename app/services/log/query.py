"""What the Logs tab asks of the prediction log: a :class:`LogQuery`, its one parser, and its SQL conditions.

A query is a :class:`~app.services.selection.Selection` (sources, model version, inclusive days on ``day``)
plus risk bands, predicted class and a ``request_id`` prefix. Empty tuples mean "all"; a query never holds a
value it could not use — :func:`parse_query` raises :class:`SelectionError` naming the field instead.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from app.services.log.tables import predictions
from app.services.selection import ALL_VERSIONS, Selection, SelectionError, parse_date

REQUEST_ID_MAX = 64  # the width of ``predictions.request_id``
PREDICTED = (0, 1)
MAX_LISTED_DAYS = 1_000  # longer SQLite day ranges stay a range condition


@dataclass(frozen=True)
class LogQuery:
    """A selection plus the Logs tab's own filters (bands in label order, predicted in ``PREDICTED`` order)."""

    selection: Selection = field(default_factory=Selection)
    risk_bands: tuple[str, ...] = ()
    predicted: tuple[int, ...] = ()
    request_id: str = ""

    def params(self) -> list[tuple[str, str]]:
        """The query as URL parameters that :func:`parse_query` reads back (``urlencode`` them)."""
        s = self.selection
        pairs = [("sources", v) for v in ([] if s.all_sources else s.sources)]
        pairs += [("version", s.model_version)] if s.model_version else []
        pairs += [(k, v.isoformat()) for k, v in (("start", s.start), ("end", s.end)) if v]
        pairs += [("bands", v) for v in self.risk_bands] + [("predicted", str(v)) for v in self.predicted]
        return pairs + ([("request_id", self.request_id)] if self.request_id else [])


def parse_query(*, sources: Iterable[str] | str | None = None, version: str | None = None, start: Any = None,
                end: Any = None, bands: Iterable[str] | str | None = None, predicted: Iterable[Any] | Any = None,
                request_id: str | None = None, band_labels: Sequence[str] = ()) -> LogQuery:
    """A query from control values or URL parameters (``None`` or empty for untouched controls).

    ``version``: ``None`` = the served model, ``ALL_VERSIONS`` = every version. Unknown sources or bands
    (when ``band_labels`` is given), a predicted class other than 0/1, a bad date or an over-long request id
    raise :class:`SelectionError` with the field name (``sources``, ``bands``, ``predicted``, ``start``, …).
    """
    selection = Selection.parse(sources, (version or "").strip() or None, start, end)
    return LogQuery(selection, _bands(_listed(bands), band_labels), _predicted(_listed(predicted)),
                    _request_id(request_id))


def parse_params(pairs: Iterable[tuple[str, str]], band_labels: Sequence[str] = ()) -> LogQuery:
    """A query from URL parameters (repeated keys for lists), as :meth:`LogQuery.params` writes them."""
    given: dict[str, list[str]] = {}
    for key, value in pairs:
        given.setdefault(key, []).append(value)
    unknown = sorted(set(given) - {"sources", "version", "start", "end", "bands", "predicted", "request_id"})
    if unknown:
        raise SelectionError(unknown[0], "unknown parameter")
    one = {key: values[-1] for key, values in given.items()}
    return parse_query(sources=given.get("sources"), version=one.get("version"), start=one.get("start"),
                       end=one.get("end"), bands=given.get("bands"), predicted=given.get("predicted"),
                       request_id=one.get("request_id"), band_labels=band_labels)


def conditions(query: LogQuery, serving_version: str | None, *, bytewise: bool,
               days: Sequence[date] | None = None, unindexed_lists: bool = False) -> list[Any]:
    """SQL conditions on ``predictions`` (AND them). ``bytewise``: the database orders text by code point, so
    the request id prefix is an index range. ``days``: the days of the date range, listed (``day IN (…)``)
    instead of the range condition. ``unindexed_lists`` (SQLite only): several sources or bands are tested on
    ``+column``, which keeps SQLite from merging index ranges (a cost of values × rows read) so that a large
    read walks the primary key in order instead."""
    c, s = predictions.c, query.selection
    listed = _unindexed if unindexed_lists else (lambda column: column)
    where = []
    if not s.all_sources:
        where.append(one_of(listed(c.source) if len(s.sources) > 1 else c.source, s.sources))
    if s.model_version != ALL_VERSIONS:
        if not (s.model_version or serving_version):
            raise SelectionError("version", "no model version is being served: choose one, or '*' for all")
        where.append(c.model_version == s.version(serving_version or ""))
    if days is not None:
        where.append(one_of(c.day, days) if days else c.id < 0)
    else:
        where += ([c.day >= s.start] if s.start else []) + ([c.day <= s.end] if s.end else [])
    if query.risk_bands:
        where.append(one_of(listed(c.risk_band) if len(query.risk_bands) > 1 else c.risk_band, query.risk_bands))
    if query.predicted:
        where.append(one_of(c.Pago_atiempo_pred, query.predicted))
    if query.request_id:
        where += prefix_conditions(c.request_id, query.request_id, bytewise=bytewise)
    return where


def prefix_conditions(column: Any, prefix: str, *, bytewise: bool) -> list[Any]:
    """``column`` starts with ``prefix`` (case-sensitive): ``column >= prefix AND column < successor`` where
    text is compared by code point (SQLite's BINARY, a C collation), which an index on ``column`` serves;
    an escaped ``LIKE 'prefix%'`` otherwise (exact in any collation; indexable with a pattern-ops index)."""
    if bytewise:
        upper = _successor(prefix)
        return [column >= prefix] + ([column < upper] if upper is not None else [])
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return [column.like(f"{escaped}%", escape="\\")]


def one_of(column: Any, values: Sequence[Any]) -> Any:
    """``column = value`` for one value (so an index on ``(column, id)`` keeps id order), else ``IN``."""
    return column == values[0] if len(values) == 1 else column.in_(values)


def listed_days(conn: sa.Connection, query: LogQuery) -> list[date] | None:
    """The days of the query's date range (an open end closed by the log's first / last day, one index lookup
    each), or None when there is no range or it spans ``MAX_LISTED_DAYS`` days or more."""
    s = query.selection
    if not (s.start or s.end):
        return None
    start, end = s.start, s.end
    if start is None or end is None:
        bound = sa.func.min(predictions.c.day) if start is None else sa.func.max(predictions.c.day)
        found = parse_date(conn.execute(sa.select(bound)).scalar(), "day")
        if found is None:
            return []
        start, end = start or found, end or found
    if (end - start).days >= MAX_LISTED_DAYS:
        return None
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def day_id_range(conn: sa.Connection, days: list[date] | None) -> tuple[int, int] | None:
    """The lowest and highest id logged on ``days`` (a query's :func:`listed_days`) — one statement, two
    ``(day, id)`` index seeks per day — or None without days (no date range, or too long a one). Reads bounded by
    them walk only the ids of those days: a log grows in time, so a date range is a narrow id range (rows scored
    late for old loans widen it; the bounds stay exact)."""
    if days is None:
        return None
    if not days:
        return (0, -1)
    statement = _DAY_ID_RANGE[conn.dialect.name == "postgresql"]
    low, high = conn.execute(sa.text(statement), {"first": days[0].isoformat(), "last": days[-1].isoformat()}).one()
    return (0, -1) if low is None else (int(low), int(high))


_DAY_ID_RANGE = {  # (day, id) seeks per day: min(id) / max(id) of one day is the first / last entry of its range
    False: """WITH RECURSIVE d(day) AS (SELECT :first UNION ALL SELECT date(day, '+1 day') FROM d WHERE day < :last)
SELECT min((SELECT min(id) FROM predictions WHERE predictions.day = d.day)),
       max((SELECT max(id) FROM predictions WHERE predictions.day = d.day)) FROM d""",
    True: """SELECT min(x.low), max(x.high)
FROM generate_series(CAST(:first AS date), CAST(:last AS date), interval '1 day') AS d(day)
CROSS JOIN LATERAL (SELECT min(id) AS low, max(id) AS high FROM predictions WHERE predictions.day = d.day::date) x""",
}


def orders_by_code_point(conn: sa.Connection) -> bool:
    """Whether text compares by code point: SQLite's BINARY, or a PostgreSQL database collated C / POSIX."""
    if conn.dialect.name == "sqlite":
        return True
    if conn.dialect.name != "postgresql":
        return False
    collation = conn.execute(sa.text("SELECT datcollate FROM pg_database WHERE datname = current_database()")).scalar()
    return str(collation).split(".")[0].upper() in ("C", "POSIX")


def _unindexed(column: Any) -> Any:
    """``+column``: the same values, but SQLite will not look them up in an index."""
    return UnaryExpression(column, operator=custom_op("+"), type_=column.type)


def _listed(values: Iterable[Any] | Any) -> list[Any]:
    if values is None or values == "":
        return []
    return [values] if isinstance(values, (str, int)) else list(values)


def _bands(given: list[Any], labels: Sequence[str]) -> tuple[str, ...]:
    unknown = sorted({str(b) for b in given} - set(labels)) if labels else []
    if unknown:
        raise SelectionError("bands", f"expected some of {list(labels)}, found {unknown}")
    ordered = tuple(b for b in labels if b in given) if labels else tuple(dict.fromkeys(str(b) for b in given))
    return () if labels and len(ordered) == len(labels) else ordered


def _predicted(given: list[Any]) -> tuple[int, ...]:
    try:
        values = {int(str(v).strip()) for v in given}
    except ValueError:
        values = {-1}
    if not values <= set(PREDICTED):
        raise SelectionError("predicted", f"expected 0 and/or 1, found {given}")
    return () if len(values) == len(PREDICTED) else tuple(v for v in PREDICTED if v in values)


def _request_id(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > REQUEST_ID_MAX:
        raise SelectionError("request_id", f"expected at most {REQUEST_ID_MAX} characters, found {len(text)}")
    return text


def _successor(prefix: str) -> str | None:
    """The smallest text greater than every text starting with ``prefix`` (code point order); None if none is."""
    if not prefix:
        return None
    last = ord(prefix[-1])
    if last == 0x10FFFF:
        return _successor(prefix[:-1])
    step = 0xE000 if 0xD7FF <= last < 0xE000 else last + 1  # skip the surrogates, which UTF-8 cannot hold
    return prefix[:-1] + chr(step)
