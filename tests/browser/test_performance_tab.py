"""The Desempeño tab in a real browser: alerts and calibration banner, the metric over time (realised beside the
CBPE estimate), the summary, the expected confusion matrix, and an outcomes upload with its row-by-row report
(recorded, unknown, invalid; the same file again changes nothing); no console errors."""
from __future__ import annotations

import json
import re
import urllib.request

from browser_helpers import browser_errors, click, wait_for
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from app.dashboard import ids
from app.services.log.store import PredictionLog


def _predict(live_server: str, record: dict, request_id: str) -> None:
    request = urllib.request.Request(live_server + "/predict", data=json.dumps(record).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "X-Request-ID": request_id})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def open_tab(browser, live_server) -> None:
    browser.get(live_server + "/")
    wait_for(browser, ".nav-tabs .nav-link")
    tab = browser.find_element(By.XPATH, "//a[contains(@class, 'nav-link') and normalize-space()='Desempeño']")
    click(browser, tab)
    wait_for(browser, ".nav-tabs .nav-link.active", text="Desempeño")


HOVER = """
const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
const i = gd.data.findIndex(t => t.name === arguments[1]);
Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: 0}]);
return Array.from(gd.querySelectorAll('.hovertext')).map(e => e.textContent).join(' | ');
"""


def _hover_text(browser, graph_id: str, trace: str) -> str:
    """The hover label of the first point of ``trace`` in the graph ``graph_id``, as Plotly draws it."""
    WebDriverWait(browser, 10).until(lambda driver: driver.execute_script(HOVER, graph_id, trace))
    return browser.execute_script(HOVER, graph_id, trace)


def test_performance_views_and_outcomes_upload(browser, live_server, browser_settings, tmp_path):
    from modeling.data.schema import specs_for

    record = {spec.name: spec.example for spec in specs_for(("feature",))}
    for request_id in ("perf-browser-1", "perf-browser-2"):
        _predict(live_server, record, request_id)
    open_tab(browser, live_server)
    wait_for(browser, "#perf-alerts")
    wait_for(browser, "#perf-calibration-status", text="alibración")
    wait_for(browser, f"#{ids.Performance.OVER_TIME_GRAPH} .gtitle", text="ROC-AUC por mes")
    graph = browser.find_element(By.ID, ids.Performance.OVER_TIME_GRAPH).text
    # the small test bundle's held-out period has a handful of late loans: no window reaches the minimum
    assert "Estimado (CBPE)" in graph and "Datos insuficientes" in graph and "Límite" in graph
    assert re.search(r"Límite \d,\d{3}", graph), graph  # Spanish numbers, in the hover text too (separators)
    hover = _hover_text(browser, ids.Performance.OVER_TIME_GRAPH, "Estimado (CBPE)")
    assert re.search(r"Estimado \d,\d{3} \[\d,\d{3}; \d,\d{3}\]", hover), hover
    summary = wait_for(browser, f"#{ids.Performance.SUMMARY}", text="Estimado (CBPE)")
    assert "Brier" in summary.text and "KS" in summary.text and "datos insuficientes" in summary.text
    overflow = browser.execute_script("""const t = document.querySelector('#perf-summary-table');
        const body = t.closest('.card-body'), style = getComputedStyle(body);
        return t.getBoundingClientRect().width - (body.clientWidth - parseFloat(style.paddingLeft)
                                                   - parseFloat(style.paddingRight));""")
    assert overflow <= 1, overflow  # the whole table inside its card at 1400 px
    wait_for(browser, f"#{ids.Performance.CONFUSION}", text="todo el período")
    wait_for(browser, f"#{ids.Performance.BANDS_GRAPH} .gtitle", text="banda de riesgo")

    upload = tmp_path / "resultados.csv"
    upload.write_text("request_id,row,Pago_atiempo\nperf-browser-1,0,0\nperf-browser-2,,1\n"
                      "no-such-request,0,1\nperf-browser-1,3,tarde\n", encoding="utf-8")
    field = browser.find_element(By.CSS_SELECTOR, f"#{ids.Performance.UPLOAD} input[type=file]")
    field.send_keys(str(upload))
    report = wait_for(browser, "#perf-upload-summary", text="2 registrados")
    assert "1 desconocidos" in report.text and "1 inválidos" in report.text
    grid = wait_for(browser, "#perf-upload-grid", text="no-such-request")
    assert "Pago_atiempo" in grid.text  # the invalid row names its field

    log = PredictionLog.from_url(browser_settings.log_database_url)
    stored = log.read(source="api").set_index("request_id")["actual"]
    log.dispose()
    assert stored["perf-browser-1"] == 0 and stored["perf-browser-2"] == 1

    again = tmp_path / "resultados_otra_vez.csv"
    again.write_bytes(upload.read_bytes())
    field = browser.find_element(By.CSS_SELECTOR, f"#{ids.Performance.UPLOAD} input[type=file]")
    field.send_keys(str(again))  # the same outcomes again: nothing changes
    wait_for(browser, "#perf-upload-summary", text="2 sin cambios")
    assert browser_errors(browser) == []
