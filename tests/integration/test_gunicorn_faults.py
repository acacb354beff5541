"""Faults against real gunicorn: PostgreSQL stopped and started (a private cluster, never the shared server),
a worker killed with SIGKILL; plus what the operators see: /metrics across workers and JSON log lines."""
from __future__ import annotations

import os
import signal
import time
import uuid

import pytest
import sqlalchemy as sa
from live_server import live_server
from private_postgres import private_cluster
from prometheus_client.parser import text_string_to_metric_families

RECOVERY_TIMEOUT_S = 30.0


def metric(server, name: str, **labels: str) -> float:
    text = server.get("/metrics").text
    return sum(s.value for family in text_string_to_metric_families(text) for s in family.samples
               if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()))


def logged_request_ids(url: str) -> list[str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        ids = list(conn.execute(sa.text("SELECT request_id FROM predictions")).scalars())
    engine.dispose()
    return ids


@pytest.fixture
def cluster():
    with private_cluster() as found:
        if found is None:
            pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
        yield found


def test_postgresql_stopped_then_started(cluster, trained_models_dir, tmp_path, record):
    with live_server(trained_models_dir, tmp_path / "server", database_url=cluster.url) as server:
        workers = server.workers()
        assert server.post("/predict", json=record, headers={"X-Request-ID": "before-stop"}).status_code == 200

        cluster.stop()
        refused = []
        for i in range(6):
            request_id = f"while-down-{i}"
            response = server.post("/predict", json=record, headers={"X-Request-ID": request_id})
            assert response.status_code == 503, response.text
            assert response.headers["Retry-After"].isdigit()
            assert response.headers["Content-Type"] == "application/json"
            assert response.json()["error"] == "prediction_log_unavailable"
            refused.append(request_id)
            for body in (response.text, server.get("/health/ready").text):
                for internal in ("127.0.0.1", str(cluster.port), "psycopg", "Traceback", "OperationalError",
                                 "connection"):
                    assert internal not in body, (internal, body)
        ready = server.get("/health/ready")
        assert ready.status_code == 503 and ready.headers["Retry-After"].isdigit()
        assert ready.json()["error"] == "not_ready"
        assert server.get("/health/live").status_code == 200

        cluster.start()
        deadline = time.monotonic() + RECOVERY_TIMEOUT_S
        while server.post("/predict", json=record).status_code != 200:
            assert time.monotonic() < deadline, "no recovery after PostgreSQL came back"
            time.sleep(0.2)
        after = [server.post("/predict", json=record, headers={"X-Request-ID": f"after-{i}"}) for i in range(6)]
        assert [r.status_code for r in after] == [200] * 6
        assert server.get("/health/ready").status_code == 200
        assert server.workers() == workers  # the same processes survived the outage
        assert metric(server, "credit_risk_log_write_failures_total", source="api") >= len(refused)
        failures = [line for line in server.log_lines() if line["level"] == "ERROR"
                    and line.get("request_id") in refused]
        assert {line["request_id"] for line in failures} == set(refused)  # the details went to the server log

    ids = logged_request_ids(cluster.url)
    assert "before-stop" in ids and all(f"after-{i}" in ids for i in range(6))
    assert not set(refused) & set(ids)  # a refused prediction left nothing behind


def test_a_killed_worker_is_replaced_and_nothing_is_lost(trained_models_dir, tmp_path, record):
    url = f"sqlite:///{tmp_path / 'log.sqlite'}"
    sent: list[str] = []

    def predict() -> int:
        sent.append(uuid.uuid4().hex)
        return server.post("/predict", json=record, headers={"X-Request-ID": sent[-1]}).status_code

    with live_server(trained_models_dir, tmp_path / "server", database_url=url) as server:
        assert [predict() for _ in range(10)] == [200] * 10
        workers = server.workers()
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        replaced = server.wait_for_workers(len(workers), exclude={victim})
        assert victim not in replaced and len(replaced) == 2
        assert [predict() for _ in range(20)] == [200] * 20
        # the killed worker's counts are kept: every prediction is in the merged counter
        assert metric(server, "http_requests_total", route="/predict", status="200") == len(sent)
        assert metric(server, "credit_risk_rows_scored_total", source="api") == len(sent)
        lines = server.log_lines()  # every line is one JSON object (parsing would fail otherwise)
    assert sorted(logged_request_ids(url)) == sorted(sent)
    requests_logged = [line for line in lines if line["logger"] == "app.requests" and line["route"] == "/predict"]
    assert sorted(line["request_id"] for line in requests_logged) == sorted(sent)
    assert all(line["status"] == 200 and line["duration_ms"] > 0 and line["time"] for line in requests_logged)
    assert any("Booting worker" in line["message"] for line in lines)  # gunicorn's own lines are JSON too
