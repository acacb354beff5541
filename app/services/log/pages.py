"""What the Logs reads return: a page of flattened rows with its cursors, totals over every match, filter options."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from app.services.log.export import records


@dataclass(frozen=True)
class LogPage:
    """Flattened rows, newest first; ``first_id`` / ``last_id`` are the newest / oldest row's id (the cursors)."""

    rows: pa.Table

    @property
    def ids(self) -> list[int]:
        return self.rows.column("id").to_pylist()

    @property
    def first_id(self) -> int | None:
        return self.rows.column("id")[0].as_py() if self.rows.num_rows else None

    @property
    def last_id(self) -> int | None:
        return self.rows.column("id")[-1].as_py() if self.rows.num_rows else None

    def records(self) -> list[dict[str, Any]]:
        """JSON-safe dicts for a grid."""
        return records(self.rows)


@dataclass(frozen=True)
class LogTotals:
    """Aggregates over every matching row."""

    count: int
    mean_prob_default: float | None
    high_risk: int  # rows in the highest band (Alto)
    with_actual: int


@dataclass(frozen=True)
class LogOptions:
    """What the filter controls offer, from ``profile_fragments`` (empty until profiles are written)."""

    sources: list[str]
    model_versions: list[str]
    first_day: date | None
    last_day: date | None
