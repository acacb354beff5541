"""The Gráficas tab in a real browser: KPI counts from the log, the score histogram, the confusion matrix, the
source control (none chosen = all), the served version chosen by default, the time grouping, metric tooltips, and
no console errors."""
from __future__ import annotations

import pytest
from browser_helpers import browser_errors, click, wait_for
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app.dashboard import ids
from app.services.log.store import PredictionLog

COUNT = f"#{ids.Charts.KPIS}-count"


@pytest.fixture
def counts(browser_settings, trained_result, live_server) -> dict[str, int]:
    """Rows of the served version per source and in all, read from the log when the test starts."""
    log = PredictionLog.from_url(browser_settings.log_database_url)
    version = trained_result.metadata["model_version"]
    found = {source: log.count(source=source, model_version=version) for source in ("holdout", "api", "batch")}
    log.dispose()
    return {**found, "all": sum(found.values())}


def open_charts(browser, live_server, counts) -> None:
    browser.get(live_server + "/")
    wait_for(browser, ".nav-tabs .nav-link.active", text="Gráficas")
    wait_for(browser, COUNT, text=f"{counts['all']:,}")


def choose_source(browser, label: str) -> None:
    field = browser.find_element(By.CSS_SELECTOR, f"#{ids.Charts.SOURCES} input")
    field.send_keys(label)
    field.send_keys(Keys.ENTER)


def test_default_tab_shows_counts_histogram_and_confusion_matrix(browser, live_server, counts, trained_result):
    assert counts["holdout"] > 0
    open_charts(browser, live_server, counts)
    assert f"Período reservado {counts['holdout']:,}" in browser.find_element(By.CSS_SELECTOR, COUNT).text
    assert "Todas las fuentes" in browser.find_element(By.ID, ids.Charts.SOURCES).text
    version = browser.find_element(By.ID, ids.Charts.VERSION).text
    assert f"{trained_result.metadata['model_version']} · en uso" in version
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


def test_source_control_filters_and_no_source_means_all(browser, live_server, counts):
    open_charts(browser, live_server, counts)
    choose_source(browser, "Período reservado")
    wait_for(browser, COUNT, text=f"{counts['holdout']:,}")
    wait_for(browser, f"#{ids.Charts.CONFUSION_GRAPH} .gtitle", text="Matriz de confusión")
    empty = [label for source, label in (("api", "API"), ("batch", "Lotes")) if counts[source] == 0]
    if empty:  # a source without rows alone: nothing to show
        click(browser, browser.find_element(By.CSS_SELECTOR, f"#{ids.Charts.SOURCES} .Select-value-icon"))
        choose_source(browser, empty[0])
        wait_for(browser, f"#{ids.Charts.KPIS}", text="No hay predicciones registradas para estos filtros")
        wait_for(browser, f"#{ids.Charts.PERFORMANCE}", text="No hay predicciones registradas")
        assert not browser.find_elements(By.ID, ids.Charts.HISTOGRAM_GRAPH)
    click(browser, browser.find_element(By.CSS_SELECTOR, f"#{ids.Charts.SOURCES} .Select-value-icon"))
    wait_for(browser, COUNT, text=f"{counts['all']:,}")
    assert "Todas las fuentes" in browser.find_element(By.ID, ids.Charts.SOURCES).text
    assert browser_errors(browser) == []


def test_grouping_by_week_redraws_the_time_series(browser, live_server, counts):
    open_charts(browser, live_server, counts)
    wait_for(browser, f"#{ids.Charts.VOLUME_GRAPH} .gtitle", text="por mes del préstamo")
    week = browser.find_element(By.XPATH, f"//*[@id='{ids.Charts.GRANULARITY}']//label[normalize-space()='Semana']")
    browser.execute_script("arguments[0].click()", week)
    wait_for(browser, f"#{ids.Charts.VOLUME_GRAPH} .gtitle", text="por semana del préstamo")
    wait_for(browser, f"#{ids.Charts.BANDS_GRAPH} .gtitle", text="por semana del préstamo")
    wait_for(browser, f"#{ids.Charts.OBSERVED_GRAPH} .gtitle", text="por semana")
    assert browser_errors(browser) == []


def test_metric_cards_explain_themselves_on_hover(browser, live_server, counts):
    open_charts(browser, live_server, counts)
    card = wait_for(browser, f"#{ids.Charts.KPIS}-roc_auc", text="ROC-AUC")
    ActionChains(browser).move_to_element(card).perform()
    tooltip = wait_for(browser, ".tooltip", text="0,5 = azar")
    assert "pagado tarde" in tooltip.text
    assert browser_errors(browser) == []
