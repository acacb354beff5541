"""The Logs tab in a real browser: the original's title (Log de monitoreo), the log's rows newest first a page at a
time with Spanish numbers, paging to the oldest row and back, the source filter, the request id prefix, the CSV
link downloading every matching row under the original's name (monitoring_log_YYYYmmdd_HHMMSS.csv)."""
from __future__ import annotations

import json
import re
import urllib.request

import pandas as pd
import pytest
from browser_helpers import browser_errors, click, columns_in_view, grid_layout, wait_for, wait_for_download
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app.dashboard import ids
from app.services.log.export import DISPLAY_COLUMNS
from app.services.log.store import PredictionLog
from modeling.data.schema import specs_for

KPIS = f"#{ids.Logs.KPIS}"
COUNT = f"#{ids.Logs.KPIS}-count"
GRID = f"#{ids.Logs.GRID}"
ROWS = f"{GRID} .ag-center-cols-container .ag-row"
PINNED = f"{GRID} .ag-pinned-left-cols-container .ag-row"
PAGE = 100
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
    wait_for(browser, ROWS)


def wait_for_count(browser, text: str) -> None:
    """The "Registros" card shows exactly ``text``."""
    wait_for(browser, COUNT, text=f"\n{text}\n")


def shown_ids(browser) -> list[int | None]:
    """Ids of the rows on the grid's current page, top to bottom, as the grid holds them (it draws only the rows
    in view); None for a row still loading."""
    return browser.execute_script(f"""
        const api = dash_ag_grid.getApi("{ids.Logs.GRID}");
        const size = api.paginationGetPageSize(), start = api.paginationGetCurrentPage() * size;
        const end = Math.min(start + size, api.paginationGetRowCount()), found = [];
        for (let i = start; i < end; i++) {{
            const node = api.getDisplayedRowAtIndex(i);
            found.push(node && node.data ? node.data.id : null);
        }}
        return found;""")


def wait_for_ids(browser, expected: list[int], timeout: float = 20.0) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, timeout).until(lambda b: shown_ids(b) == expected,
                                          message=f"grid never showed ids {expected[:3]}…{expected[-3:]}")
    start = browser.execute_script(f"""const api = dash_ag_grid.getApi("{ids.Logs.GRID}");
        return api.paginationGetCurrentPage() * api.paginationGetPageSize();""")
    drawn = browser.find_element(By.CSS_SELECTOR, f"{PINNED}[row-index='{start}'] [col-id='id']")
    assert int(drawn.text) == expected[0]  # and the page's first row is drawn


def page_button(browser, ref: str):
    return browser.find_element(By.CSS_SELECTOR, f"{GRID} .ag-paging-button[data-ref='{ref}']")


def choose_source(browser, label: str) -> None:
    browser.find_element(By.CSS_SELECTOR, f"#{ids.Logs.SOURCE} input").send_keys(label)
    wait_for(browser, f"#{ids.Logs.SOURCE} .VirtualizedSelectOption", text=label).click()


def test_table_shows_the_log_newest_first_with_the_holdout_rows(browser, live_server, log):
    everything = log.read()
    total, holdout = len(everything), (everything["source"] == "holdout").sum()
    assert holdout > PAGE and total > holdout
    open_logs(browser, live_server)
    wait_for_count(browser, thousands(total))
    newest = sorted(everything["id"], reverse=True)
    wait_for_ids(browser, newest[:PAGE])
    kpis = browser.find_element(By.CSS_SELECTOR, KPIS).text
    known = everything["actual"].notna().sum()  # the hold-out's real outcomes (and uploads that carried them)
    assert known >= holdout and f"CON RESULTADO REAL\n{thousands(known)}" in kpis.upper()
    paging = browser.find_element(By.CSS_SELECTOR, f"{GRID} .ag-paging-row-summary-panel").text
    assert paging.endswith(f"de {thousands(total)}")
    assert browser.find_element(By.CSS_SELECTOR, f"#{ids.Logs.ROOT} h4").text == "Log de monitoreo"
    first = browser.find_element(By.CSS_SELECTOR, f"{ROWS}[row-index='0']")
    assert first.find_element(By.CSS_SELECTOR, "[col-id='source']").text == "API"  # newest: this module's request
    pinned = browser.find_element(By.CSS_SELECTOR, f"{PINNED}[row-index='0']")  # the key columns stay in view
    band = pinned.find_element(By.CSS_SELECTOR, "[col-id='risk_band']")
    assert band.value_of_css_property("background-color") == BAND_BACKGROUNDS[band.text]
    probability = pinned.find_element(By.CSS_SELECTOR, "[col-id='prob_default']").text
    assert re.fullmatch(r"\d+,\d\d %", probability), probability  # Spanish percentage
    predicted = pinned.find_element(By.CSS_SELECTOR, "[col-id='Pago_atiempo_pred']")
    assert predicted.text in ("Sí", "No")  # as in the batch tab, with its mark
    assert ("predicted-yes" if predicted.text == "Sí" else "predicted-no") in predicted.get_attribute("class")
    header = browser.find_element(By.CSS_SELECTOR, f"{GRID} .ag-header-cell[col-id='Pago_atiempo_pred']").text
    assert header == "Pago a tiempo (predicho)"
    assert grid_layout(browser, GRID)["cut"] == []  # long titles wrap onto two lines, never "…"
    key = {"id", "scored_at", "prob_default", "Pago_atiempo_pred", "risk_band", "warnings"}
    assert key <= set(columns_in_view(browser, GRID))  # at 1400 px, without scrolling sideways
    warnings = first.find_element(By.CSS_SELECTOR, "[col-id='warnings']")
    assert "cell-two-lines" in warnings.get_attribute("class")  # wrapped; the whole text in its tooltip
    assert browser_errors(browser) == []


