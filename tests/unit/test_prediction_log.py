"""The prediction log store on SQLite (always) and PostgreSQL (when TEST_DATABASE_URL is set)."""
from __future__ import annotations

import itertools
import sqlite3
import threading
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from app.services.log.bulk import EXACT_BELOW, SQLITE_ROWS, _statement_sizes, insert_dicts
from app.services.log.store import PredictionLog, PredictionLogError
from app.services.log.tables import LOG_COLUMNS
from app.services.log.values import inputs_frame
from app.services.models.tables import shadow_scores
from app.services.outcomes import sql as outcomes_sql


@pytest.fixture
def log(log_url):
    store = PredictionLog.from_url(log_url)
    yield store
    store.dispose()


_WRITES = itertools.count()


def log_rows(n: int, *, source: str = "api", version: str = "v1", scored_at: datetime | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(n)
    write = next(_WRITES)
    prob = rng.random(n)
    loan_dates = pd.Series(pd.date_range("2025-01-01", periods=n, freq="D"))
    loan_dates.iloc[::3] = pd.NaT
    return pd.DataFrame({
        "request_id": [f"req-{write}-{i // 2}" for i in range(n)],
        "row": [i % 2 for i in range(n)],
        "scored_at": scored_at or datetime(2026, 1, 1, 12, 0, 0),
        "loan_date": loan_dates.to_numpy(),
        "source": source,
        "model_version": version,
        "inputs": [f'{{"edad_cliente": {20 + i}, "tipo_laboral": "Empleado"}}' for i in range(n)],
        "prob_default": prob,
        "Pago_atiempo_pred": (prob < 0.5).astype(int),
        "risk_band": np.where(prob < 0.3, "Bajo", np.where(prob < 0.6, "Medio", "Alto")),
        "warnings": "[]",
        "latency_ms": 1.5,
        "actual": pd.array([1, 0, None] * (n // 3) + [1] * (n % 3), dtype="Int64"),
    })


def test_append_then_read_round_trips_every_column(log):
    rows = log_rows(7)
    assert log.append(rows) == 7
    back = log.read()
    assert sorted(back.columns) == sorted(["id", "day", *LOG_COLUMNS])
    expected_days = rows["loan_date"].fillna(rows["scored_at"]).dt.normalize()
    pd.testing.assert_series_equal(back["day"], expected_days, check_names=False, check_dtype=False)
    assert back["id"].is_monotonic_increasing
    pd.testing.assert_series_equal(back["prob_default"], rows["prob_default"], check_names=False)
    assert back["inputs"].tolist() == rows["inputs"].tolist()
    assert back["loan_date"].isna().tolist() == rows["loan_date"].isna().tolist()
    assert back.loc[1, "loan_date"] == pd.Timestamp("2025-01-02")
    assert back["actual"].dtype == "Int64" and back["actual"].iloc[:3].tolist() == [1, 0, pd.NA]
    assert back["scored_at"].iloc[0] == pd.Timestamp("2026-01-01 12:00:00")


def test_filters_and_count(log):
    log.append(log_rows(4, source="api", scored_at=datetime(2026, 1, 1)))
    log.append(log_rows(5, source="holdout", version="v2", scored_at=datetime(2026, 2, 1)))
    assert log.count() == 9
    assert log.count(source="holdout") == 5
    assert log.count(source=["api", "holdout"]) == 9
    assert log.count(model_version="v1") == 4
    assert log.count(since=datetime(2026, 1, 15)) == 5
    assert log.count(until=datetime(2026, 1, 15)) == 4
    newest = log.read(limit=2, newest_first=True)
    assert newest["source"].tolist() == ["holdout", "holdout"]
    assert newest["id"].iloc[0] > newest["id"].iloc[1]


def test_empty_append_writes_nothing(log):
    assert log.append(log_rows(0)) == 0
    assert log.count() == 0


def test_batch_is_one_transaction(log):
    rows = log_rows(50)
    rows.loc[49, "risk_band"] = None  # NOT NULL violation on the last row
    with pytest.raises(PredictionLogError, match="could not write"):
        log.append(rows)
    assert log.count() == 0


def test_ten_thousand_rows_in_one_append(log):
    assert log.append(log_rows(10_000)) == 10_000
    assert log.count() == 10_000


@pytest.mark.parametrize("n", [1, 1023, 1024, 1025, 2 * SQLITE_ROWS + 7])
def test_rows_are_logged_in_order_across_statements(log, n):
    """SQLite writes several multi-row statements (sizes 1024, then powers of two): every row once, in order."""
    rows = log_rows(n)
    log.append(rows)
    back = log.read()
    assert back["id"].is_monotonic_increasing
    assert back[["request_id", "row"]].values.tolist() == rows[["request_id", "row"]].values.tolist()
    assert back["inputs"].tolist() == rows["inputs"].tolist()
    pd.testing.assert_series_equal(back["prob_default"], rows["prob_default"], check_names=False)


@pytest.mark.parametrize("n", [0, 1, 7, 63, 64, 1000, 1024, 1025, 10_000])
def test_statement_sizes_cover_every_row_with_few_distinct_statements(n):
    sizes = _statement_sizes(n)
    assert sum(sizes) == n and all(0 < s <= SQLITE_ROWS for s in sizes) and sizes == sorted(sizes, reverse=True)
    assert sum(s < EXACT_BELOW for s in sizes) <= 1 and len(sizes) <= n // SQLITE_ROWS + 5
    assert {s for s in sizes if s >= EXACT_BELOW} <= {SQLITE_ROWS >> k for k in range(5)}
    assert _statement_sizes(1000) == [512, 256, 128, 64, 40] and _statement_sizes(31) == [31]
    few = _statement_sizes(n, 64)  # a library allowing 999 parameters: 71 rows of 14 columns → 64 per statement
    assert sum(few) == n and max(few, default=0) <= 64 and sum(s < 64 for s in few) <= 1


def test_append_once_is_idempotent(log):
    assert not log.has_marker("v1")
    assert log.append_once("v1", log_rows(6, source="holdout")) is True
    assert log.has_marker("v1")
    assert log.append_once("v1", log_rows(6, source="holdout")) is False
    assert log.count(source="holdout") == 6


def test_append_once_races_write_exactly_once(log_url):
    """Two "workers" (separate engines) seeding at the same moment: one wins, the other writes nothing."""
    stores = [PredictionLog.from_url(log_url) for _ in range(3)]
    barrier = threading.Barrier(len(stores))
    outcomes: list[bool] = []

    def seed(store: PredictionLog) -> None:
        barrier.wait()
        outcomes.append(store.append_once("v9", log_rows(300, source="holdout", version="v9")))

    threads = [threading.Thread(target=seed, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == [False, False, True]
    assert stores[0].count(model_version="v9") == 300
    for store in stores:
        store.dispose()


def test_create_tables_is_idempotent(log_url):
    PredictionLog.from_url(log_url).dispose()
    second = PredictionLog.from_url(log_url)
    second.append(log_rows(2))
    assert second.count() == 2
    second.dispose()


def test_failures_raise_a_clear_error_and_ping_reports_them(log):
    assert log.ping().reachable
    with log.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE predictions"))
    status = log.ping()
    assert not status.reachable and status.error
    with pytest.raises(PredictionLogError, match="could not write to the prediction log"):
        log.append(log_rows(3))


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    store = PredictionLog.from_url(f"sqlite:///{tmp_path / 'nested' / 'log.sqlite'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    store.dispose()


def test_time_filters_accept_naive_utc(log):
    now = datetime(2026, 3, 1, 8, 0, 0)
    log.append(log_rows(3, scored_at=now))
    assert log.count(since=now - timedelta(seconds=1), until=now + timedelta(seconds=1)) == 3


def test_inputs_expand_back_to_a_frame(log):
    rows = log_rows(4)
    rows["inputs"] = ['{"edad_cliente": 30.0, "tendencia_ingresos": "8315", "fecha_prestamo": "2025-03-14T10:30:00"}',
                      '{"edad_cliente": 41.0, "tendencia_ingresos": null, "fecha_prestamo": null}'] * 2
    log.append(rows)
    back = log.read(limit=2)
    inputs = inputs_frame(back)
    assert inputs.index.equals(back.index)
    assert inputs["edad_cliente"].tolist() == [30.0, 41.0]
    assert inputs["tendencia_ingresos"].iloc[0] == "8315" and pd.isna(inputs["tendencia_ingresos"].iloc[1])
    assert inputs["fecha_prestamo"].iloc[0] == pd.Timestamp("2025-03-14 10:30") and pd.isna(inputs["fecha_prestamo"][1])
    assert inputs_frame(log.read(source="batch")).empty


def test_column_batches_with_shared_values(log):
    stamp = datetime(2026, 5, 6, 7, 8, 9, 123456)
    written = log.append({
        "request_id": "r1", "scored_at": stamp, "loan_date": [stamp, None], "source": "batch", "model_version": "v3",
        "inputs": ["{}", "{}"], "prob_default": np.array([0.1, 0.9]), "Pago_atiempo_pred": np.array([1, 0]),
        "risk_band": ["Bajo", "Alto"], "warnings": ["[]", "[]"], "latency_ms": 2.5, "actual": [None, 0],
    })
    assert written == 2
    back = log.read(source="batch")
    assert back["scored_at"].tolist() == [pd.Timestamp(stamp)] * 2
    assert back["loan_date"].iloc[0] == pd.Timestamp(stamp) and pd.isna(back["loan_date"].iloc[1])
    assert back["actual"].tolist() == [pd.NA, 0]
    assert log.count(since=stamp, until=stamp + timedelta(microseconds=1)) == 2


def test_outcome_update_sets_only_rows_still_holding_the_value_read(log):
    """Compare-and-set: rows whose ``actual`` changed since it was read are left alone and not counted."""
    log.append(log_rows(6))  # actual: 1, 0, NULL, 1, 0, NULL
    ids = log.read()["id"].to_numpy()
    old = np.array([1.0, 1.0, np.nan, np.nan, 0.0, np.nan])  # rows 2 and 4 (1-based) changed since the read
    with log.engine.begin() as conn:
        changed = outcomes_sql.update(conn, ids, np.array([0, 1, 1, 0, 1, 0]), old)
    assert changed == 4
    assert log.read()["actual"].tolist() == [0, 0, 1, 1, 1, 0]


def test_rows_as_dicts_bind_as_sqlalchemy_binds_them_and_can_skip_duplicates(log):
    """``insert_dicts``: dates, times and numbers read back as written (SQLite: multi-row statements of processed
    values; PostgreSQL: executemany), more rows than one statement holds, duplicates skipped on request."""
    first_day = datetime(2025, 1, 1).date()
    rows = [{"request_id": f"r{i // 3}", "row": i % 3, "challenger_version": "c", "champion_version": "v",
             "scored_at": datetime(2026, 1, 1, 12, 0, 0, i), "day": first_day + timedelta(days=i % 40),
             "prob_default": i / 3000, "Pago_atiempo_pred": i % 2, "risk_band": "Bajo"}
            for i in range(SQLITE_ROWS + 77)]
    with log.engine.begin() as conn:
        insert_dicts(conn, shadow_scores, rows)
    with log.engine.begin() as conn:
        later = {**rows[0], "request_id": "new", "scored_at": datetime(2027, 1, 1)}
        insert_dicts(conn, shadow_scores, [{**rows[5], "prob_default": 1.0}, later], skip_duplicates=True)
    with log.engine.connect() as conn:
        back = [dict(r._mapping) for r in conn.execute(sa.select(shadow_scores).order_by(shadow_scores.c.scored_at))]
    assert back[:len(rows)] == rows and back[-1]["request_id"] == "new" and len(back) == len(rows) + 1


def test_a_sqlite_library_allowing_999_parameters_still_takes_every_row(tmp_path):
    """A SQLite library built with a lower parameter limit (999 was the default before 3.32): the statements
    shrink to fit."""
    log = PredictionLog.from_url(f"sqlite:///{tmp_path / 'old.sqlite'}")
    rows = log_rows(2 * SQLITE_ROWS + 5)
    with log.engine.connect() as conn:
        conn.connection.driver_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
        with conn.begin():
            log.insert_rows(conn, rows)
    back = log.read()
    assert back[["request_id", "row"]].values.tolist() == rows[["request_id", "row"]].values.tolist()
    log.dispose()
