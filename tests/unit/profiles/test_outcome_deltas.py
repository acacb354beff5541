"""Outcomes attached after scoring: statuses, idempotency, and profiles equal to a rebuild from the rows."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from profile_log import all_cells, expected_cells

from app.services.outcomes import IdempotencyConflict, IdempotentCall, OutcomeService
from app.services.profiles import ProfileReader, ProfileStore
from app.services.profiles.rebuild import rebuild_profiles
from app.services.selection import Selection


def _by_day(profiles) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    blocks = list(profiles.layout.blocks)
    grouping = profiles.by_window(Selection(), "day")
    return (profiles.counts(grouping, blocks[0], blocks[-1]), profiles.sums(grouping), profiles.rows(grouping))


def _items(rows, values) -> list[dict]:
    return [{"request_id": r, "row": int(n), "Pago_atiempo": int(v)}
            for r, n, v in zip(rows["request_id"], rows["row"], values, strict=True)]


def test_outcomes_update_profiles_exactly_as_a_rebuild_would(filled, bundle):
    log, scoring = filled
    service = OutcomeService(log.engine, scoring.profiles)
    rows = log.read()
    rng = np.random.default_rng(5)
    unlabelled = rows[rows["actual"].isna()]
    labelled = rows[rows["actual"].notna()]
    first = service.record(_items(unlabelled.iloc[:300], rng.integers(0, 2, 300)))
    assert first.status == 200 and first.report.counts["recorded"] == 300

    flipped = labelled.iloc[:80]
    refused = service.record(_items(flipped, 1 - flipped["actual"].astype(int)))
    assert refused.status == 422 and refused.report.counts["conflict"] == 80
    assert [r["previous"] for r in refused.report.results] == flipped["actual"].astype(int).tolist()
    assert log.read().loc[flipped.index, "actual"].equals(flipped["actual"])  # refused: nothing changed
    overwritten = service.record(_items(flipped, 1 - flipped["actual"].astype(int)), overwrite=True)
    assert overwritten.report.counts["overwritten"] == 80

    api = rows[rows["source"] == "api"].iloc[:5]  # single-record requests: row left out
    single = service.record([{"request_id": r, "Pago_atiempo": 0} for r in api["request_id"]])
    assert single.report.counts["recorded"] == 5

    after = log.read()
    profiles = ProfileReader(ProfileStore(log.engine)).latest(bundle.model_version)
    layout = profiles.layout
    np.testing.assert_array_equal(all_cells(profiles), expected_cells(bundle, layout, after))
    counts, sums, day_rows = _by_day(profiles)
    report = rebuild_profiles(log, lambda v: bundle, chunk_rows=400, workers=1)
    assert report.total_rows == len(after)
    rebuilt = ProfileReader(ProfileStore(log.engine)).latest(bundle.model_version)
    counts_r, sums_r, rows_r = _by_day(rebuilt)
    np.testing.assert_array_equal(counts, counts_r)
    np.testing.assert_array_equal(day_rows, rows_r)
    np.testing.assert_allclose(sums, sums_r, rtol=1e-9, atol=1e-9)


def test_statuses_duplicates_and_idempotency(filled):
    log, scoring = filled
    service = OutcomeService(log.engine, scoring.profiles)
    rows = log.read()
    target = rows[rows["actual"].isna()].iloc[:3]
    keys = list(zip(target["request_id"], target["row"].astype(int), strict=True))
    items = [
        {"request_id": keys[0][0], "row": keys[0][1], "Pago_atiempo": 1},
        {"request_id": keys[0][0], "row": keys[0][1], "Pago_atiempo": 1},  # same copy: applied once
        {"request_id": keys[1][0], "row": keys[1][1], "Pago_atiempo": 0},
        {"request_id": keys[1][0], "row": keys[1][1], "Pago_atiempo": 1},  # copies disagree: neither applied
        {"request_id": "no-such-request", "Pago_atiempo": 1},
        {"request_id": keys[2][0], "row": -1, "Pago_atiempo": 2},
        "not an object",
        {"request_id": keys[2][0], "row": keys[2][1], "Pago_atiempo": True},
    ]
    answer = service.record(items)
    statuses = [r["status"] for r in answer.report.results]
    assert statuses == ["recorded", "duplicate", "duplicate_conflict", "duplicate_conflict", "unknown", "invalid",
                        "invalid", "invalid"]
    assert {p["field"] for p in answer.report.results[5]["problems"]} == {"row", "Pago_atiempo"}
    stored = log.read().set_index(["request_id", "row"])["actual"]
    assert stored.loc[keys[0]] == 1 and pd.isna(stored.loc[keys[1]])

    store = ProfileReader(ProfileStore(log.engine))
    before = all_cells(store.latest(scoring.model_version))
    again = service.record(items)  # the same call twice changes nothing the second time
    assert [r["status"] for r in again.report.results][:2] == ["unchanged", "duplicate"]
    np.testing.assert_array_equal(all_cells(store.latest(scoring.model_version)), before)

    body = b'[{"request_id": "x", "Pago_atiempo": 1}]'
    call = IdempotentCall.of("key-1", "outcomes", body)
    first = service.record([{"request_id": keys[2][0], "row": int(keys[2][1]), "Pago_atiempo": 0}], idempotent=call)
    replay = service.record([{"request_id": keys[2][0], "row": int(keys[2][1]), "Pago_atiempo": 0}],
                            idempotent=call)
    assert first.report is not None and replay.report is None
    assert (replay.status, replay.body) == (first.status, first.body)
    with pytest.raises(IdempotencyConflict):
        service.record([], idempotent=IdempotentCall.of("key-1", "outcomes", b"[]"))


def test_concurrent_calls_with_the_same_outcomes_count_them_once(filled, bundle):
    log, scoring = filled
    rows = log.read()
    items = _items(rows[rows["actual"].isna()].iloc[:200], np.arange(200) % 2)
    services = [OutcomeService(log.engine, scoring.profiles) for _ in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda service: service.record(items), services))
    assert sum(a.report.counts["recorded"] for a in answers) == 200  # each row recorded by exactly one call
    assert all(a.report.counts["recorded"] + a.report.counts["unchanged"] == 200 for a in answers)
    profiles = ProfileReader(ProfileStore(log.engine)).latest(bundle.model_version)
    np.testing.assert_array_equal(all_cells(profiles), expected_cells(bundle, profiles.layout, log.read()))
