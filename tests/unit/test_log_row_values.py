"""Row values for the drivers: each distinct time formatted once gives what formatting every row gives."""
from __future__ import annotations

import datetime

import numpy as np
import pytest

from app.services.log.values import datetime_values, day_keys, day_values


def _every_row(values, n: int, as_text: bool) -> list:
    stamps = np.broadcast_to(np.asarray(values, dtype="datetime64[us]"), (n,))
    if not as_text:
        return stamps.astype(object).tolist()
    text = np.char.replace(np.datetime_as_string(stamps, unit="us"), "T", " ").astype(object)
    text[np.isnat(stamps)] = None
    return text.tolist()


@pytest.mark.parametrize("as_text", [True, False])
def test_times_and_days_equal_formatting_every_row(as_text):
    rng = np.random.default_rng(1)
    stamps = (np.datetime64("2024-01-01T00:00:00") + rng.integers(0, 10**12, 3000).astype("timedelta64[us]"))
    stamps = np.concatenate([stamps, stamps[:500]]).astype("datetime64[ns]")  # repeated times too
    stamps[::7] = np.datetime64("NaT")
    scored = datetime.datetime(2026, 1, 2, 3, 4, 5, 678901)
    assert datetime_values(stamps, len(stamps), as_text=as_text) == _every_row(stamps, len(stamps), as_text)
    few = stamps[5:12]  # a few rows are formatted one by one, with the same text
    assert datetime_values(few, len(few), as_text=as_text) == _every_row(few, len(few), as_text)
    assert day_values(few, scored, len(few), as_text=as_text) == (
        np.datetime_as_string(day_keys(few, scored, len(few))).tolist() if as_text
        else day_keys(few, scored, len(few)).astype(object).tolist())
    assert datetime_values(scored, 5, as_text=as_text) == _every_row(np.datetime64(scored), 5, as_text)
    all_missing = np.full(3, np.datetime64("NaT"), dtype="datetime64[ns]")
    assert datetime_values(all_missing, 3, as_text=as_text) == [None] * 3
    days = day_keys(stamps, scored, len(stamps))
    assert day_values(stamps, scored, len(stamps), as_text=as_text) == (
        np.datetime_as_string(days).tolist() if as_text else days.astype(object).tolist())
