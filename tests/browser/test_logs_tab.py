"""The Logs tab in a real browser: the log's rows (hold-out included), the source filter, the CSV download."""
from __future__ import annotations

import json
import urllib.request

import pandas as pd
import pytest
from browser_helpers import browser_errors, click, wait_for, wait_for_download
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from app.dashboard import ids
from app.services.log.browse import DISPLAY_COLUMNS
from app.services.log.store import PredictionLog
from modeling.schema import specs_for

KPIS = f"#{ids.Logs.KPIS}"
COUNT = f"#{ids.Logs.KPIS}-count"
GRID_ROWS = f"#{ids.Logs.GRID} .ag-center-cols-container .ag-row"
BAND_BACKGROUNDS = {"Bajo": "rgba(46, 125, 50, 1)", "Medio": "rgba(249, 168, 37, 1)", "Alto": "rgba(198, 40, 40, 1)"}


def thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@pytest.fixture(scope="module")
def log(browser_settings, live_server) -> PredictionLog:
    """The live app's log, plus one API prediction so that the log holds more than one source."""
    record = {spec.name: spec.example for spec in specs_for(("feature",))}
    request = urllib.request.Request(live_server + "/predict", data=json.dumps(record).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
    return PredictionLog.from_url(browser_settings.log_database_url)


def open_logs(browser, live_server) -> None:
    browser.get(live_server + "/")
    wait_for(browser, ".nav-tabs")
    browser.find_element(By.XPATH, "//a[contains(@class, 'nav-link') and normalize-space()='Logs']").click()
    wait_for(browser, GRID_ROWS)


def wait_for_count(browser, text: str) -> None:
    """The "Registros" card shows exactly ``text`` and the grid has been drawn again."""
    wait_for(browser, COUNT, text=f"\n{text}\n")
    if text != "0":
        first_row = (By.CSS_SELECTOR, f"{GRID_ROWS}[row-index='0']")
        WebDriverWait(browser, 10).until(ec.presence_of_element_located(first_row))


def choose_source(browser, label: str) -> None:
    browser.find_element(By.CSS_SELECTOR, f"#{ids.Logs.SOURCE} input").send_keys(label)
    wait_for(browser, f"#{ids.Logs.SOURCE} .VirtualizedSelectOption", text=label).click()


def test_table_shows_the_log_newest_first_with_the_holdout_rows(browser, live_server, log):
    total, holdout = log.count(), log.count(source="holdout")
    assert holdout > 0 and total > holdout
    open_logs(browser, live_server)
    wait_for_count(browser, thousands(total))
    assert f"Se muestran los {thousands(total)} registros" in browser.find_element(By.ID, ids.Logs.NOTE).text
    kpis = browser.find_element(By.CSS_SELECTOR, KPIS).text
    known = log.read()["actual"].notna().sum()  # the hold-out's real outcomes (and uploads that carried them)
    assert known >= holdout and f"CON RESULTADO REAL\n{thousands(known)}" in kpis.upper()
    paging = browser.find_element(By.CSS_SELECTOR, f"#{ids.Logs.GRID} .ag-paging-row-summary-panel").text
    assert paging.endswith(f"de {total:,}")
    first = browser.find_element(By.CSS_SELECTOR, f"{GRID_ROWS}[row-index='0']")
    assert first.find_element(By.CSS_SELECTOR, "[col-id='source']").text == "api"  # newest: this module's request
    band = first.find_element(By.CSS_SELECTOR, "[col-id='risk_band']")
    assert band.value_of_css_property("background-color") == BAND_BACKGROUNDS[band.text]
    assert browser_errors(browser) == []


def test_source_filter_changes_the_count_and_the_csv_holds_every_match(browser, live_server, log):
    holdout = log.count(source="holdout")
    open_logs(browser, live_server)
    choose_source(browser, "Período reservado")
    wait_for_count(browser, thousands(holdout))
    sources = {cell.text for cell in browser.find_elements(By.CSS_SELECTOR, f"{GRID_ROWS} [col-id='source']")}
    assert sources == {"holdout"}

    before = {p.name for p in browser.download_dir.iterdir()}
    click(browser, browser.find_element(By.ID, ids.Logs.DOWNLOAD_BUTTON))
    path = wait_for_download(browser.download_dir, "log_predicciones_*.csv", before)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, encoding="utf-8-sig")
    assert len(frame) == holdout and set(frame["source"]) == {"holdout"}
    assert list(frame.columns[:len(DISPLAY_COLUMNS)]) == list(DISPLAY_COLUMNS)
    assert {"edad_cliente", "capital_prestado", "tipo_laboral"} <= set(frame.columns)
    assert frame["actual"].notna().all()  # the hold-out carries real outcomes

    choose_source(browser, "API")
    wait_for_count(browser, thousands(holdout + log.count(source="api")))
    click(browser, browser.find_element(By.ID, ids.Logs.CLEAR))
    wait_for_count(browser, thousands(log.count()))
    assert browser_errors(browser) == []


def test_request_id_search_with_no_match_says_so(browser, live_server, log):
    open_logs(browser, live_server)
    field = browser.find_element(By.ID, ids.Logs.REQUEST_ID)
    field.send_keys("no-existe-este-id")
    field.send_keys(Keys.ENTER)
    wait_for(browser, f"#{ids.Logs.NOTE}", text="Ningún registro cumple los filtros")
    wait_for(browser, f"#{ids.Logs.GRID}", text="No hay registros que cumplan los filtros")
    assert browser_errors(browser) == []
