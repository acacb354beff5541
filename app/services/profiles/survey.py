"""What ``rebuild-profiles`` learns of the log before its pass, by index seeks rather than scans of every row: the
model versions (a loose scan of the ``(model_version, id)`` index, one seek per version), each version's id span,
and the requests that logged more than one row.

A request's rows have distinct ``row`` numbers (``(request_id, row)`` is unique), so a request with several rows
has one whose ``row`` is not 0: only those requests are counted, instead of grouping every row by request.
"""
from __future__ import annotations

import sqlalchemy as sa

from app.services.log.tables import predictions

_P = predictions.c
_VERSIONS = sa.text("""
WITH RECURSIVE versions(version) AS (
    SELECT min(model_version) FROM predictions
    UNION ALL
    SELECT (SELECT min(model_version) FROM predictions WHERE model_version > versions.version)
    FROM versions WHERE versions.version IS NOT NULL)
SELECT version FROM versions WHERE version IS NOT NULL
""")


def model_versions(conn: sa.Connection) -> list[str]:
    """Every model version with logged rows, in order."""
    return [str(version) for version in conn.execute(_VERSIONS).scalars()]


def version_rows(conn: sa.Connection, version: str) -> int:
    """Rows logged by ``version``."""
    return int(conn.execute(sa.select(sa.func.count()).where(_P.model_version == version)).scalar_one())


def id_span(conn: sa.Connection, version: str, top: int) -> tuple[int, int] | None:
    """Lowest and highest id of ``version``'s rows up to ``top`` (None when it has none)."""
    of_version = sa.select(_P.id).where(_P.model_version == version, _P.id <= top)
    low = of_version.with_only_columns(sa.func.min(_P.id)).scalar_subquery()
    high = of_version.with_only_columns(sa.func.max(_P.id)).scalar_subquery()
    span = conn.execute(sa.select(low, high)).one()
    return None if span[0] is None else (int(span[0]), int(span[1]))


def request_rows(conn: sa.Connection, *, after: int | None = None) -> dict[str, int]:
    """Rows per request for the requests that logged more than one row (batches, hold-out seeding); only those
    with a row of id above ``after`` when given."""
    candidates = (sa.select(_P.request_id).where(_P.row != 0) if after is None
                  else sa.select(_P.request_id).where(_P.id > after))
    query = (sa.select(_P.request_id, sa.func.count()).where(_P.request_id.in_(candidates))
             .group_by(_P.request_id).having(sa.func.count() > 1))
    return {str(request): int(n) for request, n in conn.execute(query)}
