"""rebuild-profiles' bulk chunk reads: the same rows, in id order, whichever statement reads them (PostgreSQL's
aggregates sorted or in the subquery's order), and a chunk holds exactly its id range."""
from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa

from app.services.profiles import chunks
from app.services.profiles.chunks import read_chunk
from app.services.profiles.survey import request_rows


def test_a_chunk_reads_the_same_whether_or_not_the_aggregates_sort(filled):
    log, _ = filled
    with log.engine.connect() as conn:
        version = log.read()["model_version"].iloc[0]
        first = read_chunk(conn, version, {}, after=100, until=700)
        again = read_chunk(conn, version, {}, after=100, until=700, sorted_aggregates=True)
    ids = first.rows["id"].to_numpy()
    assert ids.tolist() == list(range(101, 701)) and np.all(np.diff(ids) > 0)
    pd.testing.assert_frame_equal(first.rows, again.rows)
    assert first.warnings.equals(again.warnings)
    if isinstance(first.inputs, bytes):
        assert first.inputs == again.inputs
    else:
        pd.testing.assert_frame_equal(first.inputs, again.inputs)


def test_a_chunk_reads_every_real_back_bit_for_bit(filled):
    """Scores and latencies come back exactly (SQLite prints them with 17 significant digits)."""
    log, _ = filled
    rng = np.random.default_rng(5)
    with log.engine.begin() as conn:
        ids = [int(i) for i in conn.execute(sa.text("SELECT id FROM predictions ORDER BY id")).scalars()]
        edge = [0.0, 5e-324, 2.2250738585072014e-308, 0.1, 1 / 3, 1 - 2**-53, 0.5 + 2**-53, 1.0]
        prob = np.concatenate([edge, rng.random(len(ids)) * 10.0 ** rng.integers(-300, 1, len(ids))])[:len(ids)]
        latency = 10.0 ** rng.uniform(-3, 6, len(ids))
        conn.execute(sa.text("UPDATE predictions SET prob_default = :p, latency_ms = :l WHERE id = :i"),
                     [{"p": float(p), "l": float(v), "i": i} for p, v, i in zip(prob, latency, ids, strict=True)])
    with log.engine.connect() as conn:
        chunk = read_chunk(conn, log.read()["model_version"].iloc[0], {}, after=0)
    order = np.searchsorted(ids, chunk.rows["id"].to_numpy())
    assert chunk.rows["prob_default"].to_numpy().view(np.int64).tolist() == prob[order].view(np.int64).tolist()
    assert chunk.rows["latency_ms"].to_numpy().view(np.int64).tolist() == latency[order].view(np.int64).tolist()


def test_request_sizes_read_the_same_from_a_list_of_requests_or_every_row(filled, monkeypatch):
    log, _ = filled
    rows = log.read().sort_values("id")
    expected = rows["request_id"].map(rows.groupby("request_id").size()).to_numpy(np.float64)
    with log.engine.connect() as conn:
        multi = request_rows(conn)
        version = rows["model_version"].iloc[0]
        listed = read_chunk(conn, version, multi, after=0)
        monkeypatch.setattr(chunks, "LISTED_REQUESTS", 0)
        every_row = read_chunk(conn, version, multi, after=0)
    assert len(multi) > 1 and expected.max() > 1
    np.testing.assert_array_equal(listed.request_rows, expected)
    np.testing.assert_array_equal(every_row.request_rows, expected)
