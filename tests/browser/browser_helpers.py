"""Waiting and console helpers shared by the browser tests."""
from __future__ import annotations


def wait_for(driver, css: str, timeout: float = 20.0, text: str | None = None):
    """The first element matching ``css`` (containing ``text`` when given), waiting up to ``timeout`` s."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, timeout)
    if text is None:
        return wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, css)))
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))
    return driver.find_element(By.CSS_SELECTOR, css)


def browser_errors(driver) -> list[str]:
    """SEVERE entries of the browser console (JavaScript errors, failed requests)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def click(driver, element) -> None:
    """Scroll ``element`` to the middle of the window and click it.

    Charts and alert cards that finish rendering can shift a control out from under the pointer between the
    scroll and the click; the click is then delivered to the element itself (a DOM click, which Dash counts
    like any other).
    """
    from selenium.common.exceptions import ElementClickInterceptedException

    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    try:
        element.click()
    except ElementClickInterceptedException:
        driver.execute_script("arguments[0].click()", element)


def wait_for_download(folder, pattern: str, before: set[str], timeout: float = 20.0):
    """The file matching ``pattern`` that appeared in ``folder`` (not in ``before``) once Chromium finished it."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = [p for p in folder.glob(pattern) if p.name not in before]
        if new and not list(folder.glob("*.crdownload")):
            return new[0]
        time.sleep(0.2)
    raise AssertionError(f"no {pattern} downloaded into {folder}")
