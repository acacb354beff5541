"""Pages of a date range whose ids are stretched by late rows: read id windows, jump over other days' ids.

A log grows in time, so most of a date range's rows lie in one narrow id range; rows scored much later for loans
of that range (a historical batch, a late upload) sit far above it. A keyset page walks ids down from its cursor
and filters, so after such late rows it would read every row logged in between. Here a page reads one window of
ids at a time; when a window comes back short, the next window starts at the nearest id logged on one of the
range's days — one statement of ``(day, id)`` index seeks, one seek per day — so the ids in between are skipped,
not read. Windows double while they come back short, so rows of the range scattered thinly among other days'
rows cost a few windows (at most the rows walked by a plain keyset read, twice), never one per late row.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from app.services.log.tables import predictions

WINDOW_IDS = 20_000  # the first window at least (else twice the rows asked): fills a 100-row page at 0.5 %
_ID = predictions.c.id


def day_range_page(conn: sa.Connection, select: sa.Select, where: Sequence[Any], days: Sequence[date],
                   low: int, high: int, *, ascending: bool, size: int) -> list[tuple[Any, ...]]:
    """Up to ``size`` rows of ``select`` matching ``where`` with ``low <= id <= high`` in id order (descending
    unless ``ascending``), read window by window; ``days`` are the date range's days (a ``listed_days`` list).
    Pages and export chunks alike: a chunk of thousands of rows starts with a window twice its size."""
    rows: list[tuple[Any, ...]] = []
    window, edge = max(WINDOW_IDS, 2 * size), (low if ascending else high)
    while len(rows) < size and low <= edge <= high:
        first, last = _window(edge, window, low, high, ascending)
        read = select.where(*where, _ID.between(first, last)).order_by(_order(ascending)).limit(size - len(rows))
        rows += conn.execute(read).cursor.fetchall()
        if len(rows) < size:
            edge = nearest_logged_id(conn, days, beyond=last if ascending else first, ascending=ascending)
            window *= 2
    return rows


def day_range_offset(conn: sa.Connection, where: Sequence[Any], days: Sequence[date], low: int, high: int, *,
                     ascending: bool, skip: int) -> int | None:
    """The id of the row ``skip`` matching rows past the first (counted from ``high`` down unless ``ascending``),
    or None when fewer rows match: windows are counted, not walked row by row, and other days' ids jumped."""
    window, edge = WINDOW_IDS, (low if ascending else high)
    while low <= edge <= high:
        first, last = _window(edge, window, low, high, ascending)
        in_window = [*where, _ID.between(first, last)]
        count = conn.execute(sa.select(sa.func.count()).select_from(predictions).where(*in_window)).scalar_one()
        if count > skip:
            return conn.execute(sa.select(_ID).where(*in_window).order_by(_order(ascending)).offset(skip).limit(1)
                                ).scalar_one()
        skip -= count
        edge = nearest_logged_id(conn, days, beyond=last if ascending else first, ascending=ascending)
        window *= 2
    return None


def nearest_logged_id(conn: sa.Connection, days: Sequence[date], *, beyond: int, ascending: bool) -> int:
    """The lowest id above ``beyond`` (``ascending``) or the highest below it logged on one of ``days``; -1 when
    there is none (below every id, so a walk stops)."""
    if not days:
        return -1
    statement = _NEAREST[(conn.dialect.name == "postgresql", ascending)]
    found = conn.execute(sa.text(statement), {"first": days[0].isoformat(), "last": days[-1].isoformat(),
                                              "beyond": beyond}).scalar()
    return -1 if found is None else int(found)


def _window(edge: int, window: int, low: int, high: int, ascending: bool) -> tuple[int, int]:
    """The first and last id of the window of ``window`` ids that starts at ``edge``, within ``low``…``high``."""
    return (edge, min(edge + window - 1, high)) if ascending else (max(edge - window + 1, low), edge)


def _order(ascending: bool) -> Any:
    return _ID.asc() if ascending else _ID.desc()


_SQLITE_DAYS = "WITH RECURSIVE d(day) AS (SELECT :first UNION ALL SELECT date(day, '+1 day') FROM d WHERE day < :last)"
_POSTGRES_DAYS = "generate_series(CAST(:first AS date), CAST(:last AS date), interval '1 day') AS d(day)"
_NEAREST = {  # (postgresql, ascending): one (day, id) seek per day
    (False, True): f"""{_SQLITE_DAYS}
SELECT min((SELECT min(id) FROM predictions WHERE predictions.day = d.day AND id > :beyond)) FROM d""",
    (False, False): f"""{_SQLITE_DAYS}
SELECT max((SELECT max(id) FROM predictions WHERE predictions.day = d.day AND id < :beyond)) FROM d""",
    (True, True): f"""SELECT min(x.id) FROM {_POSTGRES_DAYS} CROSS JOIN LATERAL
(SELECT min(id) AS id FROM predictions WHERE predictions.day = d.day::date AND id > :beyond) x""",
    (True, False): f"""SELECT max(x.id) FROM {_POSTGRES_DAYS} CROSS JOIN LATERAL
(SELECT max(id) AS id FROM predictions WHERE predictions.day = d.day::date AND id < :beyond) x""",
}
