"""Every stage, in process, in pipeline order, against a temporary result set with params even
smaller than the tiny profile: a stage error shows here in seconds, with its traceback, before
the tiny pipeline runs the same stages through DVC.

The temporary directory is a result set of its own (``dvc.yaml`` and ``params.yaml`` at its
root, outs relative to it), which is also how a second result set runs: every stage reads its
params and writes its outs under the directory it runs in (:func:`nnrg.core.io.repo_root`).
"""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from nnrg.core import registry
from nnrg.core.cli import render_profile
from nnrg.core.headline import headline
from tests.conftest import ROOT


def overlay(tree: dict, changes: dict) -> dict:
    for key, value in changes.items():
        if isinstance(value, dict):
            overlay(tree[key], value)
        else:
            tree[key] = value
    return tree


@pytest.fixture(scope="module")
def result_set(tmp_path_factory):
    root = tmp_path_factory.mktemp("smoke")
    shutil.copy(ROOT / "dvc.yaml", root / "dvc.yaml")
    (root / "reports").mkdir()
    # each stage's declared smoke params: the fewest samples and epochs that exercise each path
    smoke = {name: dict(spec.smoke) for name, spec in SPECS.items() if spec.smoke}
    tree = overlay(yaml.safe_load(render_profile("tiny", ROOT)), smoke)
    (root / "params.yaml").write_text(yaml.safe_dump(tree, sort_keys=False))
    return root


SPECS = registry.specs()


@pytest.mark.parametrize("name", list(SPECS))
def test_stage_runs_in_process(name, result_set, monkeypatch):
    monkeypatch.chdir(result_set)
    monkeypatch.setenv("NNRG_TRACKING", "off")
    monkeypatch.setenv("NNRG_QUIET", "1")
    registry.load_stage(name).main()
    record = json.loads((result_set / "reports" / "records" / f"{name}.json").read_text())
    assert record["ran_with"], f"{name} recorded no conditions"
    shown = json.loads((result_set / "reports" / "metrics" / f"{name}.json").read_text())
    assert shown == headline(SPECS[name].headline, record), f"{name}: metrics are not its headline"
    for out in SPECS[name].outs:  # every declared out was written (committed ones are files)
        assert (result_set / out).exists(), f"{name} did not write its declared out {out}"
    committed = ROOT / "reports" / "records" / f"{name}.json"
    assert not committed.exists() or not committed.samefile(
        result_set / "reports" / "records" / f"{name}.json"
    )  # it wrote into the temporary result set, not the repository
