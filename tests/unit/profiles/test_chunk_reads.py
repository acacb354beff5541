"""rebuild-profiles' bulk chunk reads: the same rows, in id order, whichever statement reads them (PostgreSQL's
aggregates sorted or in the subquery's order), and a chunk holds exactly its id range."""
from __future__ import annotations

import numpy as np
import pandas as pd

from app.services.profiles.chunks import read_chunk


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
