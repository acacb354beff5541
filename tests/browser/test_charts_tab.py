"""The Gráficas tab in a real browser: KPI counts from the log (the original's three tiles: total, mean and
standard deviation), the score histogram, the confusion matrix, the comparison with the reference per variable, the
source control (none chosen = all), the served version chosen by default, the time grouping, metric tooltips,
Spanish numbers, and no console errors."""
from __future__ import annotations

import re

import pytest
from browser_helpers import browser_errors, click, wait_for
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app.dashboard import ids
from app.dashboard.figures.charts_reference import interval_text, value_text
from app.dashboard.formatting import integer, percent
from app.services.drift import DriftService
from app.services.drift.comparison import ORIGINAL_VARIABLES
from app.services.log.store import PredictionLog
from app.services.profiles import ProfileReader, ProfileStore
from app.services.selection import Selection

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
    wait_for(browser, COUNT, text=integer(counts["all"]))


def choose_source(browser, label: str) -> None:
    field = browser.find_element(By.CSS_SELECTOR, f"#{ids.Charts.SOURCES} input")
    field.send_keys(label)
    field.send_keys(Keys.ENTER)


def test_default_tab_shows_counts_histogram_and_confusion_matrix(browser, live_server, counts, trained_result):
    assert counts["holdout"] > 0
    open_charts(browser, live_server, counts)
    assert f"Período reservado {integer(counts['holdout'])}" in browser.find_element(By.CSS_SELECTOR, COUNT).text
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
    wait_for(browser, COUNT, text=integer(counts["holdout"]))
    wait_for(browser, f"#{ids.Charts.CONFUSION_GRAPH} .gtitle", text="Matriz de confusión")
    empty = [label for source, label in (("api", "API"), ("batch", "Lotes")) if counts[source] == 0]
    if empty:  # a source without rows alone: nothing to show
        click(browser, browser.find_element(By.CSS_SELECTOR, f"#{ids.Charts.SOURCES} .Select-value-icon"))
        choose_source(browser, empty[0])
        wait_for(browser, f"#{ids.Charts.KPIS}", text="No hay predicciones registradas para estos filtros")
        wait_for(browser, f"#{ids.Charts.PERFORMANCE}", text="No hay predicciones registradas")
        assert not browser.find_elements(By.ID, ids.Charts.HISTOGRAM_GRAPH)
    click(browser, browser.find_element(By.CSS_SELECTOR, f"#{ids.Charts.SOURCES} .Select-value-icon"))
    wait_for(browser, COUNT, text=integer(counts["all"]))
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


def test_original_tiles_with_the_standard_deviation_and_spanish_numbers(browser, live_server, counts, browser_settings,
                                                                        trained_result):
    open_charts(browser, live_server, counts)
    log = PredictionLog.from_url(browser_settings.log_database_url)
    scores = log.read(model_version=trained_result.metadata["model_version"])["prob_default"]
    log.dispose()
    std = wait_for(browser, f"#{ids.Charts.KPIS}-std", text="DESVIACIÓN ESTÁNDAR").text  # titles are upper case
    shown = float(re.search(r"\n(\d+,\d{3})\n", std).group(1).replace(",", "."))
    assert abs(shown - scores.std()) <= 0.0005 + 0.00125  # display rounding + the stated bound
    assert "± 0,00" in std and "referencia 0," in std
    mean = browser.find_element(By.CSS_SELECTOR, f"#{ids.Charts.KPIS}-mean").text
    assert "PREDICCIÓN PROMEDIO" in mean and percent(scores.mean()) in mean  # as Logs writes it
    assert "TOTAL PREDICCIONES" in browser.find_element(By.CSS_SELECTOR, COUNT).text
    tiles = browser.find_element(By.ID, ids.Charts.KPIS).text
    assert not re.search(r"\b0\.\d", tiles) and not re.search(r"\d\.\d %", tiles), tiles  # no English decimals
    assert browser_errors(browser) == []


def test_comparison_with_the_reference_per_variable(browser, live_server, counts, browser_settings, bundle):
    open_charts(browser, live_server, counts)
    table = wait_for(browser, f"#{ids.Charts.COMPARISON_TABLE}", timeout=30)
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert [row.find_element(By.CSS_SELECTOR, "td").text for row in rows] == list(ORIGINAL_VARIABLES)
    log = PredictionLog.from_url(browser_settings.log_database_url)
    expected = DriftService(bundle, ProfileReader(ProfileStore(log.engine))).medians(Selection())
    log.dispose()
    for row, item in zip(rows, expected, strict=True):  # what the service computed (tested against rows)
        cells = [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "td")]
        assert cells[1:4] == [value_text(item.reference.estimate), value_text(item.current.estimate),
                              interval_text(item.current.low, item.current.high)], cells
    graph = browser.find_element(By.ID, ids.Charts.COMPARISON_GRAPH)
    titles = [t.text for t in graph.find_elements(By.CSS_SELECTOR, ".annotation-text")]
    assert all(any(t.startswith(name) for t in titles) for name in ORIGINAL_VARIABLES), titles
    assert len(graph.find_elements(By.CSS_SELECTOR, ".trace.bars")) >= 2 * len(ORIGINAL_VARIABLES)
    assert "Referencia" in graph.text and "Actual" in graph.text
    assert browser_errors(browser) == []
