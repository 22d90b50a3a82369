"""The MLflow UI, in a real headless browser, shows what the tiny pipeline logged.

Slow and needs Debian's ``chromium`` and ``chromium-driver`` plus ``selenium`` (``make
browser-deps``); run with ``make test-browser`` or ``pytest -m slow tests/core/test_mlflow_ui.py``.
Saves screenshots under ``reports/browser/`` of the tiny copy (path printed on failure).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.browser import click_text, wait_for_text, wait_for_visible_text

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ui(tiny_pipeline):
    """``mlflow ui`` on 127.0.0.1 against the tiny pipeline's store; yields (url, repo)."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlflow",
            "ui",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--backend-store-uri",
            f"sqlite:///{tiny_pipeline}/mlflow.db",
            "--default-artifact-root",
            str(tiny_pipeline / "mlartifacts"),
        ],
        cwd=tiny_pipeline,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if urllib.request.urlopen(f"{url}/health", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.terminate()
        pytest.fail("the MLflow UI did not come up within 60 s")
    yield url, tiny_pipeline
    proc.terminate()
    proc.wait(timeout=20)


def test_experiment_parent_stage_runs_metric_and_figure_are_visible(ui, browser):
    from mlflow.tracking import MlflowClient
    from selenium.webdriver.common.by import By

    url, repo = ui
    shots = Path(repo) / "reports" / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    client = MlflowClient(f"sqlite:///{repo}/mlflow.db")
    exp = client.get_experiment_by_name("nnrg")
    runs = client.search_runs([exp.experiment_id], max_results=500)
    parent = next(r for r in runs if "mlflow.parentRunId" not in r.data.tags)
    child = next(r for r in runs if r.data.tags.get("stage") == "dynamics")
    base = f"{url}/#/experiments/{exp.experiment_id}"

    # MLflow 3 opens an experiment on its GenAI overview; the training-runs table is /runs
    browser.get(f"{base}/runs")
    wait_for_text(browser, ["nnrg", parent.info.run_name])
    browser.save_screenshot(str(shots / "experiment.png"))

    # the pipeline run carries every claim's status as a tag, and the claims table
    tags = sorted(k for k in parent.data.tags if k.startswith("claim.") and k.endswith(".status"))
    assert tags, "the pipeline run has no claim status tags"
    key, status = tags[0], parent.data.tags[tags[0]]
    query = urllib.parse.quote(f"tags.`{key}` = '{status}'")
    browser.get(f"{base}/runs?searchFilter={query}")
    wait_for_visible_text(browser, [parent.info.run_name])
    browser.get(f"{base}/runs/{parent.info.run_id}")
    wait_for_visible_text(browser, [parent.info.run_name, "Tags", key, status])
    browser.save_screenshot(str(shots / "pipeline_run.png"))
    browser.get(f"{base}/runs/{parent.info.run_id}/artifacts")
    click_text(browser, "claims")
    wait_for_visible_text(browser, ["claims.md", "claims.json"])
    click_text(browser, "claims.md")
    wait_for_visible_text(browser, ["Claims: what reproduced"])
    browser.save_screenshot(str(shots / "pipeline_claims.png"))

    # every stage run is a child of the parent; the table's search finds them by their tag
    browser.get(f"{base}/runs?searchFilter=tags.stage%20%3D%20%27dynamics%27")
    wait_for_text(browser, ["dynamics"])
    browser.get(f"{base}/runs/{child.info.run_id}")
    wait_for_text(browser, [child.info.run_name, "henon_heiles.energy0", parent.info.run_name])
    browser.save_screenshot(str(shots / "stage_run.png"))

    browser.get(f"{base}/runs/{child.info.run_id}/artifacts")
    wait_for_text(browser, ["figures"])
    click_text(browser, "figures")
    wait_for_text(browser, ["dynamics_oscillator.png"])
    click_text(browser, "dynamics_oscillator.png")
    deadline = time.time() + 30
    widths: list[int] = []
    while time.time() < deadline and not any(w >= 200 for w in widths):
        time.sleep(0.5)
        widths = [
            browser.execute_script("return arguments[0].naturalWidth", img)
            for img in browser.find_elements(By.TAG_NAME, "img")
        ]
    browser.save_screenshot(str(shots / "figure.png"))
    assert any(w >= 200 for w in widths), f"the figure did not render (img widths {widths})"
    print(f"screenshots in {shots}")
