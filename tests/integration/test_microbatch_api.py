"""/predict under concurrency: requests grouped into one model call and one transaction, each answered on its own
(errors per request), every answer logged exactly once; the MICROBATCH off-switch."""
from __future__ import annotations

import threading

import pandas as pd

from modeling.data.coercion import coerce_frame
from modeling.data.input_warnings import stored_specs
from modeling.inference import score_frame

N_QUEUED = 12


def records_for(record: dict, n: int) -> list[dict]:
    out = [{**record, "edad_cliente": 25 + i, "capital_prestado": 1_000_000 + 50_000 * i} for i in range(n)]
    out[3] = {**record, "edad_cliente": "veinte"}         # invalid: its own 422
    out[7] = {**record, "plazo_meses": -1}                # invalid too
    out[9] = {**record, "fecha_prestamo": None, "color": "rojo"}  # valid, with warnings
    return out


def test_queued_requests_share_one_model_call_and_keep_their_own_answers(app, services, record):
    batcher = app.extensions["predict_batcher"]
    process = batcher.process
    first_batch = threading.Event()

    def hold_first_batch(items):  # the first leader waits until the others are queued behind it
        if not first_batch.is_set():
            with batcher._cond:
                assert batcher._cond.wait_for(lambda: len(batcher._queue) >= N_QUEUED, timeout=60)
            first_batch.set()
        return process(items)

    batcher.process = hold_first_batch
    bodies = records_for(record, N_QUEUED + 1)
    answers: dict[int, tuple[int, dict]] = {}

    def post(i: int) -> None:
        response = app.test_client().post("/predict", json=bodies[i], headers={"X-Request-ID": f"mb-{i}"})
        answers[i] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=post, args=(0,))]
    threads[0].start()
    assert _wait(lambda: batcher.batches == 0 and batcher._busy)
    threads += [threading.Thread(target=post, args=(i,)) for i in range(1, N_QUEUED + 1)]
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert batcher.batches == 2 and batcher.items == N_QUEUED + 1
    invalid = {3, 7}
    for i, (status, body) in answers.items():
        if i in invalid:
            assert status == 422 and body["error"] == "invalid_fields" and body["request_id"] == f"mb-{i}"
        else:
            assert status == 200 and body["request_id"] == f"mb-{i}"
    assert {w["code"] for w in answers[9][1]["warnings"]} >= {"date_defaulted", "ignored_field"}

    rows = services.log.read(source="api")
    assert sorted(rows["request_id"]) == sorted(f"mb-{i}" for i in answers if i not in invalid)
    assert (rows["row"] == 0).all()
    queued = rows[rows["request_id"] != "mb-0"]
    assert queued["scored_at"].nunique() == 1  # one model call, one transaction for the queued requests
    raw = coerce_frame(pd.DataFrame([bodies[i] for i in (0, 1, 2)]), stored_specs(services.bundle.schema)).frame
    expected = score_frame(services.bundle, raw)["prob_default"].tolist()
    assert [answers[i][1]["prob_default"] for i in (0, 1, 2)] == expected  # bit for bit, batch or alone


def test_microbatching_can_be_switched_off(make_app, record):
    app = make_app(microbatch=False)
    assert app.extensions["predict_batcher"] is None
    response = app.test_client().post("/predict", json=record, headers={"Idempotency-Key": "off-1"})
    again = app.test_client().post("/predict", json=record, headers={"Idempotency-Key": "off-1"})
    assert response.status_code == 200 and again.data == response.data
    assert again.headers["Idempotent-Replayed"] == "true"


def _wait(condition, timeout: float = 60.0) -> bool:
    done = threading.Event()
    for _ in range(int(timeout * 100)):
        if condition():
            return True
        done.wait(0.01)
    return False
