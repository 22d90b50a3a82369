"""Headless Chromium for the browser tests (the MLflow UI, ``dvc plots show``): a selenium
driver fixture, skipped without Debian's ``chromium`` and ``chromium-driver`` (``make
browser-deps``), and helpers that wait for what a person would see."""

from __future__ import annotations

import shutil
import time

import pytest

CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    if not (CHROMEDRIVER and CHROMIUM):
        pytest.skip("needs chromium and chromedriver (make browser-deps)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--window-size=1600,1000",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def wait_for_text(driver, texts: list[str], timeout: float = 60.0) -> str:
    """The page source once every one of ``texts`` appears in it (fails after ``timeout``)."""
    deadline = time.time() + timeout
    source = ""
    while time.time() < deadline:
        source = driver.page_source
        if all(t in source for t in texts):
            return source
        time.sleep(0.5)
    missing = [t for t in texts if t not in source]
    raise AssertionError(f"not shown in the browser after {timeout} s: {missing}")


def wait_for_visible_text(driver, texts: list[str], timeout: float = 60.0) -> str:
    """The page's rendered text (``innerText``: what a person sees, not hidden markup) once
    every one of ``texts`` appears in it (fails after ``timeout``)."""
    deadline = time.time() + timeout
    shown = ""
    while time.time() < deadline:
        shown = driver.execute_script("return document.body ? document.body.innerText : ''")
        if all(t in shown for t in texts):
            return shown
        time.sleep(0.5)
    missing = [t for t in texts if t not in shown]
    raise AssertionError(f"not visible in the browser after {timeout} s: {missing}")


def click_text(driver, text: str, timeout: float = 30.0) -> None:
    """Click the first displayed element whose own text is ``text``, waiting up to ``timeout``
    for one to be displayed (by script: the tree's labels sit under overlays that reject
    synthetic pointer clicks)."""
    from selenium.webdriver.common.by import By

    deadline = time.time() + timeout
    while True:
        found = [
            e
            for e in driver.find_elements(By.XPATH, f"//*[normalize-space(text())='{text}']")
            if e.is_displayed()
        ]
        if found or time.time() > deadline:
            break
        time.sleep(0.5)
    assert found, f"no visible element with text {text!r} after {timeout} s"
    driver.execute_script("arguments[0].click();", found[0])