def test_paging_reaches_the_oldest_row_and_comes_back(browser, live_server, log):
    newest = sorted(log.read()["id"], reverse=True)
    open_logs(browser, live_server)
    wait_for_ids(browser, newest[:PAGE])
    click(browser, page_button(browser, "btNext"))
    wait_for_ids(browser, newest[PAGE:2 * PAGE])
    click(browser, page_button(browser, "btLast"))
    last_start = (len(newest) - 1) // PAGE * PAGE
    wait_for_ids(browser, newest[last_start:])
    assert shown_ids(browser)[-1] == min(newest)
    click(browser, page_button(browser, "btPrevious"))
    wait_for_ids(browser, newest[last_start - PAGE:last_start])
    click(browser, page_button(browser, "btFirst"))
    wait_for_ids(browser, newest[:PAGE])
    assert browser_errors(browser) == []


def test_source_filter_changes_the_rows_and_the_csv_holds_every_match(browser, live_server, log):
    everything = log.read()
    holdout = everything[everything["source"] == "holdout"]
    open_logs(browser, live_server)
    choose_source(browser, "Período reservado")
    wait_for_count(browser, thousands(len(holdout)))
    wait_for_ids(browser, sorted(holdout["id"], reverse=True)[:PAGE])
    sources = {cell.text for cell in browser.find_elements(By.CSS_SELECTOR, f"{ROWS} [col-id='source']")}
    assert sources == {"Período reservado"}

    before = {p.name for p in browser.download_dir.iterdir()}
    link = browser.find_element(By.ID, ids.Logs.DOWNLOAD_BUTTON)
    assert "sources=holdout" in link.get_attribute("href")
    click(browser, link)
    path = wait_for_download(browser.download_dir, "monitoring_log_*.csv", before)
    assert re.fullmatch(r"monitoring_log_\d{8}_\d{6}\.csv", path.name)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, encoding="utf-8-sig")
    assert frame["id"].tolist() == sorted(holdout["id"], reverse=True) and set(frame["source"]) == {"holdout"}
    assert list(frame.columns[:len(DISPLAY_COLUMNS)]) == list(DISPLAY_COLUMNS)
    assert {"edad_cliente", "capital_prestado", "tipo_laboral"} <= set(frame.columns)
    assert frame["actual"].notna().all()  # the hold-out carries real outcomes

    choose_source(browser, "API")
    wait_for_count(browser, thousands(len(holdout) + (everything["source"] == "api").sum()))
    click(browser, browser.find_element(By.ID, ids.Logs.CLEAR))
    wait_for_count(browser, thousands(len(everything)))
    wait_for_ids(browser, sorted(everything["id"], reverse=True)[:PAGE])
    assert browser_errors(browser) == []


def test_request_id_prefix_finds_a_request_and_says_when_nothing_matches(browser, live_server, log):
    api = log.read(source="api").iloc[-1]
    open_logs(browser, live_server)
    field = browser.find_element(By.ID, ids.Logs.REQUEST_ID)
    field.send_keys(api["request_id"][:8], Keys.ENTER)
    wait_for_count(browser, "1")
    wait_for_ids(browser, [int(api["id"])])
    field.clear()
    field.send_keys("no-existe-este-id", Keys.ENTER)
    wait_for(browser, f"#{ids.Logs.NOTE}", text="Ningún registro cumple los filtros")
    wait_for(browser, GRID, text="No hay registros que cumplan los filtros")
    assert browser_errors(browser) == []


def test_rows_load_when_another_tab_was_opened_first(browser, live_server, log):
    """The grid's first page request can come before the filters' view is stored: answered empty (not left
    pending, which held the grid's only request slot and left it blank, "1 a 100 de más"), then the view's purge
    reads the page."""
    newest = sorted(log.read()["id"], reverse=True)
    browser.get(live_server + "/")
    wait_for(browser, ".nav-tabs")
    tab = "//a[contains(@class, 'nav-link') and normalize-space()='{}']"
    click(browser, browser.find_element(By.XPATH, tab.format("Data Drift")))
    wait_for(browser, "#drift-psi-grid .ag-row", timeout=60)
    click(browser, browser.find_element(By.XPATH, tab.format("Logs")))
    wait_for(browser, ROWS)
    wait_for_ids(browser, newest[:PAGE])
    assert browser_errors(browser) == []
