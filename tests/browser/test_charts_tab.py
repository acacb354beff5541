"""The Gráficas tab in a real browser: KPI counts from the log, the score histogram, the confusion matrix,
the source filter, metric tooltips, and no console errors."""
from __future__ import annotations

import pytest
from browser_helpers import browser_errors, wait_for
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from app.dashboard import ids
from app.services.log.store import PredictionLog

COUNT = f"#{ids.Charts.KPIS}-count"


@pytest.fixture(scope="module")
def counts(browser_settings, trained_result, live_server):
    """Rows the default view covers (every source, the model in use) and the hold-out rows, read from the log."""
    log = PredictionLog.from_url(browser_settings.log_database_url)
    version = trained_result.metadata["model_version"]
    return {"all": log.count(model_version=version), "holdout": log.count(source="holdout", model_version=version)}


def toggle_source(browser, label: str) -> None:
    browser.find_element(By.XPATH, f"//div[@id='{ids.Charts.SOURCES}']//label[contains(., '{label}')]").click()


def test_default_tab_shows_counts_histogram_and_confusion_matrix(browser, live_server, counts):
    browser.get(live_server + "/")
    wait_for(browser, ".nav-tabs .nav-link.active", text="Gráficas")
    assert counts["holdout"] > 0
    card = wait_for(browser, COUNT, text=f"{counts['all']:,}")
    assert f"Período reservado {counts['holdout']:,}" in card.text
    histogram = wait_for(browser, f"#{ids.Charts.HISTOGRAM_GRAPH} .gtitle", text="Distribución de prob_default")
    assert "predicciones vs referencia" in histogram.text
    graph = browser.find_element(By.ID, ids.Charts.HISTOGRAM_GRAPH)
    assert "Probabilidad de pago tardío (prob_default)" in graph.find_element(By.CSS_SELECTOR, ".xtitle").text
    assert len(graph.find_elements(By.CSS_SELECTOR, ".trace.bars")) == 2
    confusion = wait_for(browser, f"#{ids.Charts.CONFUSION_GRAPH} .gtitle", text="Matriz de confusión")
    assert confusion.is_displayed()
    matrix = browser.find_element(By.ID, ids.Charts.CONFUSION_GRAPH).text
    for label in ("Pago a tiempo (1)", "Pago tardío (0)", "Predicción del modelo", "Resultado real"):
        assert label in matrix
    wait_for(browser, f"#{ids.Charts.ROC_GRAPH} .gtitle", text="Curva ROC")
    wait_for(browser, f"#{ids.Charts.MODEL_CARD}", text="seleccionado")
    assert browser_errors(browser) == []


def test_source_filter_changes_the_counts(browser, live_server, counts):
    browser.get(live_server + "/")
    wait_for(browser, COUNT, text=f"{counts['all']:,}")
    toggle_source(browser, "API")
    toggle_source(browser, "Lotes")
    wait_for(browser, COUNT, text=f"{counts['holdout']:,}")
    toggle_source(browser, "Período reservado")
    wait_for(browser, f"#{ids.Charts.KPIS}", text="No hay predicciones registradas para estos filtros")
    wait_for(browser, f"#{ids.Charts.PERFORMANCE}", text="No hay predicciones registradas")
    assert not browser.find_elements(By.ID, ids.Charts.HISTOGRAM_GRAPH)
    toggle_source(browser, "Período reservado")
    wait_for(browser, COUNT, text=f"{counts['holdout']:,}")
    wait_for(browser, f"#{ids.Charts.CONFUSION_GRAPH} .gtitle", text="Matriz de confusión")
    assert browser_errors(browser) == []


def test_metric_cards_explain_themselves_on_hover(browser, live_server, counts):
    browser.get(live_server + "/")
    card = wait_for(browser, f"#{ids.Charts.KPIS}-roc_auc", text="ROC-AUC")
    ActionChains(browser).move_to_element(card).perform()
    tooltip = wait_for(browser, ".tooltip", text="0,5 = azar")
    assert "pagado tarde" in tooltip.text
    assert browser_errors(browser) == []
