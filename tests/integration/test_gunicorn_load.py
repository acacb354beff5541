"""Concurrent clients against real gunicorn (2 workers × 4 threads): every answer is a clean 200/422 and the log
holds exactly the rows the answers reported — per request id, per position — nothing lost, nothing doubled."""
from __future__ import annotations

import random
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from live_server import live_server

CLIENTS = 8
REQUESTS_PER_CLIENT = 12


def client_run(url_post, record: dict, seed: int) -> list[tuple[str, int, list[int]]]:
    """One client's requests: (request id, status, positions the answer says were scored)."""
    rng = random.Random(seed)
    answers = []
    for _ in range(REQUESTS_PER_CLIENT):
        request_id = uuid.uuid4().hex
        headers = {"X-Request-ID": request_id}
        if rng.random() < 0.4:
            valid = rng.random() < 0.8
            response = url_post("/predict", json=record if valid else {**record, "edad_cliente": "old"},
                                headers=headers)
            scored = [0] if response.status_code == 200 else []
        else:
            records = [record if rng.random() < 0.8 else {**record, "plazo_meses": -5, "edad_cliente": "x"}
                       for _ in range(rng.randint(1, 6))]
            response = url_post("/predict_batch", json=records, headers=headers)
            scored = [item["index"] for item in response.json().get("results", [])]
        answers.append((request_id, response.status_code, scored))
    return answers


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_concurrent_clients_reconcile_exactly_with_the_log(backend, trained_models_dir, tmp_path, record, request):
    url = (f"sqlite:///{tmp_path / 'log.sqlite'}" if backend == "sqlite"
           else request.getfixturevalue("postgres_url"))
    with live_server(trained_models_dir, tmp_path / "server", database_url=url) as server, \
            ThreadPoolExecutor(CLIENTS) as pool:
        runs = list(pool.map(lambda seed: client_run(server.post, record, seed), range(CLIENTS)))
    answers = [answer for run in runs for answer in run]
    statuses = {status for _, status, _ in answers}
    assert statuses <= {200, 422}, statuses
    assert 200 in statuses and 422 in statuses

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        logged = conn.execute(sa.text('SELECT request_id, "row" FROM predictions')).all()
    engine.dispose()
    by_request: dict[str, list[int]] = {}
    for request_id, row in logged:
        by_request.setdefault(request_id, []).append(row)
    expected = {request_id: scored for request_id, _, scored in answers if scored}
    assert {k: sorted(v) for k, v in by_request.items()} == expected
    assert len(logged) == sum(len(scored) for _, _, scored in answers)
