"""The dashboard frame in a real browser: title, model identity, the five tabs, local styles, no errors."""
from __future__ import annotations

from browser_helpers import browser_errors, wait_for
from selenium.webdriver.common.by import By

from app.dashboard.tabs import TABS


def test_shell_shows_title_model_and_the_five_tabs(browser, live_server, trained_result):
    browser.get(live_server + "/")
    brand = wait_for(browser, ".navbar-brand", text="Monitoreo")
    assert brand.text == "MLOps Pipeline – Monitoreo y Data Drift"
    assert trained_result.metadata["model_version"] in browser.find_element(By.CSS_SELECTOR, ".navbar").text
    labels = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".nav-tabs .nav-link")]
    assert labels == ["Gráficas", "Data Drift", "Logs", "Predicciones por Lotes", "Desempeño"]
    assert labels == [tab.LABEL for tab in TABS]


def test_styles_are_served_locally(browser, live_server):
    browser.get(live_server + "/")
    wait_for(browser, ".navbar-brand")
    hrefs = [link.get_attribute("href") for link in browser.find_elements(By.CSS_SELECTOR, "link[rel=stylesheet]")]
    assert hrefs and all(href.startswith(live_server) for href in hrefs), hrefs
    color = browser.find_element(By.CSS_SELECTOR, ".navbar").value_of_css_property("background-color")
    assert color not in ("rgba(0, 0, 0, 0)", "transparent"), "Bootstrap theme not applied"


def test_every_tab_renders_without_browser_errors(browser, live_server):
    browser.get(live_server + "/")
    wait_for(browser, ".nav-tabs")
    for link in browser.find_elements(By.CSS_SELECTOR, ".nav-tabs .nav-link"):
        link.click()
        wait_for(browser, ".nav-tabs .nav-link.active", text=link.text)
    assert browser_errors(browser) == []


def test_dashboard_and_docs_run_under_the_content_security_policy(browser, live_server):
    """Chromium enforces the CSP header: a blocked script or style would be a SEVERE console entry."""
    browser.get(live_server + "/")
    wait_for(browser, ".nav-tabs .nav-link")
    browser.find_elements(By.CSS_SELECTOR, ".nav-tabs .nav-link")[1].click()
    wait_for(browser, ".js-plotly-plot .main-svg")
    browser.get(live_server + "/docs")
    wait_for(browser, ".swagger-ui .opblock", text="/predict")
    errors = browser_errors(browser)
    assert errors == [] and not any("Content Security Policy" in e for e in errors), errors
