"""Profiles written with the rows hold exactly what the rows say (every block, every cell), and survive folds."""
from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
from profile_log import all_cells, expected_cells, fill_log, loans

from app.services.log import PredictionLog
from app.services.profiles import ProfileReader, ProfileStore, build_fragments
from app.services.profiles.fragment import merge, pack_counts, unpack_counts
from app.services.scoring import ScoringService
from app.services.selection import Selection


def test_every_cell_equals_the_rows(filled, bundle):
    log, scoring = filled
    profiles = ProfileReader(scoring.profiles).latest(bundle.model_version)
    rows = log.read()
    assert profiles.rows(profiles.total(Selection()))[0] == len(rows) > 1000
    np.testing.assert_array_equal(all_cells(profiles), expected_cells(bundle, scoring.layout, rows))
    for selection, keep in [(Selection(sources=("api",)), rows["source"] == "api"),
                            (Selection(start="2025-06-01", end="2025-09-30"),
                             rows["day"].between("2025-06-01", "2025-09-30"))]:
        np.testing.assert_array_equal(all_cells(profiles, selection),
                                      expected_cells(bundle, scoring.layout, rows[keep.to_numpy()]))


def test_sums_equal_the_rows(filled, bundle):
    log, scoring = filled
    profiles = ProfileReader(scoring.profiles).latest(bundle.model_version)
    sums = profiles.sums(profiles.total(Selection()))[0]
    index = scoring.layout.sum_index
    rows = log.read()
    labelled = rows[rows["actual"].notna()]
    assert sum(sums[index[f"prob:{b}:{p}"]] for b in scoring.layout.bands for p in (0, 1)) == pytest.approx(
        rows["prob_default"].sum(), rel=1e-12)
    assert sums[index["prob_sq_labelled"]] == pytest.approx((labelled["prob_default"] ** 2).sum(), rel=1e-12)
    assert sums[index["prob_labelled_late"]] == pytest.approx(
        labelled.loc[labelled["actual"] == 0, "prob_default"].sum(), rel=1e-12)
    requests = rows.drop_duplicates("request_id")
    assert sums[index["requests"]] == pytest.approx(len(requests), rel=1e-12)
    assert sums[index["latency"]] == pytest.approx(requests["latency_ms"].sum(), rel=1e-12)


def test_fold_merges_fragments_and_keeps_every_count(filled, bundle, monkeypatch):
    _, scoring = filled
    monkeypatch.setattr("app.services.scoring.service.FOLD_EVERY", 10**9)
    frame, _ = loans(60, seed=4)
    for part in range(3):
        scoring.score_frame(frame.iloc[part * 20:(part + 1) * 20].assign(fecha_prestamo=pd.Timestamp("2025-05-05")),
                            source="batch")
    reader = ProfileReader(scoring.profiles)
    before = reader.latest(bundle.model_version)
    removed = scoring.profiles.fold()
    after = reader.latest(bundle.model_version)
    assert removed > 0 and len(after.arrays) == len(before.arrays) - removed
    days = pd.DataFrame({"source": after.arrays.sources, "day": after.arrays.days})
    assert not days.duplicated().any()
    np.testing.assert_array_equal(all_cells(after), all_cells(before))
    np.testing.assert_allclose(after.sums(after.total(Selection())), before.sums(before.total(Selection())))
    assert scoring.profiles.fold() == 0


def test_reader_reads_only_new_fragments_and_rereads_after_a_fold(filled, bundle):
    _, scoring = filled
    reader = ProfileReader(scoring.profiles)
    first = reader.latest(bundle.model_version)
    assert reader.latest(bundle.model_version) is first
    frame, _ = loans(50, seed=11)
    scoring.score_frame(frame, source="batch")
    grown = reader.latest(bundle.model_version)
    assert grown.stamp[0] > first.stamp[0] and grown.arrays.ids[: len(first.arrays)].tolist() == \
        first.arrays.ids.tolist()
    assert grown.rows(grown.total(Selection()))[0] == first.rows(first.total(Selection()))[0] + 50
    scoring.profiles.fold()
    folded = reader.latest(bundle.model_version)
    np.testing.assert_array_equal(all_cells(folded), all_cells(grown))


def test_concurrent_writers_and_folders_lose_no_count(log_url, bundle):
    log = PredictionLog.from_url(log_url)
    scoring = ScoringService(bundle, log)
    frame, _ = loans(400, seed=5)
    errors: list[BaseException] = []

    def write(part: int) -> None:
        try:
            for start in range(part * 100, part * 100 + 100, 10):
                scoring.score_frame(frame.iloc[start:start + 10], source="api")
                scoring.profiles.fold()
        except BaseException as error:
            errors.append(error)
    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    profiles = ProfileReader(ProfileStore(log.engine)).latest(bundle.model_version)
    rows = log.read()
    assert len(rows) == 400
    np.testing.assert_array_equal(all_cells(profiles), expected_cells(bundle, scoring.layout, rows))
    log.dispose()


def test_fragment_packing_round_trips_and_merges():
    cells, values = np.array([3, 70_000, 5], dtype=np.uint32), np.array([1, -2, 2**40])
    back = unpack_counts(pack_counts(cells, values))
    assert back[0].tolist() == cells.tolist() and back[1].tolist() == values.tolist()


def test_merge_sums_counts_and_drops_cells_that_cancel(filled, bundle):
    _, scoring = filled
    frame, _ = loans(30, seed=8)
    _, write = scoring.prepare(frame.assign(fecha_prestamo=pd.Timestamp("2025-03-03")), source="batch")
    fragment = build_fragments(scoring.layout, write.profiled)[0]
    negative = type(fragment)(**{**fragment.__dict__, "values": -fragment.values, "rows": -fragment.rows,
                                 "sums": -fragment.sums})
    assert merge([fragment, fragment]).values.tolist() == (2 * fragment.values).tolist()
    empty = merge([fragment, negative])
    assert empty.cells.size == 0 and empty.rows == 0


def test_refill_from_a_second_service_shares_the_stored_layout(log_url, bundle):
    log = PredictionLog.from_url(log_url)
    first, second = ScoringService(bundle, log), ScoringService(bundle, log)
    fill_log(first, n=200, seed=1)
    fill_log(second, n=200, seed=2)
    stored = ProfileStore(log.engine).layout(bundle.model_version, cached=False)
    assert stored.n_cells == first.layout.n_cells and stored.blocks == first.layout.blocks
    profiles = ProfileReader(ProfileStore(log.engine)).latest(bundle.model_version)
    np.testing.assert_array_equal(all_cells(profiles), expected_cells(bundle, first.layout, log.read()))
    log.dispose()
