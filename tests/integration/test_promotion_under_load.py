"""Promotion and rollback under load, on real gunicorn (2 workers): clients send /predict without pause while
``POST /models/promote`` switches LATEST; no request fails, and within a few seconds every answer — from either
worker — carries the new model version, as do /health and /metrics. Then the same back (rollback)."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from live_server import live_server
from model_versions import models_with_challenger

CLIENTS = 4
SWITCH_WITHIN_S = 5.0  # every worker polls LATEST each second, then loads the bundle off the request path


@pytest.fixture(scope="module")
def two_models(trained_models_dir, small_table, tmp_path_factory):
    return models_with_challenger(trained_models_dir, small_table, tmp_path_factory.mktemp("two-models"))


class Traffic:
    """Clients posting /predict in a loop; every answer kept as (sent at, status, model version or error)."""

    def __init__(self, url: str, record: dict) -> None:
        self.url, self.record = url, record
        self.answers: list[tuple[float, int, str]] = []
        self.stop = threading.Event()
        self._lock = threading.Lock()

    def client(self) -> None:
        with requests.Session() as session:
            while not self.stop.is_set():
                sent = time.monotonic()
                try:
                    response = session.post(self.url + "/predict", json=self.record, timeout=30)
                    answer = (sent, response.status_code, response.json().get("model_version", response.text))
                except (requests.RequestException, ValueError) as exc:
                    answer = (sent, -1, repr(exc))
                with self._lock:
                    self.answers.append(answer)

    def versions_since(self, moment: float) -> set[str]:
        with self._lock:
            return {version for sent, _, version in self.answers if sent >= moment}


def switch(server, traffic: Traffic, version: str, actor: str) -> float:
    """Promote ``version``; wait until every answer sent after a moment carries it. Returns that delay."""
    promoted = time.monotonic()
    answer = server.post("/models/promote", json={"version": version, "actor": actor})
    assert answer.status_code == 200, answer.text
    while time.monotonic() - promoted < SWITCH_WITHIN_S + 10:
        moment = time.monotonic()
        time.sleep(1.0)
        if traffic.versions_since(moment) == {version}:
            return moment - promoted
    raise AssertionError(f"not every answer carries {version}: {traffic.versions_since(moment)}")


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_promotion_and_rollback_under_load_fail_no_request(backend, two_models, tmp_path, record, request,
                                                           record_property):
    models_dir, champion, challenger = two_models
    url = (f"sqlite:///{tmp_path / 'log.sqlite'}" if backend == "sqlite"
           else request.getfixturevalue("postgres_url"))
    with live_server(models_dir, tmp_path / "server", database_url=url, MODEL_POLL_SECONDS="1") as server, \
            ThreadPoolExecutor(CLIENTS) as pool:
        traffic = Traffic(server.url, record)
        clients = [pool.submit(traffic.client) for _ in range(CLIENTS)]
        try:
            time.sleep(1.5)
            assert traffic.versions_since(0) == {champion}
            forward = switch(server, traffic, challenger, "test-promote")
            health = {server.get("/health").json()["model_version"] for _ in range(10)}
            metrics = server.get("/metrics").text
            back = switch(server, traffic, champion, "test-rollback")
        finally:
            traffic.stop.set()
            for client in clients:
                client.result()
        history = server.get("/models").json()["history"]
    record_property("answers", len(traffic.answers))
    record_property("switch_seconds", f"{forward:.2f} / {back:.2f}")
    failed = [a for a in traffic.answers if a[1] != 200]
    assert not failed, failed[:5]
    assert len(traffic.answers) > 50
    assert forward < SWITCH_WITHIN_S and back < SWITCH_WITHIN_S, (forward, back)
    assert health == {challenger}
    assert f'credit_risk_model_info{{model_version="{challenger}"}} 1.0' in metrics
    assert f'credit_risk_model_info{{model_version="{champion}"}} 0.0' in metrics
    assert [(h["from_version"], h["to_version"], h["actor"]) for h in history[:2]] == [
        (challenger, champion, "test-rollback"), (champion, challenger, "test-promote")]
