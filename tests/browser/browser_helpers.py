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


GRID_LAYOUT_JS = """
const grid = document.querySelector(arguments[0]);
const cut = [];
grid.querySelectorAll('.ag-header-cell-text').forEach(e => {
    if (e.scrollWidth > e.clientWidth + 1) cut.push(e.textContent); });
grid.querySelectorAll('.ag-row .ag-cell').forEach(e => {
    const v = e.querySelector('.ag-cell-value') || e;
    if (arguments[1] && v.scrollWidth > v.clientWidth + 1) cut.push(e.getAttribute('col-id') + '=' + v.textContent); });
const gaps = {};
grid.querySelectorAll('.ag-header-cell.ag-right-aligned-header').forEach(h => {
    const label = h.querySelector('.ag-header-cell-label');
    const button = h.querySelector('.ag-header-cell-filter-button:not(.ag-hidden)');
    if (label && button) gaps[h.getAttribute('col-id')] = label.getBoundingClientRect().left
        - button.getBoundingClientRect().right; });
const body = grid.querySelector('.ag-body-viewport').getBoundingClientRect();
const shown = Array.from(grid.querySelectorAll('.ag-center-cols-container .ag-row')).filter(r => {
    const b = r.getBoundingClientRect(); return b.top >= body.top - 1 && b.bottom <= body.bottom + 1; }).length;
return {cut, gaps, shown};
"""


def grid_layout(driver, css: str, cells: bool = False) -> dict:
    """Of the AG Grid at ``css``: header titles (and with ``cells`` the rendered cells) cut with "…", the gap (px)
    between each right-aligned header's filter icon and its title, how many rows are wholly in view."""
    return driver.execute_script(GRID_LAYOUT_JS, css, cells)


def columns_in_view(driver, css: str) -> list[str]:
    """Column ids of the AG Grid at ``css`` whose header lies wholly inside the grid's body without scrolling
    sideways."""
    return driver.execute_script("""const grid = document.querySelector(arguments[0]);
        const body = grid.querySelector('.ag-body-viewport').getBoundingClientRect();
        return Array.from(grid.querySelectorAll('.ag-header-cell')).filter(h => {
            const r = h.getBoundingClientRect(); return r.left >= body.left - 1 && r.right <= body.right + 1; })
            .map(h => h.getAttribute('col-id'));""", css)
