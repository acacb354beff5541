"""Browser fixtures: the real app served on a loopback port, driven by Debian's headless Chromium.

Skips (with the reason) when ``chromium`` or ``chromedriver`` are not installed; ``.ci/run`` installs both.
"""
from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.config import Settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1400,1000")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_settings(trained_models_dir, tmp_path_factory) -> Settings:
    """One app per browser session, on the session's trained bundle and its own prediction log."""
    return Settings(models_dir=trained_models_dir, predictions_dir=tmp_path_factory.mktemp("predicciones"))


@pytest.fixture(scope="session")
def live_server(browser_settings) -> Iterator[str]:
    """Base URL of the app served by werkzeug in a background thread on a free loopback port."""
    server = make_server("127.0.0.1", 0, create_app(browser_settings), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser(tmp_path_factory) -> Iterator[object]:
    """A headless Chromium driven by Selenium; downloads go to a temporary folder (``browser.download_dir``)."""
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    download_dir = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_experimental_option("prefs", {"download.default_directory": str(download_dir),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.download_dir = Path(download_dir)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()
