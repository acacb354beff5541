"""The Data Drift tab in a real browser: status banner, one table row per monitored variable, the per-bin chart,
the weekly and daily evolution, the source control (none chosen = all) and the CSV download of the PSI table."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from browser_helpers import browser_errors, click, wait_for, wait_for_download
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app.dashboard import ids
from app.services.drift import TABLE_COLUMNS
from modeling.data.columns import TEMPORAL_FEATURES
from modeling.drift import SCORE_NAME

BANNER = f"#{ids.Drift.BANNER}"
GRID_ROWS = f"#{ids.Drift.GRID} .ag-pinned-left-cols-container .ag-row"
HEADINGS = ("Sin drift relevante", "Drift moderado", "Drift alto", "Datos insuficientes")


@pytest.fixture(scope="module")
def monitored(trained_result) -> list[str]:
    """What the tab must list: every profiled variable except the temporal ones, plus the score."""
    names = trained_result.metadata["reference_profile"]["variables"]
    return [name for name in names if name not in TEMPORAL_FEATURES] + [SCORE_NAME]


def open_drift(browser, live_server) -> None:
    browser.get(live_server + "/")
    wait_for(browser, ".nav-tabs")
    browser.find_element(By.XPATH, "//a[contains(@class, 'nav-link') and normalize-space()='Data Drift']").click()
    wait_for(browser, BANNER, timeout=30)
    wait_for(browser, GRID_ROWS)


def test_banner_and_one_table_row_per_monitored_variable(browser, live_server, monitored):
    open_drift(browser, live_server)
    banner = browser.find_element(By.CSS_SELECTOR, BANNER).text
    assert any(heading in banner for heading in HEADINGS), banner
    assert "Variables por banda" in banner and "Datos insuficientes:" in banner
    shown = [row.text for row in browser.find_elements(By.CSS_SELECTOR, GRID_ROWS)]
    assert sorted(shown) == sorted(monitored)
    assert not set(TEMPORAL_FEATURES) & set(shown)
    wait_for(browser, f"#{ids.Drift.BINS} .gtitle", text=": PSI")  # the most drifted variable, chosen for us
    assert "Todas las fuentes" in browser.find_element(By.ID, ids.Drift.SOURCES).text
    page = browser.find_element(By.ID, ids.Drift.ROOT).text
    assert "Referencia:" in page and "período de entrenamiento" in page and "anio_prestamo" in page
    assert "0.10–0.25 Moderado" in browser.find_element(By.ID, ids.Drift.TABLE_HELP).text
    assert browser_errors(browser) == []


def test_picking_a_variable_shows_its_bins_and_the_week_window_redraws_the_evolution(browser, live_server):
    open_drift(browser, live_server)
    field = browser.find_element(By.CSS_SELECTOR, f"#{ids.Drift.VARIABLE} input")
    field.send_keys("plazo_meses")
    field.send_keys(Keys.ENTER)
    title = wait_for(browser, f"#{ids.Drift.BINS} .gtitle", text="plazo_meses: PSI").text
    assert "n ref" in title
    legend = browser.find_element(By.CSS_SELECTOR, f"#{ids.Drift.BINS} .legend").text
    assert "Referencia (entrenamiento)" in legend and "Actual" in legend and "Aporte al PSI" in legend

    wait_for(browser, f"#{ids.Drift.HEATMAP} .xtitle", text="ventana (mes)")
    week = browser.find_element(By.XPATH, f"//*[@id='{ids.Drift.WINDOW}']//label[normalize-space()='Semana']")
    browser.execute_script("arguments[0].click()", week)  # the filter card is scrolled out of view by now
    wait_for(browser, f"#{ids.Drift.HEATMAP} .xtitle", text="ventana (semana)")
    wait_for(browser, f"#{ids.Drift.LINES} .xtitle", text="ventana (semana)")
    ticks = [t.text for t in browser.find_elements(By.CSS_SELECTOR, f"#{ids.Drift.HEATMAP} .xtick text")]
    assert ticks and all(len(t) == 10 and t[4] == "-" for t in ticks), ticks  # week starts, YYYY-MM-DD
    day = browser.find_element(By.XPATH, f"//*[@id='{ids.Drift.WINDOW}']//label[normalize-space()='Día']")
    browser.execute_script("arguments[0].click()", day)
    wait_for(browser, f"#{ids.Drift.HEATMAP} .xtitle", text="ventana (día)")
    assert browser_errors(browser) == []


def test_a_source_without_rows_empties_the_view_and_no_source_means_all(browser, live_server):
    open_drift(browser, live_server)
    field = browser.find_element(By.CSS_SELECTOR, f"#{ids.Drift.SOURCES} input")
    field.send_keys("API")
    field.send_keys(Keys.ENTER)
    wait_for(browser, f"#{ids.Drift.SUMMARY}", text="No hay predicciones registradas para estos filtros")
    click(browser, browser.find_element(By.CSS_SELECTOR, f"#{ids.Drift.SOURCES} .Select-value-icon"))
    wait_for(browser, BANNER)
    assert "Período reservado" in browser.find_element(By.ID, ids.Drift.SUMMARY).text
    assert browser_errors(browser) == []


def test_csv_download_holds_one_row_per_variable(browser, live_server, monitored):
    open_drift(browser, live_server)
    folder = Path(browser.download_dir)
    (folder / "drift_psi.csv").unlink(missing_ok=True)
    click(browser, browser.find_element(By.ID, ids.Drift.CSV_BUTTON))
    table = pd.read_csv(wait_for_download(folder, "drift_psi*.csv", set()))
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert len(table) == len(monitored) and sorted(table["variable"]) == sorted(monitored)
    assert table["psi"].notna().all() and (table["psi"] >= 0).all()
    assert browser_errors(browser) == []
