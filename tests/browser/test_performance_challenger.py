"""The challenger section of the Desempeño tab in a real browser: a second bundle scores in shadow, the
comparison shows agreement, band changes, drift and performance on the same loans (with outcomes sent back),
and the buttons promote it (every answer then carries its version) and roll back; no console errors."""
from __future__ import annotations

import json
import threading
import time
import urllib.request

import pytest
from browser_helpers import browser_errors, click, wait_for
from model_versions import models_with_challenger
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from test_performance_tab import open_tab
from werkzeug.serving import make_server

from app import create_app
from app.config import Settings
from modeling.artifacts import load_bundle
from modeling.data.columns import TARGET

LOANS = 120


def _post(url: str, body: object) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def served(trained_models_dir, small_table, tmp_path_factory):
    folder = tmp_path_factory.mktemp("challenger-browser")
    models_dir, champion, challenger = models_with_challenger(trained_models_dir, small_table, folder)
    app = create_app(Settings(models_dir=models_dir, predictions_dir=folder / "predicciones", seed_holdout=False,
                              challenger_version=challenger))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    holdout = load_bundle(models_dir).load_frame("holdout").head(LOANS)
    records = json.loads(holdout.drop(columns=[TARGET]).to_json(orient="records", date_format="iso"))
    answer = _post(url + "/predict_batch", {"records": records})
    request_id = answer["summary"]["request_id"]
    outcomes = [{"request_id": request_id, "row": item["index"], "Pago_atiempo": int(holdout[TARGET].iloc[i])}
                for i, item in enumerate(answer["results"])]
    _post(url + "/outcomes", outcomes)
    assert app.extensions["credit_risk"].models.shadow.flush()
    yield url, models_dir, champion, challenger, len(answer["results"])
    server.shutdown()


def _confirm(browser) -> None:
    WebDriverWait(browser, 10).until(expected_conditions.alert_is_present()).accept()


def test_challenger_comparison_promotion_and_rollback(browser, served):
    url, models_dir, champion, challenger, scored = served
    open_tab(browser, url)
    wait_for(browser, "#challenger-status", text=f"Retador activo: {challenger}")
    version = wait_for(browser, "#challenger-version .Select-value", text=challenger)
    assert browser.execute_script(  # the whole version name and its notes show, not cut with "…"
        "const e = arguments[0]; return e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight;", version)
    kpi = wait_for(browser, "#challenger-kpi-n", text=f"{scored}")
    assert "con resultado real" in kpi.text
    wait_for(browser, "#challenger-kpi-corr", text="Spearman")
    wait_for(browser, "#challenger-bands-graph .gtitle", text="Cambios de banda de riesgo")
    wait_for(browser, "#challenger-scores-graph .gtitle", text="prob_default de ambos modelos")
    wait_for(browser, "#challenger-drift-graph .gtitle", text="Deriva del puntaje")
    table = wait_for(browser, "#challenger-metrics-table", text="ROC-AUC").text
    assert "Campeón: real" in table and "Retador: estimado" in table
    assert "Anterior: —" in browser.find_element(By.ID, "challenger-status").text
    _wait_enabled(browser, {"challenger-set": False, "challenger-rollback": False, "challenger-promote": True})

    click(browser, browser.find_element(By.ID, "challenger-promote"))
    _confirm(browser)
    wait_for(browser, "#challenger-alert", text=f"{challenger} es ahora el campeón")
    assert (models_dir / "LATEST").read_text().strip() == challenger
    assert _post(url + "/predict", _record())["model_version"] == challenger
    wait_for(browser, "#challenger-status", text=f"Campeón (servido): {challenger}")
    _wait_enabled(browser, {"challenger-rollback": True})

    click(browser, browser.find_element(By.ID, "challenger-rollback"))
    _confirm(browser)
    wait_for(browser, "#challenger-alert", text=f"Revertido: {champion}")
    assert (models_dir / "LATEST").read_text().strip() == champion
    deadline = time.monotonic() + 10
    while _post(url + "/predict", _record())["model_version"] != champion:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert browser_errors(browser) == []


def _wait_enabled(browser, expected: dict[str, bool]) -> None:
    """Wait until each button's enabled state is as ``expected`` (a callback sets them)."""
    def settled(driver) -> bool:
        return all(driver.find_element(By.ID, key).is_enabled() == value for key, value in expected.items())
    WebDriverWait(browser, 10).until(settled)


def _record() -> dict:
    from modeling.data.schema import specs_for

    return {spec.name: spec.example for spec in specs_for(("feature",))}
