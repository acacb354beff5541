"""The same app on PostgreSQL (DATABASE_URL): nothing else changes."""
from __future__ import annotations

import threading

import pytest

pytestmark = pytest.mark.postgres


def test_scoring_seeding_and_health_on_postgres(make_app, postgres_url, record):
    app = make_app(database_url=postgres_url)
    services = app.extensions["credit_risk"]
    assert services.log.backend == "postgresql"
    assert services.holdout.seeded and services.log.count(source="holdout") == services.holdout.rows
    assert not make_app(database_url=postgres_url).extensions["credit_risk"].holdout.seeded
    client = app.test_client()
    health = client.get("/health/ready").get_json()["database"]
    assert health == {"reachable": True, "writable": True, "backend": "postgresql"}
    assert services.log.count(source="probe") == 0
    body = client.post("/predict_batch", json=[record, {"bad": 1}, record]).get_json()
    assert [r["index"] for r in body["results"]] == [0, 2]
    assert services.log.count(source="api") == 2


def test_concurrent_posts_on_postgres(make_app, postgres_url, record):
    app = make_app(database_url=postgres_url, seed_holdout=False)
    services = app.extensions["credit_risk"]
    statuses: list[int] = []

    def post() -> None:
        client = app.test_client()
        for _ in range(5):
            statuses.append(client.post("/predict_batch", json=[record] * 4).status_code)

    threads = [threading.Thread(target=post) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 25
    assert services.log.count() == 100
