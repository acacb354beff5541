"""What the log holds, for the Gráficas filter controls: one grouped query on ``profile_fragments``."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.services.log.tables import profile_fragments
from app.services.selection import SOURCES, parse_date

_F = profile_fragments.c


@dataclass(frozen=True)
class FilterOptions:
    """Rows per source of ``model_version`` (the served one), rows per model version with profiles (the served
    one always listed), and the first and last day with rows over every version."""

    model_version: str
    sources: dict[str, int]
    versions: dict[str, int]
    first_date: date | None
    last_date: date | None


def filter_options(engine: Engine, served: str) -> FilterOptions:
    """Read the options: one grouped scan of the fragments (days × sources × versions rows, never the log's rows)."""
    query = (sa.select(_F.model_version, _F.source, sa.func.sum(_F.rows), sa.func.min(_F.day), sa.func.max(_F.day))
             .group_by(_F.model_version, _F.source))
    with engine.connect() as conn:
        found = conn.execute(query).all()
    versions: dict[str, int] = defaultdict(int)
    sources: dict[str, int] = {}
    days: list[date] = []
    for version, source, rows, first, last in found:
        versions[version] += int(rows or 0)
        if version == served:
            sources[source] = int(rows or 0)
        days += [d for d in (parse_date(first, "day"), parse_date(last, "day")) if d is not None]
    versions.setdefault(served, 0)
    return FilterOptions(served, {s: sources[s] for s in SOURCES if s in sources}, dict(versions),
                         min(days, default=None), max(days, default=None))
