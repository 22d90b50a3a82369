"""``dvc plots show``, opened in headless Chromium as a person would: the page loads without
internet (vega inline, ``make plots-offline``), and every top-level plot of ``dvc.yaml``
renders an SVG whose data marks are drawn from a non-empty data set, with the plot's title.

Slow; needs chromium and chromium-driver (``make browser-deps``), selenium, and the npm
install of vega that ``make plots-offline`` makes (``make test-browser`` does both).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest
import yaml

from nnrg.core.plotpage import offline_template
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

NODE_MODULES = ROOT / ".nnrg" / "vega" / "node_modules"
# vega's SVG groups of data marks, and the element each datum draws
MARKS = "g.role-mark.mark-line path, g.role-mark.mark-symbol path, g.role-mark.mark-rule line, \
g.role-mark.mark-area path"


def plot_definitions() -> dict[str, dict]:
    spec = yaml.safe_load((ROOT / "dvc.yaml").read_text())
    return {k: v for entry in spec["plots"] for k, v in entry.items()}


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """``dvc plots show`` of the committed plot files, with the offline page template."""
    if not NODE_MODULES.is_dir():
        pytest.skip("needs the npm install of vega (make plots-offline)")
    out = tmp_path_factory.mktemp("plots")
    template = out / "page.html"
    template.write_text(offline_template(NODE_MODULES))
    res = subprocess.run([sys.executable, "-m", "dvc", "plots", "show", "--html-template",
                          str(template), "-o", str(out / "html")], cwd=ROOT,
                         capture_output=True, text=True)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "failed to load" not in res.stdout + res.stderr, res.stdout + res.stderr
    return out / "html" / "index.html"


def test_the_page_loads_no_script_from_the_network(page):
    html = page.read_text()
    assert not re.search(r"<script[^>]+src=", html), "a script is loaded from elsewhere"
    assert "vegaEmbed" in html


def test_every_plot_has_a_data_set_a_title_and_axis_labels(page):
    html = page.read_text()
    specs = dict(re.findall(r'<div id = "([^"]+)">\s*<script type = "text/javascript">\s*'
                            r"var spec = (.*?);\s*vegaEmbed", html, flags=re.S))  # fmt: skip
    definitions = plot_definitions()
    assert set(specs) == set(definitions)
    for name, text in specs.items():
        spec = json.loads(text)
        assert len(spec["data"]["values"]) > 0, name
        assert spec["title"] == definitions[name]["title"], name
        for label in ("x_label", "y_label"):
            assert definitions[name][label] in json.dumps(spec, ensure_ascii=False), name


def test_every_plot_renders_its_data_in_the_browser(page, browser):
    browser.get(page.as_uri())
    definitions = plot_definitions()
    names = list(definitions)
    deadline = time.time() + 120
    counts: dict[str, int] = {}
    while time.time() < deadline:
        counts = {
            name: browser.execute_script(
                "const d = document.getElementById(arguments[0]);"
                "return d ? d.querySelectorAll(arguments[1]).length : -1;", name, MARKS)
            for name in names
        }  # fmt: skip
        if all(n > 0 for n in counts.values()):
            break
        time.sleep(1)
    shot = page.parent / "plots.png"
    browser.save_screenshot(str(shot))
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
    assert all(n > 0 for n in counts.values()), f"plots without drawn data: {counts} ({shot})"
    titles = browser.execute_script(
        "return Array.from(document.querySelectorAll('svg .role-title-text'))"
        ".map(t => t.textContent);"
    )
    for name in names:
        assert definitions[name]["title"] in titles, name
