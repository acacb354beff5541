"""One batch job as the ``jobs`` table holds it, with its rate and time left; the states a job goes through."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

STATES = ("queued", "running", "done", "failed", "cancelled")
ACTIVE_STATES = ("queued", "running")


def utcnow() -> datetime:
    """Naive UTC now, as every time in the log database."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Job:
    """One row of ``jobs``; ``row_errors`` and ``summary`` decoded from their JSON text."""

    id: str
    filename: str
    state: str
    engine: str
    created_at: datetime
    upload_path: str = ""
    upload_bytes: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    heartbeat_at: datetime | None = None
    worker: str | None = None
    cancel_requested: bool = False
    rows_total: int | None = None
    rows_done: int = 0
    rows_scored: int = 0
    rows_rejected: int = 0
    model_version: str | None = None
    result_file: str | None = None
    error: str | None = None
    row_errors: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def elapsed_seconds(self) -> float | None:
        """Seconds since the job started (until it finished)."""
        if self.started_at is None:
            return None
        return max(((self.finished_at or utcnow()) - self.started_at).total_seconds(), 0.0)

    @property
    def rows_per_second(self) -> float | None:
        elapsed = self.elapsed_seconds
        return self.rows_done / elapsed if elapsed and self.rows_done else None

    @property
    def seconds_left(self) -> float | None:
        """Estimated time to finish at the current rate (None before the first chunk or once finished)."""
        rate = self.rows_per_second
        if self.state != "running" or not rate or self.rows_total is None:
            return None
        return max(self.rows_total - self.rows_done, 0) / rate

    def to_dict(self) -> dict[str, Any]:
        """The public view (API and dashboard): no server paths."""
        def stamp(value: datetime | None) -> str | None:
            return None if value is None else value.isoformat(timespec="seconds") + "Z"

        rate, left = self.rows_per_second, self.seconds_left
        return {"id": self.id, "state": self.state, "filename": self.filename, "engine": self.engine,
                "created_at": stamp(self.created_at), "started_at": stamp(self.started_at),
                "finished_at": stamp(self.finished_at), "heartbeat_at": stamp(self.heartbeat_at),
                "progress": {"rows_done": self.rows_done, "rows_total": self.rows_total,
                             "rows_per_second": None if rate is None else round(rate, 1),
                             "seconds_left": None if left is None else round(left, 1)},
                "counts": {"scored": self.rows_scored, "rejected": self.rows_rejected},
                "cancel_requested": self.cancel_requested, "model_version": self.model_version,
                "result_file": self.result_file, "error": self.error, "first_errors": self.row_errors[:20],
                "summary": self.summary}
