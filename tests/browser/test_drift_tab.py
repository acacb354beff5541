"""The Data Drift tab in a real browser: status banner, band tiles, the recommendation for the state, one table row
per monitored variable, the per-bin chart, the peak PSI per window with its table and trend analysis, the weekly and
daily evolution, the source control (none chosen = all) and the CSV download of the PSI table."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from browser_helpers import browser_errors, click, grid_layout, wait_for, wait_for_download
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app.dashboard import ids
from app.dashboard.formatting import integer
from app.dashboard.tabs.drift_recommendations import recommend
from app.dashboard.tabs.drift_summary import band_counts
from app.services.drift import TABLE_COLUMNS, DriftService
from app.services.log.store import PredictionLog
from app.services.profiles import ProfileReader, ProfileStore
from app.services.selection import Selection
from modeling.data.columns import TEMPORAL_FEATURES
from modeling.drift import SCORE_NAME
from modeling.drift.trend import TREND_FALLING, TREND_RISING, TREND_STABLE

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
    shown = [row.text for row in browser.find_elements(By.CSS_SELECTOR, GRID_ROWS)]
    assert sorted(shown) == sorted(monitored)
    assert not set(TEMPORAL_FEATURES) & set(shown)
    wait_for(browser, f"#{ids.Drift.BINS} .gtitle", text=": PSI")  # the most drifted variable, chosen for us
    assert "Todas las fuentes" in browser.find_element(By.ID, ids.Drift.SOURCES).text
    page = browser.find_element(By.ID, ids.Drift.ROOT).text
    assert "Referencia:" in page and "período de entrenamiento" in page and "anio_prestamo" in page
    assert "0,10–0,25 Moderado" in browser.find_element(By.ID, ids.Drift.TABLE_HELP).text
    layout = grid_layout(browser, f"#{ids.Drift.GRID}", cells=True)
    assert layout["cut"] == [], layout  # every title and variable name whole at 1400 px
    assert layout["gaps"] and all(gap < 12 for gap in layout["gaps"].values()), layout  # filter icon by its title
    version = browser.find_element(By.CSS_SELECTOR, f"#{ids.Drift.VERSION} .Select-value")
    assert "en uso" in version.text and browser.execute_script(  # the whole version name shows, not cut with "…"
        "const e = arguments[0]; return e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight;", version)
    advice = browser.find_element(By.CSS_SELECTOR, f"#{ids.Drift.RECOMMENDATION} .alert")
    background = browser.find_element(By.CSS_SELECTOR, BANNER).value_of_css_property("background-color")
    assert advice.value_of_css_property("background-color") == background  # one colour per state
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


@pytest.fixture
def drift_service(browser_settings, bundle, live_server):
    """The drift service on the live app's log, to compute what the page must show."""
    log = PredictionLog.from_url(browser_settings.log_database_url)
    yield DriftService(bundle, ProfileReader(ProfileStore(log.engine)), bands=browser_settings.psi_bands)
    log.dispose()


TREND_HEADINGS = {TREND_RISING: "Tendencia en aumento", TREND_FALLING: "Tendencia en descenso",
                  TREND_STABLE: "Tendencia estable"}


def test_band_tiles_recommendation_peak_table_and_trend(browser, live_server, drift_service):
    open_drift(browser, live_server)
    view = drift_service.report(Selection())
    counts = band_counts(view.table)
    tiles = wait_for(browser, f"#{ids.Drift.BAND_TILES}").text.upper()
    for title in ("VARIABLES CON DRIFT ALTO", "VARIABLES CON DRIFT MODERADO", "VARIABLES ESTABLES"):
        assert title in tiles
    for key, tile in (("Alto", "Alto"), ("Moderado", "Moderado"), ("Bajo", "Bajo"),
                      ("insufficient data", "insufficient-data")):
        shown = browser.find_element(By.ID, f"{ids.Drift.BAND_TILES}-{tile}").text.split("\n")
        assert integer(counts[key]) in shown, (key, shown)
    box = browser.find_element(By.ID, ids.Drift.RECOMMENDATION)
    expected = recommend(view)
    assert box.get_attribute("data-level") == expected.level and expected.level in box.text
    assert "Acción recomendada" in box.text and ("URGENTE" in box.text) == (view.report.state == "Alto")

    peaks, trend = drift_service.peaks(Selection(window="month"))
    table = wait_for(browser, f"#{ids.Drift.PEAKS_TABLE}", timeout=30)
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == len(peaks)
    newest = peaks.iloc[-1]
    cells = rows[0].find_elements(By.CSS_SELECTOR, "td")
    assert cells[0].text == f"{newest['window_start']:%Y-%m}" and cells[4].text == integer(newest["n"])
    judged = peaks[peaks["status"] != "insufficient data"]
    if len(judged):
        row = peaks.index.get_loc(judged.index[-1])
        cells = rows[len(peaks) - 1 - row].find_elements(By.CSS_SELECTOR, "td")
        assert cells[3].text.startswith(judged.iloc[-1]["variable"]) and "," in cells[2].text  # 0,123
    box = browser.find_element(By.ID, ids.Drift.TREND)
    assert box.get_attribute("data-direction") == trend.direction
    assert TREND_HEADINGS.get(trend.direction, "Aún no hay suficientes ventanas") in box.text
    graph = browser.find_element(By.ID, ids.Drift.PEAKS_GRAPH)
    assert "PSI máximo por ventana" in graph.find_element(By.CSS_SELECTOR, ".gtitle").text

    week = browser.find_element(By.XPATH, f"//*[@id='{ids.Drift.WINDOW}']//label[normalize-space()='Semana']")
    browser.execute_script("arguments[0].click()", week)
    weekly, weekly_trend = drift_service.peaks(Selection(window="week"))
    wait_for(browser, f"#{ids.Drift.PEAKS_GRAPH} .xtitle", text="ventana (semana)")
    table = wait_for(browser, f"#{ids.Drift.PEAKS_TABLE}")
    assert len(table.find_elements(By.CSS_SELECTOR, "tbody tr")) == len(weekly)
    assert browser.find_element(By.ID, ids.Drift.TREND).get_attribute("data-direction") == weekly_trend.direction
    assert browser_errors(browser) == []
