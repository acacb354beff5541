"""The shared incremental reader of the prediction log, on a real SQLite log."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from app.services.log_snapshot import SNAPSHOT_COLUMNS, LogSnapshots, Stamp
from app.services.log.tables import predictions
from app.services.log.store import PredictionLog


@pytest.fixture
def log(tmp_path):
    store = PredictionLog.from_url(f"sqlite:///{tmp_path / 'log.sqlite'}")
    yield store
    store.dispose()


def append(log: PredictionLog, n: int, *, version: str = "v1", request_id: str = "r1") -> None:
    prob = np.linspace(0.1, 0.9, n)
    log.append({"request_id": request_id, "scored_at": datetime(2026, 1, 2, 3, 4, 5),
                "loan_date": [datetime(2025, 5, i + 1) if i % 2 else None for i in range(n)], "source": "api",
                "model_version": version, "inputs": [f'{{"edad_cliente": {30 + i}}}' for i in range(n)],
                "prob_default": prob, "Pago_atiempo_pred": (prob < 0.5).astype(int), "risk_band": ["Bajo"] * n,
                "warnings": ["[]"] * n, "latency_ms": 1.0, "actual": [1 if i % 3 else None for i in range(n)]})


def test_empty_log_gives_an_empty_typed_frame(log):
    snapshot = LogSnapshots(log).latest()
    assert snapshot.stamp == Stamp(0, 0, 0) and snapshot.frame.empty
    assert list(snapshot.frame.columns) == [*SNAPSHOT_COLUMNS, "when"] and "warnings" not in snapshot.frame
    assert snapshot.frame["when"].dtype == "datetime64[ns]" and snapshot.frame["actual"].dtype == "Int64"


def test_rows_match_the_log_and_when_falls_back_to_the_scoring_time(log):
    append(log, 5)
    frame = LogSnapshots(log).latest().frame
    expected = log.read()
    pd.testing.assert_frame_equal(frame[list(SNAPSHOT_COLUMNS)], expected[list(SNAPSHOT_COLUMNS)])
    assert frame["when"].tolist() == expected["loan_date"].fillna(expected["scored_at"]).tolist()
    assert frame.loc[0, "when"] == pd.Timestamp(2026, 1, 2, 3, 4, 5)  # no loan date: the scoring time
    assert frame.loc[1, "when"] == pd.Timestamp(2025, 5, 2)


def test_growth_is_read_incrementally_and_rows_after_gives_the_new_rows(log, reads):
    snapshots = LogSnapshots(log)
    append(log, 3)
    first = snapshots.latest()
    assert snapshots.latest() is first  # unchanged log: no read
    append(log, 2, request_id="r2")
    grown = snapshots.latest()
    assert reads == [None, first.stamp.max_id]
    assert grown.stamp == Stamp(0, 5, grown.frame["id"].max())
    assert grown.rows_after(first.stamp)["request_id"].tolist() == ["r2", "r2"]
    pd.testing.assert_frame_equal(grown.frame, LogSnapshots(log).latest().frame)


def test_vanished_rows_trigger_a_full_read_in_a_new_generation(log, reads):
    snapshots = LogSnapshots(log)
    append(log, 3)
    first = snapshots.latest()
    with log.engine.begin() as conn:
        conn.execute(predictions.delete().where(predictions.c.id == int(first.frame["id"].iloc[0])))
    append(log, 1, request_id="r2")  # same row count as before, not an extension
    again = snapshots.latest()
    assert reads[-1] is None and again.stamp.generation == first.stamp.generation + 1
    assert again.rows_after(first.stamp) is None
    assert again.frame["request_id"].tolist() == ["r1", "r1", "r2"]


def test_model_version_views(log):
    snapshots = LogSnapshots(log)
    append(log, 4, version="v1")
    only = snapshots.latest("v1")
    assert only.frame is snapshots.latest().frame  # a single version: the whole frame, not a copy
    append(log, 2, version="v2", request_id="r2")
    v1, v2 = snapshots.latest("v1"), snapshots.latest("v2")
    assert (v1.stamp.rows, v2.stamp.rows) == (4, 2) and set(v2.frame["model_version"]) == {"v2"}
    assert v1.stamp.max_id < v2.stamp.max_id == snapshots.latest().stamp.max_id
    assert v1.rows_after(only.stamp).empty and snapshots.latest("v2") is v2
    assert snapshots.latest("v3").frame.empty


def test_concurrent_callers_read_the_log_once(log, reads):
    append(log, 20)
    snapshots = LogSnapshots(log)
    with ThreadPoolExecutor(max_workers=4) as pool:
        frames = list(pool.map(lambda _: snapshots.latest().frame, range(8)))
    assert reads == [None] and all(frame is frames[0] for frame in frames)
