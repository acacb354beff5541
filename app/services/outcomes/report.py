"""The row-by-row answer of one outcomes call.

Statuses: ``recorded`` (outcome stored where there was none), ``overwritten`` (a different stored outcome
replaced, only when the call said ``overwrite``), ``unchanged`` (the same outcome was already stored), and the
refused ones, which change nothing: ``invalid`` (with ``problems``), ``unknown`` (no logged prediction has that
request id and row), ``conflict`` (a different outcome is stored; ``previous`` gives it), ``duplicate`` (a later
copy of a key in the same call, same value: applied once) and ``duplicate_conflict`` (copies disagree).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

APPLIED = ("recorded", "overwritten")
ACCEPTED = (*APPLIED, "unchanged", "duplicate")
STATUSES = (*ACCEPTED, "invalid", "unknown", "conflict", "duplicate_conflict")


@dataclass(frozen=True)
class OutcomeReport:
    """Per item of the call (in call order): its status and details; ``status_code`` the HTTP status to send."""

    results: list[dict[str, Any]]
    overwrite: bool

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for result in self.results:
            counts[result["status"]] += 1
        return counts

    @property
    def summary(self) -> dict[str, Any]:
        counts = self.counts
        return {"received": len(self.results), **counts, "refused": sum(counts[s] for s in STATUSES
                                                                          if s not in ACCEPTED),
                "overwrite": self.overwrite}

    @property
    def status_code(self) -> int:
        """200 when some item was accepted (or none was sent), 422 when every item was refused."""
        counts = self.counts
        return 200 if not self.results or any(counts[s] for s in ACCEPTED) else 422

    def to_json(self) -> bytes:
        return orjson.dumps({"summary": self.summary, "results": self.results})
