"""Fixtures shared by the unit tests."""
from __future__ import annotations

import pytest

from app.services.log_snapshot import LogSnapshots


@pytest.fixture
def reads(monkeypatch) -> list[int | None]:
    """The ``after_id`` of every SQL read of log rows made through ``LogSnapshots`` (None = the whole log)."""
    calls: list[int | None] = []
    original = LogSnapshots._read

    def recording(self, after_id=None):
        calls.append(after_id)
        return original(self, after_id)
    monkeypatch.setattr(LogSnapshots, "_read", recording)
    return calls
