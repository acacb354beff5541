"""The Data Drift tab in a real browser: status banner, one table row per monitored variable, the per-bin chart,
the weekly evolution and the CSV download of the PSI table."""
from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
from browser_helpers import browser_errors, click, wait_for
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app.dashboard import ids
from app.services.drift.report import TABLE_COLUMNS
from modeling.config import TEMPORAL_FEATURES
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
    assert browser_errors(browser) == []


def test_csv_download_holds_one_row_per_variable(browser, live_server, monitored):
    open_drift(browser, live_server)
    target = Path(browser.download_dir) / "drift_psi.csv"
    target.unlink(missing_ok=True)
    click(browser, browser.find_element(By.ID, ids.Drift.CSV_BUTTON))
    deadline = time.monotonic() + 20
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert target.exists(), "drift_psi.csv was not downloaded"
    table = pd.read_csv(target)
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert len(table) == len(monitored) and sorted(table["variable"]) == sorted(monitored)
    assert table["psi"].notna().all() and (table["psi"] >= 0).all()
    assert browser_errors(browser) == []
